/**
 * One workflow per application:
 *   received -> validating -> [discrepancy_review] -> screening -> evaluation -> decision
 *   -> rejected (feedback sent) | offer_drafting -> ...
 * and withdrawn from any stage before the end. The workflow owns the stage; activities
 * mirror it into the database. Human actions arrive as updates whose validators refuse
 * the wrong stage, actor, id or repeat before anything is written to history.
 */
import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TStage } from '../domain/contracts/application';
import { addDuration } from '../domain/durations';
import { buildFeedback } from '../domain/feedback';
import { reject } from './errors';
import { applyEvaluation, assertDecision, assertEvaluation, missingEvaluations } from './evaluation';
import {
  decideUpdate,
  messageOpenedSignal,
  resolveDiscrepancyUpdate,
  statusQuery,
  submitEvaluationUpdate,
  withdrawUpdate,
  type TActor,
  type TApplicationWorkflowInput,
  type TDecisionCommand,
  type TEvaluationCommand,
  type TResolveDiscrepancyCommand,
} from './messages';
import { createEventPump } from './events';
import { createMessenger } from './notify';
import { registerOfferHandlers, runOffers } from './offer';
import { registerOnboardingHandlers, runOnboarding } from './onboarding';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS, NON_RETRYABLE_ERROR_TYPES } from './retry';
import { StageKey } from './search-attributes';
import {
  actorRef,
  evaluationDueAt,
  initialState,
  isTerminal,
  toStatus,
  unresolvedHigh,
  type TWorkflowState,
} from './state';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

/** Stages at which a discrepancy may still be resolved: from the review until the decision. */
const RESOLVABLE_STAGES: readonly TStage[] = ['discrepancy_review', 'screening', 'evaluation', 'decision'];

export async function applicationWorkflow(input: TApplicationWorkflowInput): Promise<TStage> {
  const receivedMs = Date.parse(input.receivedAt);
  const state: TWorkflowState = initialState(input, addDuration(receivedMs, input.policy.timers.decisionPromise));
  const nowIso = () => new Date().toISOString();
  const log = (type: string, actor: TActor | 'system', detail?: Record<string, unknown>) =>
    state.timeline.push({ at: nowIso(), type, actor: actorRef(actor), ...(detail ? { detail } : {}) });
  const messenger = createMessenger(state, (type, detail) => log(type, 'system', detail));
  const events = createEventPump(input.applicationId, (error) => log('event_delivery_failed', 'system', { error }));
  const candidate = { name: input.candidate.name, jobTitle: input.policy.title };

  let stageSeq = 0;
  async function moveTo(stage: TStage, actor: TActor | 'system' = 'system', detail?: Record<string, unknown>) {
    // Once withdrawn, the main flow must not move the application anywhere else.
    if (state.withdrawal && stage !== 'withdrawn') return;
    const from = state.stage;
    state.stage = stage;
    // The sequence number lets the database ignore a mirror write that arrives late, and
    // keys the change's row in stage_transitions (the timeline carries it for the backfill).
    const seq = ++stageSeq;
    log('stage_changed', actor, { from, to: stage, ...detail, seq });
    upsertSearchAttributes([{ key: StageKey, value: stage }]);
    events.emit('application.stage_changed', { from, to: stage });
    await acts.recordStage({
      applicationId: input.applicationId,
      stage,
      seq,
      from,
      at: nowIso(),
      actor: actorRef(actor),
      decisionDueAt: new Date(state.decisionDueAt).toISOString(),
      // For the hiring-quality report: every resolution is in before the decision's stage change.
      discrepancies: state.discrepancies.map((d) => ({ id: d.id, rule: d.rule, severity: d.severity, resolution: d.resolution?.resolution ?? null })),
    });
  }

  const recordScores = () =>
    acts.recordScores({
      applicationId: input.applicationId,
      humanScore: state.scores.humanScore,
      compositeScore: state.scores.compositeScore,
      // For the hiring-quality report: AI against human per competency.
      dimensions: state.composite?.dimensions.map((d) => ({ key: d.key, ai: d.ai, human: d.human })) ?? [],
    });

  setHandler(statusQuery, () => toStatus(state, Date.now()));

  const offerCtx = {
    state,
    messenger,
    moveTo,
    log,
    stopped: () => state.withdrawal !== null,
    signing: new Map<number, Promise<void>>(),
    events,
    // Stage changes made inside an activity's transaction take their sequence number here.
    nextStageSeq: () => ++stageSeq,
  };
  const offers = registerOfferHandlers(offerCtx);
  registerOnboardingHandlers(offerCtx);

  setHandler(messageOpenedSignal, (opened) => {
    // The API repeats a signal until it knows Temporal took it: one open per message.
    if (state.timeline.some((e) => e.type === 'message_opened' && e.detail?.messageId === opened.messageId)) return;
    log('message_opened', 'system', { template: opened.template, purpose: opened.purpose, messageId: opened.messageId });
    // Opening the offer e-mail counts as viewing that version.
    const m = /^offer_sent:v(\d+)$/.exec(opened.purpose);
    if (m) offers.markViewed(Number(m[1]), 'email');
  });

  setHandler(
    resolveDiscrepancyUpdate,
    (cmd) => {
      const d = state.discrepancies.find((x) => x.id === cmd.discrepancyId)!;
      d.resolution = { resolution: cmd.resolution, note: cmd.note ?? null, by: cmd.actor.id, byName: cmd.actor.name, at: nowIso() };
      log(cmd.resolution === 'retest' ? 'retest_requested' : 'discrepancy_resolved', cmd.actor, {
        discrepancyId: d.id,
        resolution: cmd.resolution,
        ...(cmd.note ? { note: cmd.note } : {}),
      });
      return d;
    },
    {
      validator: (cmd: TResolveDiscrepancyCommand) => {
        if (!RESOLVABLE_STAGES.includes(state.stage)) {
          reject('WrongStage', `discrepancies cannot be resolved in stage ${state.stage}`);
        }
        const d = state.discrepancies.find((x) => x.id === cmd.discrepancyId);
        if (!d) reject('NotFound', `no discrepancy ${cmd.discrepancyId} on this application`);
        if (d.resolution) reject('Conflict', `discrepancy ${d.id} was already resolved as ${d.resolution.resolution}`);
      },
    },
  );

  setHandler(
    submitEvaluationUpdate,
    async (cmd) => {
      const role = assertEvaluation(state, cmd);
      const { evaluation } = applyEvaluation(state, cmd, role, nowIso());
      log(evaluation.revision > 1 ? 'evaluation_revised' : 'evaluation_submitted', cmd.actor, {
        role,
        revision: evaluation.revision,
        ratings: evaluation.ratings,
        ...(evaluation.comment ? { comment: evaluation.comment } : {}),
        ...(evaluation.recommendation ? { recommendation: evaluation.recommendation } : {}),
      });
      if (state.stage === 'evaluation' && missingEvaluations(state).length === 0) await moveTo('decision');
      await recordScores();
      return evaluation;
    },
    { validator: (cmd: TEvaluationCommand) => void assertEvaluation(state, cmd) },
  );

  setHandler(
    decideUpdate,
    (cmd) => {
      state.decision = { decision: cmd.decision, reason: cmd.reason ?? null, by: cmd.actor.id, byName: cmd.actor.name, at: nowIso() };
      log('decision_recorded', cmd.actor, { decision: cmd.decision, ...(cmd.reason ? { reason: cmd.reason } : {}) });
      return { stage: cmd.decision === 'advance' ? 'offer_drafting' : 'rejected', decision: state.decision };
    },
    { validator: (cmd: TDecisionCommand) => assertDecision(state, cmd) },
  );

  setHandler(
    withdrawUpdate,
    async (cmd) => {
      state.withdrawal = { reason: cmd.reason, by: cmd.actor.id, at: nowIso() };
      await moveTo('withdrawn', cmd.actor, { reason: cmd.reason });
      return { stage: state.stage };
    },
    {
      validator: (_cmd) => {
        if (isTerminal(state.stage) || state.withdrawal) reject('WrongStage', `the application is already ${state.stage}`);
      },
    },
  );

  const stopped = () => state.withdrawal !== null;
  log('application_received', 'system', { jobId: input.jobId });
  events.emit('application.received', { jobId: input.jobId, departmentId: input.departmentId, stage: 'received' });
  messenger.acknowledgement();
  void keepDecisionPromise();

  // 1. Two-way check of resume and interview.
  await moveTo('validating');
  if (stopped()) return finish();
  const found = await acts.checkApplication({ applicationId: input.applicationId, competencies: input.policy.competencies });
  state.discrepancies = found.map((d) => ({ ...d, resolution: null }));
  log('validated', 'system', { discrepancies: found.length, high: found.filter((d) => d.severity === 'high').length });
  if (stopped()) return finish();

  if (unresolvedHigh(state).length > 0) {
    await moveTo('discrepancy_review');
    messenger.staff({
      keyPrefix: 'discrepancy-review',
      applicationId: input.applicationId,
      role: 'hr',
      purpose: 'discrepancy_review',
      template: 'action_required',
      data: { action: 'discrepancy_review', candidateName: candidate.name, jobTitle: candidate.jobTitle, dueAt: new Date(state.decisionDueAt).toISOString() },
    });
    await condition(() => stopped() || unresolvedHigh(state).length === 0);
    if (stopped()) return finish();
  }

  // 2. Data-driven screening against the competency model.
  await moveTo('screening');
  const report = await acts.screenApplication({ applicationId: input.applicationId, competencies: input.policy.competencies });
  state.report = report;
  state.scores = { ...state.scores, matchScore: report.matchScore, aiScore: report.aiScore, cosine: report.cosine, fulfilment: report.fulfilment };
  log('screened', 'system', { matchScore: report.matchScore, aiScore: report.aiScore });
  if (stopped()) return finish();

  // 3. Human evaluation, then HR's decision.
  state.evaluationStartedAt = Date.now();
  await moveTo('evaluation');
  askForEvaluations(false);
  void remindEvaluators();
  await condition(() => stopped() || state.decision !== null);
  if (stopped()) return finish();

  if (state.decision!.decision === 'reject') {
    await moveTo('rejected', 'system', { reason: state.decision!.reason });
    sendRejectionFeedback();
    return finish();
  }
  // 4. The offer: drafting, approval, letter, sending, the candidate's answer.
  await moveTo('offer_drafting');
  messenger.staff({
    keyPrefix: 'offer-draft',
    applicationId: input.applicationId,
    role: 'hr',
    purpose: 'offer_draft',
    template: 'action_required',
    data: { action: 'offer_draft', candidateName: candidate.name, jobTitle: candidate.jobTitle, dueAt: nowIso() },
  });
  await runOffers(offerCtx);
  if (stopped() || isTerminal(state.stage)) return finish();

  // 5. Onboarding, from the signed offer to a trained employee.
  await runOnboarding(offerCtx);
  return finish();

  async function finish(): Promise<TStage> {
    // Handlers may still be mirroring their stage and messages may still be retrying.
    await condition(allHandlersFinished);
    await messenger.drain();
    await events.drain();
    return state.stage;
  }

  /** The decision promise to the candidate: HR is alerted when it runs out with no decision. */
  async function keepDecisionPromise() {
    const kept = await condition(
      () => state.decision !== null || isTerminal(state.stage),
      Math.max(0, state.decisionDueAt - Date.now()),
    );
    if (kept) return;
    log('decision_overdue', 'system', { promisedBy: new Date(state.decisionDueAt).toISOString() });
    messenger.staff({
      keyPrefix: 'decision-overdue',
      applicationId: input.applicationId,
      role: 'hr',
      purpose: 'decision_overdue',
      template: 'decision_overdue',
      data: {
        candidateName: candidate.name,
        jobTitle: candidate.jobTitle,
        promisedBy: new Date(state.decisionDueAt).toISOString(),
        applicationId: input.applicationId,
      },
    });
  }

  /** Tells each evaluator who still owes an evaluation; `overdue` for the reminder. */
  function askForEvaluations(overdue: boolean) {
    const dueAt = new Date(evaluationDueAt(state)!).toISOString();
    const { requireHr, requireHiringManager } = input.policy.evaluation;
    const has = (role: string) => state.evaluations.some((e) => e.role === role);
    const data = { action: 'evaluation' as const, candidateName: candidate.name, jobTitle: candidate.jobTitle, dueAt, overdue };
    const kind = overdue ? 'evaluation-reminder' : 'evaluation-request';
    if (requireHr && !has('hr')) {
      messenger.staff({ keyPrefix: `${kind}:hr`, applicationId: input.applicationId, role: 'hr', purpose: kind, template: 'action_required', data });
    }
    if (requireHiringManager && !has('hiring_manager')) {
      messenger.staff({
        keyPrefix: `${kind}:hiring_manager`,
        applicationId: input.applicationId,
        role: 'hiring_manager',
        departmentId: input.departmentId,
        purpose: kind,
        template: 'action_required',
        data,
      });
    }
  }

  async function remindEvaluators() {
    const due = evaluationDueAt(state)!;
    const done = await condition(
      () => state.decision !== null || isTerminal(state.stage) || missingEvaluations(state).length === 0,
      Math.max(0, due - Date.now()),
    );
    if (done) return;
    log('evaluation_overdue', 'system', { missing: missingEvaluations(state).map((m) => m.path) });
    askForEvaluations(true);
  }

  function sendRejectionFeedback() {
    const scores = Object.fromEntries(
      (state.composite?.dimensions ?? state.report?.dimensions.map((d) => ({ key: d.key, composite: d.score })) ?? []).map(
        (d) => [d.key, d.composite],
      ),
    );
    const feedback = buildFeedback(input.policy.competencies, scores, input.candidate.locale);
    messenger.candidate({
      applicationId: input.applicationId,
      purpose: 'rejection_feedback',
      version: 1,
      channel: 'email',
      template: 'rejection_feedback',
      data: { candidateName: candidate.name, jobTitle: candidate.jobTitle, strengths: feedback.strengths, improvements: feedback.improvements },
    });
  }
}
