/**
 * One workflow per application: received -> validating -> [discrepancy_review] ->
 * screening -> evaluation -> ... The workflow owns the stage; activities mirror it into
 * the database. Human actions arrive as updates whose validators refuse the wrong
 * stage, id or repeat before anything is written to history.
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
import { reject } from './errors';
import {
  resolveDiscrepancyUpdate,
  statusQuery,
  withdrawUpdate,
  type TActor,
  type TApplicationWorkflowInput,
  type TResolveDiscrepancyCommand,
} from './messages';
import { StageKey } from './search-attributes';
import { actorRef, initialState, isTerminal, toStatus, unresolvedHigh, type TWorkflowState } from './state';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Stages at which a discrepancy may still be resolved: from the review until the decision. */
const RESOLVABLE_STAGES: readonly TStage[] = ['discrepancy_review', 'screening', 'evaluation', 'decision'];

export async function applicationWorkflow(input: TApplicationWorkflowInput): Promise<TStage> {
  const receivedMs = Date.parse(input.receivedAt);
  const state: TWorkflowState = initialState(input, addDuration(receivedMs, input.policy.timers.decisionPromise));
  const nowIso = () => new Date().toISOString();
  const log = (type: string, actor: TActor | 'system', detail?: Record<string, unknown>) =>
    state.timeline.push({ at: nowIso(), type, actor: actorRef(actor), ...(detail ? { detail } : {}) });

  let stageSeq = 0;
  async function moveTo(stage: TStage, actor: TActor | 'system' = 'system', detail?: Record<string, unknown>) {
    // Once withdrawn, the main flow must not move the application anywhere else.
    if (state.withdrawal && stage !== 'withdrawn') return;
    const from = state.stage;
    state.stage = stage;
    log('stage_changed', actor, { from, to: stage, ...detail });
    upsertSearchAttributes([{ key: StageKey, value: stage }]);
    // The sequence number lets the database ignore a mirror write that arrives late.
    stageSeq += 1;
    await acts.recordStage({ applicationId: input.applicationId, stage, seq: stageSeq });
  }

  setHandler(statusQuery, () => toStatus(state, Date.now()));

  setHandler(
    resolveDiscrepancyUpdate,
    (cmd) => {
      const d = state.discrepancies.find((x) => x.id === cmd.discrepancyId)!;
      d.resolution = {
        resolution: cmd.resolution,
        note: cmd.note ?? null,
        by: cmd.actor.id,
        byName: cmd.actor.name,
        at: nowIso(),
      };
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
    withdrawUpdate,
    async (cmd) => {
      state.withdrawal = { reason: cmd.reason, by: cmd.actor.id, at: nowIso() };
      await moveTo('withdrawn', cmd.actor, { reason: cmd.reason });
      return { stage: state.stage };
    },
    {
      validator: (_cmd) => {
        if (isTerminal(state.stage) || state.withdrawal) {
          reject('WrongStage', `the application is already ${state.stage}`);
        }
      },
    },
  );

  log('application_received', 'system', { jobId: input.jobId });
  const stopped = () => state.withdrawal !== null;

  // 1. Two-way check of resume and interview.
  await moveTo('validating');
  if (stopped()) return finish();
  const found = await acts.checkApplication({
    applicationId: input.applicationId,
    competencies: input.policy.competencies,
  });
  state.discrepancies = found.map((d) => ({ ...d, resolution: null }));
  log('validated', 'system', {
    discrepancies: found.length,
    high: found.filter((d) => d.severity === 'high').length,
  });
  if (stopped()) return finish();

  if (unresolvedHigh(state).length > 0) {
    await moveTo('discrepancy_review');
    await condition(() => stopped() || unresolvedHigh(state).length === 0);
    if (stopped()) return finish();
  }

  // 2. Data-driven screening against the competency model.
  await moveTo('screening');
  const report = await acts.screenApplication({
    applicationId: input.applicationId,
    competencies: input.policy.competencies,
  });
  state.report = report;
  state.scores = { ...state.scores, matchScore: report.matchScore, aiScore: report.aiScore, cosine: report.cosine, fulfilment: report.fulfilment };
  log('screened', 'system', { matchScore: report.matchScore, aiScore: report.aiScore });
  if (stopped()) return finish();

  // 3. Human evaluation (built on by the evaluation step).
  await moveTo('evaluation');
  await condition(() => stopped() || isTerminal(state.stage));
  return finish();

  async function finish(): Promise<TStage> {
    // A withdraw handler may still be mirroring its stage: let it finish first.
    await condition(allHandlersFinished);
    return state.stage;
  }
}
