/**
 * Pure checks and bookkeeping for human evaluation and the decision (MISSION.md step 3):
 * who evaluates, what the decision still needs, the composite after each evaluation, and
 * who owes what by when. The update validators call these; no Temporal, no I/O.
 */
import { compositeScores, RATINGS, type TCompositeResult, type TRating } from '../../../domain/composite';
import { addDuration } from '../../../domain/durations';
import { isHr } from '../../actors';
import { reject } from '../../errors';
import type { TActor, TDecision, TDecisionCommand, TEvaluation, TEvaluationCommand, TEvaluatorRole, TPendingAction } from '../../messages';
import { appendLog, dueFields, type TWorkflowState } from '../../state';

export const EVALUATION_STAGES = ['evaluation', 'decision'] as const;

/** HR (and admins) evaluate as HR; a hiring manager only for their own department. */
export function evaluatorRole(actor: TActor, departmentId: string): TEvaluatorRole | null {
  if (isHr(actor)) return 'hr';
  if (actor.roles.includes('hiring_manager') && actor.departmentId === departmentId) return 'hiring_manager';
  return null;
}

export function assertEvaluation(state: TWorkflowState, cmd: TEvaluationCommand): TEvaluatorRole {
  if (!(EVALUATION_STAGES as readonly string[]).includes(state.stage)) {
    reject('WrongStage', `evaluations are taken in evaluation, not in ${state.stage}`);
  }
  const role = evaluatorRole(cmd.actor, state.input.departmentId);
  if (!role) reject('Forbidden', "only HR and the job's department's hiring managers evaluate");
  const keys = state.input.policy.competencies.map((c) => c.key);
  const details = [
    ...Object.keys(cmd.ratings)
      .filter((k) => !keys.includes(k))
      .map((k) => ({ path: `body.ratings.${k}`, message: 'not a competency of this job' })),
    ...keys.filter((k) => cmd.ratings[k] === undefined).map((k) => ({ path: `body.ratings.${k}`, message: 'must be rated' })),
    ...Object.entries(cmd.ratings)
      .filter(([, v]) => !(RATINGS as readonly string[]).includes(v))
      .map(([k]) => ({ path: `body.ratings.${k}`, message: `must be one of ${RATINGS.join(', ')}` })),
  ];
  if (details.length) reject('ValidationFailed', 'the evaluation does not match the job’s competencies', details);
  return role;
}

/** What the decision still needs; empty when it may be recorded. */
export function missingEvaluations(state: TWorkflowState): { path: string; message: string }[] {
  return rolesStillToEvaluate(state).map((role) =>
    role === 'hr'
      ? { path: 'evaluations.hr', message: 'an evaluation by HR is required' }
      : { path: 'evaluations.hiring_manager', message: 'an evaluation by a hiring manager of the department is required' },
  );
}

export function assertDecision(state: TWorkflowState, cmd: TDecisionCommand): void {
  if (state.decision) reject('WrongStage', `the decision was already recorded: ${state.decision.decision}`);
  if (!(EVALUATION_STAGES as readonly string[]).includes(state.stage)) {
    reject('WrongStage', `a decision is recorded after screening, not in ${state.stage}`);
  }
  if (!isHr(cmd.actor)) reject('Forbidden', 'only HR records the decision');
  const missing = missingEvaluations(state);
  if (missing.length) reject('Conflict', `the decision needs: ${missing.map((m) => m.message).join('; ')}`, missing);
}

/** Records (or revises) the evaluator's current evaluation and recomputes the composite. */
export function applyEvaluation(
  state: TWorkflowState,
  cmd: TEvaluationCommand,
  role: TEvaluatorRole,
  at: string,
): { evaluation: TEvaluation; composite: TCompositeResult } {
  const previous = state.evaluations.find((e) => e.evaluatorId === cmd.actor.id);
  const evaluation: TEvaluation = {
    evaluatorId: cmd.actor.id,
    evaluatorName: cmd.actor.name,
    role,
    ratings: cmd.ratings as Record<string, TRating>,
    comment: cmd.comment ?? null,
    recommendation: cmd.recommendation ?? null,
    revision: (previous?.revision ?? 0) + 1,
    at,
  };
  state.evaluations = [...state.evaluations.filter((e) => e.evaluatorId !== cmd.actor.id), evaluation];
  const composite = recompute(state);
  evaluation.humanScore = compositeScores(
    dimensionsOf(state),
    [{ evaluatorId: evaluation.evaluatorId, ratings: evaluation.ratings }],
    state.input.policy.ratingScale,
    state.input.policy.weights,
  ).humanScore;
  return { evaluation, composite };
}

function dimensionsOf(state: TWorkflowState) {
  return (state.report?.dimensions ?? state.input.policy.competencies.map((c) => ({ ...c, score: 0 }))).map((d) => ({
    key: d.key,
    weight: d.weight,
    score: d.score,
  }));
}

export function recompute(state: TWorkflowState): TCompositeResult {
  const result = compositeScores(
    dimensionsOf(state),
    state.evaluations.map((e) => ({ evaluatorId: e.evaluatorId, ratings: e.ratings })),
    state.input.policy.ratingScale,
    state.input.policy.weights,
  );
  state.composite = result;
  state.scores = { ...state.scores, humanScore: result.humanScore, compositeScore: result.compositeScore };
  return result;
}

/** Validates, records and logs an evaluation (or its revision); returns it. */
export function recordEvaluation(state: TWorkflowState, cmd: TEvaluationCommand, at: string): TEvaluation {
  const role = assertEvaluation(state, cmd);
  const { evaluation } = applyEvaluation(state, cmd, role, at);
  appendLog(state, at, evaluation.revision > 1 ? 'evaluation_revised' : 'evaluation_submitted', cmd.actor, {
    role,
    revision: evaluation.revision,
    ratings: evaluation.ratings,
    ...(evaluation.comment ? { comment: evaluation.comment } : {}),
    ...(evaluation.recommendation ? { recommendation: evaluation.recommendation } : {}),
  });
  return evaluation;
}

/** Records HR's decision (after `assertDecision`). */
export function decide(state: TWorkflowState, cmd: TDecisionCommand, at: string): { stage: 'offer_drafting' | 'rejected'; decision: TDecision } {
  const decision: TDecision = { decision: cmd.decision, reason: cmd.reason ?? null, by: cmd.actor.id, byName: cmd.actor.name, at };
  state.decision = decision;
  appendLog(state, at, 'decision_recorded', cmd.actor, { decision: cmd.decision, ...(cmd.reason ? { reason: cmd.reason } : {}) });
  return { stage: cmd.decision === 'advance' ? 'offer_drafting' : 'rejected', decision };
}

/** When evaluations are due: the evaluation reminder period after reaching evaluation. */
export function evaluationDueAt(state: TWorkflowState): number | null {
  return state.evaluationStartedAt === null ? null : addDuration(state.evaluationStartedAt, state.input.policy.timers.evaluationReminder, state.calendar);
}

/** The evaluator roles the job requires that have not evaluated yet. */
export function rolesStillToEvaluate(state: TWorkflowState): TEvaluatorRole[] {
  const { requireHr, requireHiringManager } = state.input.policy.evaluation;
  const has = (role: TEvaluatorRole) => state.evaluations.some((e) => e.role === role);
  return [...(requireHr && !has('hr') ? (['hr'] as const) : []), ...(requireHiringManager && !has('hiring_manager') ? (['hiring_manager'] as const) : [])];
}

export function evaluationPending(state: TWorkflowState, nowMs: number): TPendingAction[] {
  const due = dueFields(evaluationDueAt(state), nowMs);
  return [
    ...rolesStillToEvaluate(state).map((role) => ({ action: 'submit_evaluation', actor: role, ...due })),
    { action: 'record_decision', actor: 'hr', ...dueFields(state.decisionDueAt, nowMs) },
  ];
}

/** Whether HR's and the hiring managers' recommendations point the same way (null until both exist). */
export function recommendationsAgree(state: TWorkflowState): boolean | null {
  const of = (role: string) => state.evaluations.filter((e) => e.role === role && e.recommendation).map((e) => e.recommendation);
  const hr = of('hr');
  const hm = of('hiring_manager');
  if (!hr.length || !hm.length) return null;
  return new Set([...hr, ...hm]).size === 1;
}
