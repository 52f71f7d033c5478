/**
 * Onboarding (MISSION.md step 6): from an accepted offer to a trained employee. The
 * conversion to employee is one transaction (activity); then tasks from the template,
 * documents through the portal, courses with retakes, a mentor told at each milestone,
 * reminders before tasks are due and HR alerts when they are overdue. When every
 * required task is done and every required course passed, the application is `hired`.
 */
import { patched } from '@temporalio/workflow';
import { isDocumentTask } from '../../../domain/onboarding';
import type { TWorkflowContext } from '../../context';
import type { TCourseRecord, TCourseResultCommand, TOnboardingState, TOnboardingTask, TRejectDocumentCommand } from '../../messages';
import { acts } from '../../proxies';
import { currentOffer } from '../../state';
import * as rules from './rules';

/** The rejectDocument update: the task reopens and the new hire is told why. */
export function rejectDocument(ctx: TWorkflowContext, cmd: TRejectDocumentCommand): TOnboardingTask {
  const task = rules.rejectDocument(ctx.state, cmd, ctx.nowIso());
  const startDate = ctx.state.onboarding!.startDate;
  ctx.messenger.background(`document_rejected:${cmd.documentId}`, async () => {
    await acts.sendDocumentRejected({ applicationId: ctx.input.applicationId, documentId: cmd.documentId, kind: task.key as 'id_copy', reason: cmd.reason, startDate });
  });
  return task;
}

/** The courseResult update: HR hears when a required course has no attempts left. */
export function recordCourseResult(ctx: TWorkflowContext, cmd: TCourseResultCommand): TCourseRecord {
  const course = rules.recordCourseResult(ctx.state, cmd, ctx.nowIso());
  const o = ctx.state.onboarding!;
  if (course.status === 'failed') {
    ctx.messenger.staff({
      keyPrefix: `course-failed:${course.key}`,
      applicationId: ctx.input.applicationId,
      role: 'hr',
      purpose: 'course_failed',
      template: 'onboarding_event',
      data: { event: 'milestone', employeeName: ctx.input.candidate.name, employeeNumber: o.employeeNumber, milestone: `Course failed after ${course.attempts.length} attempts: ${course.title}` },
    });
  }
  return course;
}

/** The patch that keeps a withdrawal which arrives while the employee record is being created. */
export const WITHDRAWN_DURING_CONVERSION = 'withdrawn-during-conversion';

/** Runs onboarding from the accepted offer until `hired` (or withdrawal). */
export async function runOnboarding(ctx: TWorkflowContext): Promise<void> {
  const { state, input, messenger, stopped } = ctx;
  const offer = currentOffer(state)!;
  const policy = input.policy.onboarding;

  // 1. Candidate to employee, in one transaction with the stage change (the same time and
  // previous stage in the timeline as in stage_transitions).
  const convertedSeq = ctx.nextStageSeq();
  const convertedAt = ctx.nowIso();
  const employee = await acts.convertToEmployee({
    applicationId: input.applicationId,
    offerVersion: offer.version,
    position: offer.offer.position,
    startDate: offer.offer.startDate,
    mentorUserId: policy.mentorUserId,
    stageSeq: convertedSeq,
    at: convertedAt,
    from: state.stage,
  });
  if (stopped() && patched(WITHDRAWN_DURING_CONVERSION)) {
    // Withdrawn while the employee record was being created. The record stays, as it does for
    // a withdrawal during onboarding, but the application stays withdrawn (the database kept
    // the later stage too: its writes are ordered by stage sequence) and nobody is asked to
    // onboard the person. Before this patch the workflow moved itself back to `onboarding`.
    ctx.log('employee_created', 'system', { employeeId: employee.employeeId, employeeNumber: employee.employeeNumber });
    return;
  }
  const ob = rules.startOnboarding(policy, employee, offer.offer);
  state.onboarding = ob;
  ctx.movedByActivity('onboarding', convertedSeq, convertedAt);
  ctx.log('employee_created', 'system', { employeeId: employee.employeeId, employeeNumber: employee.employeeNumber });
  ctx.events.emit('employee.created', {
    employeeId: employee.employeeId,
    employeeNumber: employee.employeeNumber,
    startDate: ob.startDate,
    position: offer.offer.position,
    mentorUserId: employee.mentorUserId,
  });

  const documents = ob.tasks.filter((t) => isDocumentTask(t.key)).map((t) => t.title);
  messenger.background('onboarding_notice', async () => {
    await acts.sendOnboardingNotice({ applicationId: input.applicationId, startDate: ob.startDate, employeeNumber: ob.employeeNumber, documentsToBring: documents });
  });
  milestone(ctx, ob, 'mentor_assigned');
  // Staff who own tasks learn of them now.
  for (const role of ['it', 'hr'] as const) {
    const mine = ob.tasks.filter((t) => t.assignee === role);
    if (!mine.length) continue;
    messenger.staff({
      keyPrefix: `onboarding-tasks:${role}`,
      applicationId: input.applicationId,
      role,
      purpose: 'onboarding_tasks',
      template: 'action_required',
      data: { action: 'onboarding_task', candidateName: input.candidate.name, jobTitle: input.policy.title, dueAt: mine.map((t) => t.dueDate).sort()[0]!, note: mine.map((t) => t.title).join('; ') },
    });
  }

  // 2. Wait for completion; wake for the next reminder or overdue alert.
  let toldDocuments = false;
  let toldTasks = false;
  let toldTraining = false;
  const fingerprint = () => ob.tasks.map((t) => t.status).join() + '|' + ob.courses.map((c) => c.status).join();
  for (;;) {
    if (stopped()) return;
    if (!toldDocuments && rules.documentsDone(ob)) {
      toldDocuments = true;
      milestone(ctx, ob, 'documents_complete');
    }
    if (!toldTasks && rules.requiredTasksDone(ob)) {
      toldTasks = true;
      milestone(ctx, ob, 'tasks_complete');
    }
    if (!toldTraining && rules.requiredCoursesPassed(ob)) {
      toldTraining = true;
      milestone(ctx, ob, 'training_complete');
    }
    if (rules.requiredTasksDone(ob) && rules.requiredCoursesPassed(ob)) break;
    const now = Date.now();
    const alerts = rules.taskAlerts(ob, policy.taskReminderDays);
    const due = alerts.filter((e) => e.at <= now);
    for (const e of due) notifyTask(ctx, ob, e.task, e.kind);
    if (due.length) continue;
    const next = alerts[0];
    const seen = fingerprint();
    await ctx.park(() => stopped() || fingerprint() !== seen, next ? next.at - now : undefined);
  }

  // 3. Hired: the employee active and the application closed, together.
  ob.completedAt = new Date().toISOString();
  const hiredSeq = ctx.nextStageSeq();
  const hiredAt = ctx.nowIso();
  await acts.completeOnboarding({
    applicationId: input.applicationId,
    employeeId: ob.employeeId,
    stageSeq: hiredSeq,
    at: hiredAt,
    from: state.stage,
    // For the onboarding report.
    tasks: ob.tasks.map((t) => ({ key: t.key, assignee: t.assignee, dueDate: t.dueDate, completedAt: t.completedAt })),
    courses: ob.courses.map((c) => ({ key: c.key, attempts: c.attempts.length, passed: c.status === 'passed' })),
  });
  ctx.movedByActivity('hired', hiredSeq, hiredAt);
  ctx.events.emit('onboarding.completed', { employeeId: ob.employeeId, employeeNumber: ob.employeeNumber, completedAt: ob.completedAt });
  milestone(ctx, ob, 'hired');
}

function milestone(ctx: TWorkflowContext, ob: TOnboardingState, name: string) {
  ob.milestones.push({ name, at: new Date().toISOString() });
  ctx.log('onboarding_milestone', 'system', { milestone: name });
  if (!ob.mentorUserId) return;
  ctx.messenger.staff({
    keyPrefix: `milestone:${name}`,
    applicationId: ctx.input.applicationId,
    userIds: [ob.mentorUserId],
    purpose: 'onboarding_milestone',
    template: 'onboarding_event',
    data: { event: 'milestone', employeeName: ctx.input.candidate.name, employeeNumber: ob.employeeNumber, milestone: name },
  });
}

function notifyTask(ctx: TWorkflowContext, ob: TOnboardingState, task: TOnboardingTask, kind: 'remind' | 'overdue') {
  const at = new Date().toISOString();
  if (kind === 'remind') task.remindedAt = at;
  else task.overdueNotifiedAt = at;
  ctx.log(kind === 'remind' ? 'task_reminder' : 'task_overdue', 'system', { taskKey: task.key, dueDate: task.dueDate });
  const data = {
    event: kind === 'remind' ? ('task_due_soon' as const) : ('task_overdue' as const),
    employeeName: ctx.input.candidate.name,
    employeeNumber: ob.employeeNumber,
    taskTitle: task.title,
    dueDate: task.dueDate,
  };
  const base = { keyPrefix: `task-${kind}:${task.key}`, applicationId: ctx.input.applicationId, template: 'onboarding_event' as const, data };
  if (kind === 'overdue') {
    ctx.messenger.staff({ ...base, role: 'hr', purpose: 'task_overdue' });
  } else if (task.assignee === 'candidate') {
    // The new hire's own reminder goes with the portal link (the notice); here HR keeps watch.
    ctx.messenger.staff({ ...base, role: 'hr', purpose: 'task_due_soon' });
  } else if (task.assignee === 'mentor' && ob.mentorUserId) {
    ctx.messenger.staff({ ...base, userIds: [ob.mentorUserId], purpose: 'task_due_soon' });
  } else {
    ctx.messenger.staff({ ...base, role: task.assignee === 'it' ? 'it' : 'hr', purpose: 'task_due_soon' });
  }
}
