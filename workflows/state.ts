/**
 * The workflow's in-memory state and the pure functions over it: the status the query
 * returns and the pending actions (who owes what, by when). No side effects here.
 */
import type { TStage } from '../domain/contracts/application';
import { TERMINAL_STAGES } from '../domain/contracts/application';
import type { TMatchReport } from '../domain/scoring';
import type {
  TActor,
  TApplicationStatus,
  TApplicationWorkflowInput,
  TDiscrepancyState,
  TPendingAction,
  TScores,
  TTimelineEntry,
} from './messages';

export interface TWorkflowState {
  input: TApplicationWorkflowInput;
  stage: TStage;
  decisionDueAt: number;
  discrepancies: TDiscrepancyState[];
  report: TMatchReport | null;
  scores: TScores;
  withdrawal: null | { reason: string; by: string; at: string };
  timeline: TTimelineEntry[];
}

export function initialState(input: TApplicationWorkflowInput, decisionDueAt: number): TWorkflowState {
  return {
    input,
    stage: 'received',
    decisionDueAt,
    discrepancies: [],
    report: null,
    scores: { matchScore: null, aiScore: null, cosine: null, fulfilment: null, humanScore: null, compositeScore: null },
    withdrawal: null,
    timeline: [],
  };
}

export const isTerminal = (stage: TStage) => TERMINAL_STAGES.includes(stage);

export function actorRef(actor: TActor | 'system'): TTimelineEntry['actor'] {
  return actor === 'system' ? 'system' : { id: actor.id, name: actor.name };
}

export function unresolvedHigh(state: TWorkflowState): TDiscrepancyState[] {
  return state.discrepancies.filter((d) => d.severity === 'high' && d.resolution === null);
}

export function pendingActions(state: TWorkflowState, nowMs: number): TPendingAction[] {
  const due = (ms: number) => ({ dueAt: new Date(ms).toISOString(), overdue: nowMs > ms });
  switch (state.stage) {
    case 'discrepancy_review':
      return [{ action: 'resolve_discrepancies', actor: 'hr', ...due(state.decisionDueAt) }];
    case 'evaluation':
    case 'decision':
      return [{ action: 'record_decision', actor: 'hr', ...due(state.decisionDueAt) }];
    default:
      return [];
  }
}

export function toStatus(state: TWorkflowState, nowMs: number): TApplicationStatus {
  const { input } = state;
  return {
    applicationId: input.applicationId,
    jobId: input.jobId,
    departmentId: input.departmentId,
    stage: state.stage,
    receivedAt: input.receivedAt,
    decisionDueAt: new Date(state.decisionDueAt).toISOString(),
    discrepancies: state.discrepancies,
    scores: state.scores,
    report: state.report,
    withdrawal: state.withdrawal,
    timeline: state.timeline,
    pendingActions: pendingActions(state, nowMs),
  };
}
