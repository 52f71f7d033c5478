/**
 * Onboarding's rules (MISSION.md step 6): who completes which task, what a document, a
 * rejection or a course result does, when a task is reminded of or overdue, and who owes
 * what. Pure: no Temporal, no I/O.
 */
import type { TJobPolicy } from '../../../domain/policy';
import { courseStatus, dueDate, endOfDay, isDocumentTask } from '../../../domain/onboarding';
import { isHr } from '../../actors';
import { reject } from '../../errors';
import type {
  TActor,
  TCompleteTaskCommand,
  TCourseRecord,
  TCourseResultCommand,
  TDocumentSubmitted,
  TOnboardingState,
  TOnboardingTask,
  TPendingAction,
  TRejectDocumentCommand,
} from '../../messages';
import { appendLog, dueFields, type TWorkflowState } from '../../state';

const DAY_MS = 86_400_000;

/** The onboarding as it starts, from the job's template and the new employee. */
export function startOnboarding(
  policy: TJobPolicy['onboarding'],
  employee: { employeeId: string; employeeNumber: string; mentorUserId: string | null },
  offer: { startDate: string; position: string },
): TOnboardingState {
  const { startDate } = offer;
  return {
    employeeId: employee.employeeId,
    employeeNumber: employee.employeeNumber,
    startDate,
    position: offer.position,
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
}

export function mayComplete(task: TOnboardingTask, actor: TActor, ob: TOnboardingState): boolean {
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

function inOnboarding(state: TWorkflowState): TOnboardingState {
  if (state.stage !== 'onboarding' || !state.onboarding) reject('WrongStage', `onboarding has not started or is over (stage ${state.stage})`);
  return state.onboarding;
}

export function assertTaskCompletable(state: TWorkflowState, cmd: TCompleteTaskCommand): void {
  const o = inOnboarding(state);
  const task = o.tasks.find((t) => t.key === cmd.taskKey);
  if (!task) reject('NotFound', `no onboarding task ${cmd.taskKey}`);
  if (task.status === 'done') reject('Conflict', `task ${task.key} is already complete`);
  if (!mayComplete(task, cmd.actor, o)) {
    reject('Forbidden', `task ${task.key} is completed by ${task.assignee === 'candidate' ? 'an upload through the portal' : `its assignee (${task.assignee})`} or HR`);
  }
}

export function completeTask(state: TWorkflowState, cmd: TCompleteTaskCommand, at: string): TOnboardingTask {
  const task = state.onboarding!.tasks.find((t) => t.key === cmd.taskKey)!;
  task.status = 'done';
  task.completedBy = { id: cmd.actor.id, name: cmd.actor.name };
  task.completedAt = at;
  task.note = cmd.note ?? null;
  appendLog(state, at, 'task_completed', cmd.actor, { taskKey: task.key, ...(cmd.note ? { note: cmd.note } : {}) });
  return task;
}

export function assertDocumentExpected(state: TWorkflowState, doc: TDocumentSubmitted): void {
  const task = inOnboarding(state).tasks.find((t) => t.key === doc.kind);
  if (!task || !isDocumentTask(task.key)) reject('NotFound', `no document task ${doc.kind}`);
  if (task.status === 'done') reject('Conflict', `the ${doc.kind} document was already received; HR can reject it to reopen the task`);
}

export function receiveDocument(state: TWorkflowState, doc: TDocumentSubmitted, at: string): TOnboardingTask {
  const task = state.onboarding!.tasks.find((t) => t.key === doc.kind)!;
  task.status = 'done';
  task.completedBy = { id: 'candidate', name: state.input.candidate.name };
  task.completedAt = at;
  task.documentId = doc.documentId;
  appendLog(state, at, 'document_received', 'system', { kind: doc.kind, documentId: doc.documentId, sha256: doc.sha256 });
  return task;
}

export function assertDocumentRejectable(state: TWorkflowState, cmd: TRejectDocumentCommand): void {
  const o = inOnboarding(state);
  if (!isHr(cmd.actor)) reject('Forbidden', 'only HR rejects documents');
  if (!o.tasks.some((t) => t.documentId === cmd.documentId)) reject('NotFound', 'no current document with that id');
}

/** HR rejects a document: its task opens again (and may be reminded of again). */
export function rejectDocument(state: TWorkflowState, cmd: TRejectDocumentCommand, at: string): TOnboardingTask {
  const task = state.onboarding!.tasks.find((t) => t.documentId === cmd.documentId)!;
  task.status = 'open';
  task.completedAt = null;
  task.completedBy = null;
  task.documentId = null;
  task.overdueNotifiedAt = null;
  appendLog(state, at, 'document_rejected', cmd.actor, { kind: task.key, documentId: cmd.documentId, reason: cmd.reason });
  return task;
}

export function assertCourseResult(state: TWorkflowState, cmd: TCourseResultCommand): void {
  const o = inOnboarding(state);
  const course = o.courses.find((c) => c.key === cmd.courseKey);
  if (!course) reject('NotFound', `no course ${cmd.courseKey} in this onboarding`);
  if (course.status === 'passed') reject('Conflict', `course ${course.key} is already passed`);
  if (course.status === 'failed') reject('Conflict', `course ${course.key} has no attempts left (${o.maxAttempts} allowed)`);
  if (!(cmd.score >= 0 && cmd.score <= 100)) reject('ValidationFailed', 'score must be between 0 and 100', [{ path: 'body.score', message: 'must be between 0 and 100' }]);
}

export function recordCourseResult(state: TWorkflowState, cmd: TCourseResultCommand, at: string): TCourseRecord {
  const o = state.onboarding!;
  const course = o.courses.find((c) => c.key === cmd.courseKey)!;
  const passed = cmd.score >= course.passScore;
  course.attempts.push({ score: cmd.score, passed, at, recordedBy: cmd.actor.id });
  course.status = courseStatus(course.attempts, o.maxAttempts);
  appendLog(state, at, 'course_result', cmd.actor, { courseKey: course.key, score: cmd.score, passed, attempt: course.attempts.length, status: course.status });
  return course;
}

export const requiredTasksDone = (ob: TOnboardingState) => ob.tasks.every((t) => !t.required || t.status === 'done');
export const requiredCoursesPassed = (ob: TOnboardingState) => ob.courses.every((c) => !c.required || c.status === 'passed');
export const documentsDone = (ob: TOnboardingState) => ob.tasks.filter((t) => isDocumentTask(t.key)).every((t) => t.status === 'done');

export interface TTaskAlert {
  at: number;
  task: TOnboardingTask;
  kind: 'remind' | 'overdue';
}

/** Reminders (`reminderDays` before the due day) and overdue alerts (after it) still to send, earliest first. */
export function taskAlerts(ob: TOnboardingState, reminderDays: number): TTaskAlert[] {
  return ob.tasks
    .filter((t) => t.status === 'open')
    .flatMap((t) => {
      const overdueAt = endOfDay(t.dueDate) + 1;
      const remindAt = overdueAt - (reminderDays + 1) * DAY_MS;
      return [
        ...(t.remindedAt ? [] : [{ at: remindAt, task: t, kind: 'remind' as const }]),
        ...(t.overdueNotifiedAt ? [] : [{ at: overdueAt, task: t, kind: 'overdue' as const }]),
      ];
    })
    .sort((a, b) => a.at - b.at);
}

export function onboardingPending(state: TWorkflowState, nowMs: number): TPendingAction[] {
  const ob = state.onboarding;
  if (!ob) return [];
  const tasks = ob.tasks
    .filter((t) => t.status === 'open')
    .map((t) => ({
      action: `task:${t.key}`,
      actor: t.assignee === 'mentor' && ob.mentorUserId ? ob.mentorUserId : t.assignee,
      ...dueFields(Date.parse(`${t.dueDate}T23:59:59.999Z`), nowMs),
    }));
  const courses = ob.courses
    .filter((c) => c.status === 'assigned' || c.status === 'retake')
    .map((c) => ({ action: `course:${c.key}`, actor: 'candidate', dueAt: null, overdue: false }));
  const failed = ob.courses
    .filter((c) => c.status === 'failed' && c.required)
    .map((c) => ({ action: `course_failed:${c.key}`, actor: 'hr', dueAt: null, overdue: false }));
  return [...tasks, ...courses, ...failed];
}
