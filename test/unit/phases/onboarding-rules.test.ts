/** The onboarding phase's rules, without Temporal: who completes what, documents, courses, alerts, pending actions. */
import { describe, expect, it } from 'vitest';
import * as rules from '../../../workflows/phases/onboarding/rules';
import { actor, AT, hr, makeState, refusal } from './state';

const it1 = actor('it1', ['it']);
const mentor = actor('men1', ['hiring_manager']);

function onboarding() {
  const state = makeState({ stage: 'onboarding' });
  state.onboarding = rules.startOnboarding(
    state.input.policy.onboarding,
    { employeeId: 'e1', employeeNumber: 'E2027-00001', mentorUserId: 'men1' },
    { startDate: '2027-03-01', position: 'Backend Engineer' },
  );
  return { state, ob: state.onboarding };
}

describe('onboarding rules', () => {
  it('starts from the template: due dates around the start date, every course assigned', () => {
    const { ob } = onboarding();
    expect(ob.tasks.find((t) => t.key === 'id_copy')).toMatchObject({ dueDate: '2027-02-22', status: 'open', assignee: 'candidate' });
    expect(ob.tasks.find((t) => t.key === 'mentor_meeting')!.dueDate).toBe('2027-03-03');
    expect(ob.courses.map((c) => c.status)).toEqual(['assigned']);
  });

  it('IT completes IT tasks, the mentor the mentor’s, HR any; candidate tasks only by upload', () => {
    const { state } = onboarding();
    expect(refusal(() => rules.assertTaskCompletable(state, { taskKey: 'computer', actor: mentor }))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertTaskCompletable(state, { taskKey: 'computer', actor: it1 }))).toBeNull();
    expect(refusal(() => rules.assertTaskCompletable(state, { taskKey: 'mentor_meeting', actor: mentor }))).toBeNull();
    expect(refusal(() => rules.assertTaskCompletable(state, { taskKey: 'id_copy', actor: it1 }))?.message).toMatch(/upload through the portal/);
    expect(refusal(() => rules.assertTaskCompletable(state, { taskKey: 'id_copy', actor: hr }))).toBeNull();
    rules.completeTask(state, { taskKey: 'computer', actor: it1, note: 'MacBook' }, AT);
    expect(refusal(() => rules.assertTaskCompletable(state, { taskKey: 'computer', actor: it1 }))?.type).toBe('Conflict');
    expect(refusal(() => rules.assertTaskCompletable(state, { taskKey: 'nope', actor: hr }))?.type).toBe('NotFound');
    expect(refusal(() => rules.assertTaskCompletable(makeState({ stage: 'hired' }), { taskKey: 'computer', actor: hr }))?.type).toBe('WrongStage');
  });

  it('a document completes its task once; HR rejecting it reopens the task for a new upload', () => {
    const { state, ob } = onboarding();
    const doc = { kind: 'diploma' as const, documentId: 'doc1', sha256: 'ab' };
    rules.receiveDocument(state, doc, AT);
    expect(rules.documentsDone(ob)).toBe(false);
    expect(refusal(() => rules.assertDocumentExpected(state, doc))?.type).toBe('Conflict');
    expect(refusal(() => rules.assertDocumentRejectable(state, { documentId: 'doc1', reason: 'blurred', actor: it1 }))?.type).toBe('Forbidden');
    rules.rejectDocument(state, { documentId: 'doc1', reason: 'blurred', actor: hr }, AT);
    expect(ob.tasks.find((t) => t.key === 'diploma')).toMatchObject({ status: 'open', documentId: null });
    expect(refusal(() => rules.assertDocumentExpected(state, doc))).toBeNull();
    expect(refusal(() => rules.assertDocumentRejectable(state, { documentId: 'doc1', reason: 'again', actor: hr }))?.type).toBe('NotFound');
  });

  it('course results: a retake after a failure, failed when the attempts run out, scores 0..100', () => {
    const { state } = onboarding();
    const cmd = { courseKey: 'orientation', score: 40, actor: hr };
    expect(refusal(() => rules.assertCourseResult(state, { ...cmd, score: 101 }))?.type).toBe('ValidationFailed');
    expect(rules.recordCourseResult(state, cmd, AT).status).toBe('retake');
    rules.recordCourseResult(state, cmd, AT);
    expect(rules.recordCourseResult(state, cmd, AT).status).toBe('failed');
    expect(refusal(() => rules.assertCourseResult(state, cmd))?.message).toMatch(/no attempts left/);
    expect(rules.requiredCoursesPassed(state.onboarding!)).toBe(false);
  });

  it('alerts: a reminder the configured days before the due day, an overdue alert after it, earliest first', () => {
    const { ob } = onboarding();
    const alerts = rules.taskAlerts(ob, 1).filter((x) => x.task.key === 'mentor_meeting');
    expect(alerts.map((x) => [x.kind, new Date(x.at).toISOString()])).toEqual([
      ['remind', '2027-03-02T00:00:00.000Z'],
      ['overdue', '2027-03-04T00:00:00.000Z'],
    ]);
    ob.tasks.forEach((t) => (t.remindedAt = AT));
    expect(rules.taskAlerts(ob, 1).every((x) => x.kind === 'overdue')).toBe(true);
  });

  it('pending: open tasks by assignee (the mentor by id), courses to take', () => {
    const { state } = onboarding();
    const pending = rules.onboardingPending(state, Date.parse('2027-02-23T00:00:00.000Z'));
    expect(pending.find((p) => p.action === 'task:id_copy')).toEqual({ action: 'task:id_copy', actor: 'candidate', dueAt: '2027-02-22T23:59:59.999Z', overdue: true });
    expect(pending.find((p) => p.action === 'task:mentor_meeting')!.actor).toBe('men1');
    expect(pending.find((p) => p.action === 'course:orientation')).toMatchObject({ actor: 'candidate', dueAt: null });
  });
});
