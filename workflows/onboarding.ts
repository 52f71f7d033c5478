/**
 * Onboarding (MISSION.md step 6): from an accepted offer to a trained employee. The
 * conversion to employee is one transaction (activity); then tasks from the template,
 * documents through the portal, courses with retakes, a mentor told at each milestone,
 * reminders before tasks are due and HR alerts when they are overdue. When every
 * required task is done and every required course passed, the application is `hired`.
 */
import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { courseStatus, dueDate, endOfDay, isDocumentTask } from '../domain/onboarding';
import { reject } from './errors';
import {
  completeTaskUpdate,
  courseResultUpdate,
  documentSubmittedUpdate,
  rejectDocumentUpdate,
  type TActor,
  type TCompleteTaskCommand,
  type TCourseResultCommand,
  type TDocumentSubmitted,
  type TOnboardingState,
  type TOnboardingTask,
  type TRejectDocumentCommand,
} from './messages';
import type { OfferContext } from './offer';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS, NON_RETRYABLE_ERROR_TYPES } from './retry';
import { StageKey } from './search-attributes';
import { currentOffer } from './state';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

const DAY_MS = 86_400_000;
const isHr = (a: TActor) => a.roles.includes('hr') || a.roles.includes('admin');

export interface OnboardingContext extends OfferContext {
  nextStageSeq: () => number;
}

function mayComplete(task: TOnboardingTask, actor: TActor, ob: TOnboardingState): boolean {
  if (isHr(actor)) return true;
  switch (task.assignee) {
    case 'it':
      return actor.roles.includes('it');
    case 'mentor':
      return actor.id === ob.mentorUserId || actor.roles.includes('mentor');
    case 'hr':
    case 'candidate':
      return false; // candidate tasks complete by upload through the portal
  }
}

export function registerOnboardingHandlers(ctx: OnboardingContext) {
  const { state, log, messenger } = ctx;
  const input = state.input;
  const nowIso = () => new Date().toISOString();
  const ob = () => state.onboarding;
  const inOnboarding = () => {
    if (state.stage !== 'onboarding' || !state.onboarding) reject('WrongStage', `onboarding has not started or is over (stage ${state.stage})`);
    return state.onboarding;
  };

  setHandler(
    completeTaskUpdate,
    (cmd) => {
      const task = ob()!.tasks.find((t) => t.key === cmd.taskKey)!;
      task.status = 'done';
      task.completedBy = { id: cmd.actor.id, name: cmd.actor.name };
      task.completedAt = nowIso();
      task.note = cmd.note ?? null;
      log('task_completed', cmd.actor, { taskKey: task.key, ...(cmd.note ? { note: cmd.note } : {}) });
      return task;
    },
    {
      validator: (cmd: TCompleteTaskCommand) => {
        const o = inOnboarding();
        const task = o.tasks.find((t) => t.key === cmd.taskKey);
        if (!task) reject('NotFound', `no onboarding task ${cmd.taskKey}`);
        if (task.status === 'done') reject('Conflict', `task ${task.key} is already complete`);
        if (!mayComplete(task, cmd.actor, o)) reject('Forbidden', `task ${task.key} is completed by ${task.assignee === 'candidate' ? 'an upload through the portal' : `its assignee (${task.assignee})`} or HR`);
      },
    },
  );

  setHandler(
    documentSubmittedUpdate,
    (doc) => {
      const task = ob()!.tasks.find((t) => t.key === doc.kind)!;
      task.status = 'done';
      task.completedBy = { id: 'candidate', name: input.candidate.name };
      task.completedAt = nowIso();
      task.documentId = doc.documentId;
      log('document_received', 'system', { kind: doc.kind, documentId: doc.documentId, sha256: doc.sha256 });
      return task;
    },
    {
      validator: (doc: TDocumentSubmitted) => {
        const o = inOnboarding();
        const task = o.tasks.find((t) => t.key === doc.kind);
        if (!task || !isDocumentTask(task.key)) reject('NotFound', `no document task ${doc.kind}`);
        if (task.status === 'done') reject('Conflict', `the ${doc.kind} document was already received; HR can reject it to reopen the task`);
      },
    },
  );

  setHandler(
    rejectDocumentUpdate,
    (cmd) => {
      const o = ob()!;
      const task = o.tasks.find((t) => t.documentId === cmd.documentId)!;
      task.status = 'open';
      task.completedAt = null;
      task.completedBy = null;
      task.documentId = null;
      task.overdueNotifiedAt = null;
      log('document_rejected', cmd.actor, { kind: task.key, documentId: cmd.documentId, reason: cmd.reason });
      messenger.background(`document_rejected:${cmd.documentId}`, async () => {
        await acts.sendDocumentRejected({
          applicationId: input.applicationId,
          documentId: cmd.documentId,
          kind: task.key as 'id_copy',
          reason: cmd.reason,
          startDate: o.startDate,
        });
      });
      return task;
    },
    {
      validator: (cmd: TRejectDocumentCommand) => {
        const o = inOnboarding();
        if (!isHr(cmd.actor)) reject('Forbidden', 'only HR rejects documents');
        if (!o.tasks.some((t) => t.documentId === cmd.documentId)) reject('NotFound', 'no current document with that id');
      },
    },
  );

  setHandler(
    courseResultUpdate,
    (cmd) => {
      const o = ob()!;
      const course = o.courses.find((c) => c.key === cmd.courseKey)!;
      const passed = cmd.score >= course.passScore;
      course.attempts.push({ score: cmd.score, passed, at: nowIso(), recordedBy: cmd.actor.id });
      course.status = courseStatus(course.attempts, o.maxAttempts);
      log('course_result', cmd.actor, { courseKey: course.key, score: cmd.score, passed, attempt: course.attempts.length, status: course.status });
      if (course.status === 'failed') {
        messenger.staff({
          keyPrefix: `course-failed:${course.key}`,
          applicationId: input.applicationId,
          role: 'hr',
          purpose: 'course_failed',
          template: 'onboarding_event',
          data: { event: 'milestone', employeeName: input.candidate.name, employeeNumber: o.employeeNumber, milestone: `Course failed after ${course.attempts.length} attempts: ${course.title}` },
        });
      }
      return course;
    },
    {
      validator: (cmd: TCourseResultCommand) => {
        const o = inOnboarding();
        const course = o.courses.find((c) => c.key === cmd.courseKey);
        if (!course) reject('NotFound', `no course ${cmd.courseKey} in this onboarding`);
        if (course.status === 'passed') reject('Conflict', `course ${course.key} is already passed`);
        if (course.status === 'failed') reject('Conflict', `course ${course.key} has no attempts left (${o.maxAttempts} allowed)`);
        if (!(cmd.score >= 0 && cmd.score <= 100)) reject('ValidationFailed', 'score must be between 0 and 100', [{ path: 'body.score', message: 'must be between 0 and 100' }]);
      },
    },
  );
}

/** Runs onboarding from the accepted offer until `hired` (or withdrawal). */
export async function runOnboarding(ctx: OnboardingContext): Promise<void> {
  const { state, log, messenger, stopped } = ctx;
  const input = state.input;
  const offer = currentOffer(state)!;
  const policy = input.policy.onboarding;

  // 1. Candidate to employee, in one transaction with the stage change.
  const seq = ctx.nextStageSeq();
  // The change's time and previous stage, the same in the timeline as in stage_transitions.
  const convertedAt = new Date().toISOString();
  const convertedFrom = state.stage;
  const employee = await acts.convertToEmployee({
    applicationId: input.applicationId,
    offerVersion: offer.version,
    position: offer.offer.position,
    startDate: offer.offer.startDate,
    mentorUserId: policy.mentorUserId,
    stageSeq: seq,
    at: convertedAt,
    from: convertedFrom,
  });
  const startDate = offer.offer.startDate;
  state.onboarding = {
    employeeId: employee.employeeId,
    employeeNumber: employee.employeeNumber,
    startDate,
    position: offer.offer.position,
    mentorUserId: employee.mentorUserId,
    maxAttempts: policy.courseMaxAttempts,
    tasks: policy.tasks.map((t) => ({
      key: t.key,
      title: t.title,
      assignee: t.assignee,
      required: t.required,
      dueDate: dueDate(startDate, t.dueDaysFromStart),
      status: 'open',
      completedBy: null,
      completedAt: null,
      note: null,
      documentId: null,
      remindedAt: null,
      overdueNotifiedAt: null,
    })),
    courses: policy.courses.map((c) => ({ key: c.key, title: c.title, passScore: c.passScore, required: c.required, status: 'assigned', attempts: [] })),
    milestones: [],
    completedAt: null,
  };
  const from = state.stage;
  state.stage = 'onboarding';
  state.timeline.push({ at: convertedAt, type: 'stage_changed', actor: 'system', detail: { from: convertedFrom, to: 'onboarding', seq } });
  log('employee_created', 'system', { employeeId: employee.employeeId, employeeNumber: employee.employeeNumber });
  upsertSearchAttributes([{ key: StageKey, value: 'onboarding' }]);
  ctx.events.emit('application.stage_changed', { from, to: 'onboarding' });
  ctx.events.emit('employee.created', {
    employeeId: employee.employeeId,
    employeeNumber: employee.employeeNumber,
    startDate,
    position: offer.offer.position,
    mentorUserId: employee.mentorUserId,
  });
  const ob = state.onboarding;

  const documents = ob.tasks.filter((t) => isDocumentTask(t.key)).map((t) => t.title);
  messenger.background('onboarding_notice', async () => {
    await acts.sendOnboardingNotice({ applicationId: input.applicationId, startDate, employeeNumber: ob.employeeNumber, documentsToBring: documents });
  });
  const milestone = (name: string) => {
    ob.milestones.push({ name, at: new Date().toISOString() });
    log('onboarding_milestone', 'system', { milestone: name });
    if (!ob.mentorUserId) return;
    messenger.staff({
      keyPrefix: `milestone:${name}`,
      applicationId: input.applicationId,
      userIds: [ob.mentorUserId],
      purpose: 'onboarding_milestone',
      template: 'onboarding_event',
      data: { event: 'milestone', employeeName: input.candidate.name, employeeNumber: ob.employeeNumber, milestone: name },
    });
  };
  milestone('mentor_assigned');
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
  const requiredTasksDone = () => ob.tasks.every((t) => !t.required || t.status === 'done');
  const requiredCoursesPassed = () => ob.courses.every((c) => !c.required || c.status === 'passed');
  const complete = () => requiredTasksDone() && requiredCoursesPassed();
  let toldDocuments = false;
  let toldTasks = false;
  let toldTraining = false;
  const fingerprint = () => ob.tasks.map((t) => t.status).join() + '|' + ob.courses.map((c) => c.status).join();
  for (;;) {
    if (stopped()) return;
    if (!toldDocuments && ob.tasks.filter((t) => isDocumentTask(t.key)).every((t) => t.status === 'done')) {
      toldDocuments = true;
      milestone('documents_complete');
    }
    if (!toldTasks && requiredTasksDone()) {
      toldTasks = true;
      milestone('tasks_complete');
    }
    if (!toldTraining && requiredCoursesPassed()) {
      toldTraining = true;
      milestone('training_complete');
    }
    if (complete()) break;
    const now = Date.now();
    const events = ob.tasks
      .filter((t) => t.status === 'open')
      .flatMap((t) => {
        const remindAt = endOfDay(t.dueDate) + 1 - (policy.taskReminderDays + 1) * DAY_MS;
        const overdueAt = endOfDay(t.dueDate) + 1;
        return [
          ...(t.remindedAt ? [] : [{ at: remindAt, task: t, kind: 'remind' as const }]),
          ...(t.overdueNotifiedAt ? [] : [{ at: overdueAt, task: t, kind: 'overdue' as const }]),
        ];
      })
      .sort((a, b) => a.at - b.at);
    const due = events.filter((e) => e.at <= now);
    for (const e of due) notifyTask(e.task, e.kind);
    if (due.length) continue;
    const next = events[0];
    const seen = fingerprint();
    await condition(() => stopped() || fingerprint() !== seen, next ? next.at - now : undefined);
  }

  // 3. Hired: the employee active and the application closed, together.
  ob.completedAt = new Date().toISOString();
  const hiredSeq = ctx.nextStageSeq();
  const hiredAt = new Date().toISOString();
  const before = state.stage;
  await acts.completeOnboarding({
    applicationId: input.applicationId,
    employeeId: ob.employeeId,
    stageSeq: hiredSeq,
    at: hiredAt,
    from: before,
    // For the onboarding report.
    tasks: ob.tasks.map((t) => ({ key: t.key, assignee: t.assignee, dueDate: t.dueDate, completedAt: t.completedAt })),
    courses: ob.courses.map((c) => ({ key: c.key, attempts: c.attempts.length, passed: c.status === 'passed' })),
  });
  state.stage = 'hired';
  state.timeline.push({ at: hiredAt, type: 'stage_changed', actor: 'system', detail: { from: before, to: 'hired', seq: hiredSeq } });
  upsertSearchAttributes([{ key: StageKey, value: 'hired' }]);
  ctx.events.emit('application.stage_changed', { from: before, to: 'hired' });
  ctx.events.emit('onboarding.completed', { employeeId: ob.employeeId, employeeNumber: ob.employeeNumber, completedAt: ob.completedAt });
  milestone('hired');

  function notifyTask(task: TOnboardingTask, kind: 'remind' | 'overdue') {
    const at = new Date().toISOString();
    if (kind === 'remind') task.remindedAt = at;
    else task.overdueNotifiedAt = at;
    log(kind === 'remind' ? 'task_reminder' : 'task_overdue', 'system', { taskKey: task.key, dueDate: task.dueDate });
    const data = {
      event: kind === 'remind' ? ('task_due_soon' as const) : ('task_overdue' as const),
      employeeName: input.candidate.name,
      employeeNumber: ob.employeeNumber,
      taskTitle: task.title,
      dueDate: task.dueDate,
    };
    const key = `task-${kind}:${task.key}`;
    if (kind === 'overdue') {
      messenger.staff({ keyPrefix: key, applicationId: input.applicationId, role: 'hr', purpose: 'task_overdue', template: 'onboarding_event', data });
    } else if (task.assignee === 'candidate') {
      // The new hire's own reminder goes with the portal link (the notice); here HR keeps watch.
      messenger.staff({ keyPrefix: key, applicationId: input.applicationId, role: 'hr', purpose: 'task_due_soon', template: 'onboarding_event', data });
    } else if (task.assignee === 'mentor' && ob.mentorUserId) {
      messenger.staff({ keyPrefix: key, applicationId: input.applicationId, userIds: [ob.mentorUserId], purpose: 'task_due_soon', template: 'onboarding_event', data });
    } else {
      messenger.staff({ keyPrefix: key, applicationId: input.applicationId, role: task.assignee === 'it' ? 'it' : 'hr', purpose: 'task_due_soon', template: 'onboarding_event', data });
    }
  }
}
