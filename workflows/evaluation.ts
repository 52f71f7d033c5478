/**
 * Pure checks and bookkeeping for human evaluation and the decision (MISSION.md step 3).
 * The update validators call these; nothing here has side effects.
 */
import { compositeScores, RATINGS, type TCompositeResult, type TRating } from '../domain/composite';
import { reject } from './errors';
import type { TActor, TDecisionCommand, TEvaluation, TEvaluationCommand, TEvaluatorRole } from './messages';
import type { TWorkflowState } from './state';

export const EVALUATION_STAGES = ['evaluation', 'decision'] as const;

/** HR (and admins) evaluate as HR; a hiring manager only for their own department. */
export function evaluatorRole(actor: TActor, departmentId: string): TEvaluatorRole | null {
  if (actor.roles.includes('hr') || actor.roles.includes('admin')) return 'hr';
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
  const { requireHr, requireHiringManager } = state.input.policy.evaluation;
  const has = (role: TEvaluatorRole) => state.evaluations.some((e) => e.role === role);
  const missing: { path: string; message: string }[] = [];
  if (requireHr && !has('hr')) missing.push({ path: 'evaluations.hr', message: 'an evaluation by HR is required' });
  if (requireHiringManager && !has('hiring_manager')) {
    missing.push({ path: 'evaluations.hiring_manager', message: 'an evaluation by a hiring manager of the department is required' });
  }
  return missing;
}

export function assertDecision(state: TWorkflowState, cmd: TDecisionCommand): void {
  if (state.decision) reject('WrongStage', `the decision was already recorded: ${state.decision.decision}`);
  if (!(EVALUATION_STAGES as readonly string[]).includes(state.stage)) {
    reject('WrongStage', `a decision is recorded after screening, not in ${state.stage}`);
  }
  if (!cmd.actor.roles.includes('hr') && !cmd.actor.roles.includes('admin')) reject('Forbidden', 'only HR records the decision');
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
