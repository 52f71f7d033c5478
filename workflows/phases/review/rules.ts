/**
 * The two-way check's review (MISSION.md step 1): which discrepancies still block
 * screening, who may resolve one and when. Pure: no Temporal, no I/O.
 */
import type { TStage } from '../../../domain/contracts/application';
import { reject } from '../../errors';
import type { TDiscrepancyState, TPendingAction, TResolveDiscrepancyCommand } from '../../messages';
import { appendLog, dueFields, type TWorkflowState } from '../../state';

/** Stages at which a discrepancy may still be resolved: from the review until the decision. */
export const RESOLVABLE_STAGES: readonly TStage[] = ['discrepancy_review', 'screening', 'evaluation', 'decision'];

export function unresolvedHigh(state: TWorkflowState): TDiscrepancyState[] {
  return state.discrepancies.filter((d) => d.severity === 'high' && d.resolution === null);
}

export function assertResolvable(state: TWorkflowState, cmd: TResolveDiscrepancyCommand): void {
  if (!RESOLVABLE_STAGES.includes(state.stage)) reject('WrongStage', `discrepancies cannot be resolved in stage ${state.stage}`);
  const d = state.discrepancies.find((x) => x.id === cmd.discrepancyId);
  if (!d) reject('NotFound', `no discrepancy ${cmd.discrepancyId} on this application`);
  if (d.resolution) reject('Conflict', `discrepancy ${d.id} was already resolved as ${d.resolution.resolution}`);
}

/** Records the resolution (after `assertResolvable`). */
export function resolveDiscrepancy(state: TWorkflowState, cmd: TResolveDiscrepancyCommand, at: string): TDiscrepancyState {
  const d = state.discrepancies.find((x) => x.id === cmd.discrepancyId)!;
  d.resolution = { resolution: cmd.resolution, note: cmd.note ?? null, by: cmd.actor.id, byName: cmd.actor.name, at };
  appendLog(state, at, cmd.resolution === 'retest' ? 'retest_requested' : 'discrepancy_resolved', cmd.actor, {
    discrepancyId: d.id,
    resolution: cmd.resolution,
    ...(cmd.note ? { note: cmd.note } : {}),
  });
  return d;
}

export function reviewPending(state: TWorkflowState, nowMs: number): TPendingAction[] {
  return [{ action: 'resolve_discrepancies', actor: 'hr', ...dueFields(state.decisionDueAt, nowMs) }];
}
