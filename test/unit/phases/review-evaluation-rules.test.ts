/** The review and evaluation phases' rules, without Temporal. */
import { describe, expect, it } from 'vitest';
import type { TDiscrepancyState } from '../../../workflows/messages';
import {
  assertDecision,
  decide,
  evaluationPending,
  missingEvaluations,
  recommendationsAgree,
  recordEvaluation,
  rolesStillToEvaluate,
} from '../../../workflows/phases/evaluation/rules';
import { assertResolvable, resolveDiscrepancy, reviewPending, unresolvedHigh } from '../../../workflows/phases/review/rules';
import { actor, AT, hr, makeState, manager, refusal } from './state';

const discrepancy = (id: string, severity: 'high' | 'medium'): TDiscrepancyState => ({
  id,
  rule: 'claimed_skill_failed',
  severity,
  subject: 'Python',
  message: 'claimed expert, failed the question',
  evidence: { resume: 'expert', interview: 30 },
  resolution: null,
});
const ratings = { programming: 'excellent', systems: 'good', teamwork: 'fair' };

describe('review rules', () => {
  it('only unresolved high-severity discrepancies hold the review, and resolving one records who and when', () => {
    const state = makeState({ stage: 'discrepancy_review', discrepancies: [discrepancy('d1', 'high'), discrepancy('d2', 'medium')] });
    expect(unresolvedHigh(state).map((d) => d.id)).toEqual(['d1']);
    const cmd = { discrepancyId: 'd1', resolution: 'confirmed' as const, note: 'checked the portfolio', actor: hr };
    expect(refusal(() => assertResolvable(state, cmd))).toBeNull();
    resolveDiscrepancy(state, cmd, AT);
    expect(unresolvedHigh(state)).toEqual([]);
    expect(state.discrepancies[0]!.resolution).toEqual({ resolution: 'confirmed', note: 'checked the portfolio', by: 'hr1', byName: 'HR1', at: AT });
    expect(state.timeline.at(-1)).toMatchObject({ type: 'discrepancy_resolved', actor: { id: 'hr1' }, detail: { discrepancyId: 'd1' } });
    expect(refusal(() => assertResolvable(state, cmd))).toMatchObject({ type: 'Conflict', message: expect.stringContaining('already resolved') });
  });

  it('refuses an unknown discrepancy and the wrong stage; a retest is logged as such', () => {
    const state = makeState({ stage: 'discrepancy_review', discrepancies: [discrepancy('d1', 'high')] });
    expect(refusal(() => assertResolvable(state, { discrepancyId: 'nope', resolution: 'retest', actor: hr }))?.type).toBe('NotFound');
    resolveDiscrepancy(state, { discrepancyId: 'd1', resolution: 'retest', actor: hr }, AT);
    expect(state.timeline.at(-1)!.type).toBe('retest_requested');
    expect(refusal(() => assertResolvable(makeState({ stage: 'offer_sent' }), { discrepancyId: 'd1', resolution: 'retest', actor: hr }))?.type).toBe('WrongStage');
  });

  it('HR owes the review by the decision promise, overdue after it', () => {
    const state = makeState({ stage: 'discrepancy_review' });
    expect(reviewPending(state, state.decisionDueAt - 1)).toEqual([{ action: 'resolve_discrepancies', actor: 'hr', dueAt: '2027-01-07T09:00:00.000Z', overdue: false }]);
    expect(reviewPending(state, state.decisionDueAt + 1)[0]!.overdue).toBe(true);
  });
});

describe('evaluation rules', () => {
  it('HR and the department’s hiring manager evaluate; another department’s manager and other roles are refused', () => {
    const state = makeState({ stage: 'evaluation' });
    const other = actor('mgr2', ['hiring_manager'], { departmentId: 'elsewhere' });
    expect(refusal(() => recordEvaluation(state, { ratings, actor: other }, AT))?.type).toBe('Forbidden');
    expect(refusal(() => recordEvaluation(state, { ratings, actor: actor('it1', ['it']) }, AT))?.type).toBe('Forbidden');
    expect(rolesStillToEvaluate(state)).toEqual(['hr', 'hiring_manager']);
    recordEvaluation(state, { ratings, actor: hr, recommendation: 'advance' }, AT);
    expect(rolesStillToEvaluate(state)).toEqual(['hiring_manager']);
    expect(recommendationsAgree(state)).toBeNull();
    recordEvaluation(state, { ratings, actor: manager, recommendation: 'reject' }, AT);
    expect(missingEvaluations(state)).toEqual([]);
    expect(recommendationsAgree(state)).toBe(false);
    expect(state.scores.compositeScore).not.toBeNull();
  });

  it('a second evaluation by the same person is a revision; ratings must match the job’s competencies', () => {
    const state = makeState({ stage: 'evaluation' });
    expect(recordEvaluation(state, { ratings, actor: hr }, AT).revision).toBe(1);
    expect(recordEvaluation(state, { ratings: { ...ratings, teamwork: 'excellent' }, actor: hr }, AT).revision).toBe(2);
    expect(state.evaluations).toHaveLength(1);
    expect(state.timeline.map((e) => e.type)).toEqual(['evaluation_submitted', 'evaluation_revised']);
    const bad = refusal(() => recordEvaluation(state, { ratings: { programming: 'superb', cooking: 'good' }, actor: hr }, AT));
    expect(bad).toMatchObject({ type: 'ValidationFailed' });
  });

  it('the decision needs both evaluations, HR, and is taken once', () => {
    const state = makeState({ stage: 'evaluation' });
    const cmd = { decision: 'advance' as const, actor: hr };
    expect(refusal(() => assertDecision(state, cmd))).toMatchObject({ type: 'Conflict', message: expect.stringContaining('hiring manager') });
    recordEvaluation(state, { ratings, actor: hr }, AT);
    recordEvaluation(state, { ratings, actor: manager }, AT);
    expect(refusal(() => assertDecision(state, { ...cmd, actor: manager }))?.type).toBe('Forbidden');
    expect(refusal(() => assertDecision(state, cmd))).toBeNull();
    expect(decide(state, cmd, AT)).toMatchObject({ stage: 'offer_drafting', decision: { decision: 'advance', by: 'hr1' } });
    expect(refusal(() => assertDecision(state, cmd))?.type).toBe('WrongStage');
    expect(decide(makeState(), { decision: 'reject', reason: 'fit', actor: hr }, AT).stage).toBe('rejected');
  });

  it('pending: each missing evaluation by its due time, then the decision by the promise', () => {
    const state = makeState({ stage: 'evaluation', evaluationStartedAt: Date.parse('2027-01-04T10:00:00.000Z') });
    const pending = evaluationPending(state, Date.parse('2027-01-05T10:00:00.000Z'));
    expect(pending).toEqual([
      { action: 'submit_evaluation', actor: 'hr', dueAt: '2027-01-06T10:00:00.000Z', overdue: false },
      { action: 'submit_evaluation', actor: 'hiring_manager', dueAt: '2027-01-06T10:00:00.000Z', overdue: false },
      { action: 'record_decision', actor: 'hr', dueAt: '2027-01-07T09:00:00.000Z', overdue: false },
    ]);
    expect(evaluationPending(state, Date.parse('2027-01-06T10:00:01.000Z'))[0]!.overdue).toBe(true);
  });
});
