/**
 * Step 3: human evaluation and HR's decision, with the decision promise to the candidate
 * kept from the moment the application arrives. Returns false when the application ends
 * here (rejected with feedback, or withdrawn).
 */
import { condition } from '@temporalio/workflow';
import { buildFeedback } from '../../../domain/feedback';
import type { TWorkflowContext } from '../../context';
import type { TEvaluation, TEvaluationCommand } from '../../messages';
import { acts } from '../../proxies';
import { isTerminal } from '../../state';
import { evaluationDueAt, missingEvaluations, recordEvaluation, rolesStillToEvaluate } from './rules';

/** The submitEvaluation update: record it, move to the decision when it completes the set, mirror the scores. */
export async function submitEvaluation(ctx: TWorkflowContext, cmd: TEvaluationCommand): Promise<TEvaluation> {
  const { state } = ctx;
  const evaluation = recordEvaluation(state, cmd, ctx.nowIso());
  if (state.stage === 'evaluation' && missingEvaluations(state).length === 0) await ctx.moveTo('decision');
  await acts.recordScores({
    applicationId: ctx.input.applicationId,
    humanScore: state.scores.humanScore,
    compositeScore: state.scores.compositeScore,
    // For the hiring-quality report: AI against human per competency.
    dimensions: state.composite?.dimensions.map((d) => ({ key: d.key, ai: d.ai, human: d.human })) ?? [],
  });
  return evaluation;
}

/** The decision promise to the candidate: HR is alerted when it runs out with no decision. */
export async function keepDecisionPromise(ctx: TWorkflowContext): Promise<void> {
  const { state, input } = ctx;
  const kept = await condition(() => state.decision !== null || isTerminal(state.stage), Math.max(0, state.decisionDueAt - Date.now()));
  if (kept) return;
  const promisedBy = new Date(state.decisionDueAt).toISOString();
  ctx.log('decision_overdue', 'system', { promisedBy });
  ctx.messenger.staff({
    keyPrefix: 'decision-overdue',
    applicationId: input.applicationId,
    role: 'hr',
    purpose: 'decision_overdue',
    template: 'decision_overdue',
    data: { ...ctx.candidate, promisedBy, applicationId: input.applicationId },
  });
}

export async function runEvaluation(ctx: TWorkflowContext): Promise<boolean> {
  const { state, stopped } = ctx;
  state.evaluationStartedAt = Date.now();
  await ctx.moveTo('evaluation');
  askForEvaluations(ctx, false);
  void remindEvaluators(ctx);
  await ctx.park(() => stopped() || state.decision !== null);
  if (stopped()) return false;
  if (state.decision!.decision === 'reject') {
    await ctx.moveTo('rejected', 'system', { reason: state.decision!.reason });
    sendRejectionFeedback(ctx);
    return false;
  }
  return true;
}

/** Tells each evaluator who still owes an evaluation; `overdue` for the reminder. */
function askForEvaluations(ctx: TWorkflowContext, overdue: boolean) {
  const { state, input } = ctx;
  const dueAt = new Date(evaluationDueAt(state)!).toISOString();
  const data = { action: 'evaluation' as const, ...ctx.candidate, dueAt, overdue };
  const kind = overdue ? 'evaluation-reminder' : 'evaluation-request';
  for (const role of rolesStillToEvaluate(state)) {
    ctx.messenger.staff({
      keyPrefix: `${kind}:${role}`,
      applicationId: input.applicationId,
      role,
      ...(role === 'hiring_manager' ? { departmentId: input.departmentId } : {}),
      purpose: kind,
      template: 'action_required',
      data,
    });
  }
}

async function remindEvaluators(ctx: TWorkflowContext) {
  const { state } = ctx;
  const due = evaluationDueAt(state)!;
  const done = await condition(
    () => state.decision !== null || isTerminal(state.stage) || missingEvaluations(state).length === 0,
    Math.max(0, due - Date.now()),
  );
  if (done) return;
  ctx.log('evaluation_overdue', 'system', { missing: missingEvaluations(state).map((m) => m.path) });
  askForEvaluations(ctx, true);
}

function sendRejectionFeedback(ctx: TWorkflowContext) {
  const { state, input } = ctx;
  const scores = Object.fromEntries(
    (state.composite?.dimensions ?? state.report?.dimensions.map((d) => ({ key: d.key, composite: d.score })) ?? []).map((d) => [d.key, d.composite]),
  );
  const feedback = buildFeedback(input.policy.competencies, scores, input.candidate.locale);
  ctx.messenger.candidate({
    applicationId: input.applicationId,
    purpose: 'rejection_feedback',
    version: 1,
    channel: 'email',
    template: 'rejection_feedback',
    data: { ...ctx.candidate, strengths: feedback.strengths, improvements: feedback.improvements },
  });
}
