/**
 * The workflow's in-memory state and the few pure functions every phase shares. No side
 * effects here; what each phase does with the state is in its `rules.ts`.
 */
import type { TCalendar } from '../domain/business-days';
import type { TStage } from '../domain/contracts/application';
import { TERMINAL_STAGES } from '../domain/stages';
import type { TMatchReport } from '../domain/scoring';
import type { TCompositeResult } from '../domain/composite';
import { actorRef } from './actors';
import type {
  TActor,
  TApplicationWorkflowInput,
  TDecision,
  TDiscrepancyState,
  TEvaluation,
  TOfferVersion,
  TOnboardingState,
  TProbationState,
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
  evaluations: TEvaluation[];
  composite: TCompositeResult | null;
  /** When the application reached evaluation; evaluation reminders count from here. */
  evaluationStartedAt: number | null;
  decision: TDecision | null;
  /** Every offer version, oldest first; the last is the current one. */
  offers: TOfferVersion[];
  onboarding: TOnboardingState | null;
  /** After `hired`, behind patched('probation'); null until the start date. */
  probation: TProbationState | null;
  withdrawal: null | { reason: string; by: string; at: string };
  timeline: TTimelineEntry[];
  /** The company's calendar for business days (undefined: UTC weekdays). */
  calendar: TCalendar | undefined;
}

export function initialState(input: TApplicationWorkflowInput, decisionDueAt: number, calendar?: TCalendar): TWorkflowState {
  return {
    input,
    stage: 'received',
    decisionDueAt,
    discrepancies: [],
    report: null,
    scores: { matchScore: null, aiScore: null, cosine: null, fulfilment: null, humanScore: null, compositeScore: null },
    evaluations: [],
    composite: null,
    evaluationStartedAt: null,
    decision: null,
    offers: [],
    onboarding: null,
    probation: null,
    withdrawal: null,
    timeline: [],
    calendar,
  };
}

export const isTerminal = (stage: TStage) => TERMINAL_STAGES.includes(stage);

/** Adds an entry to the timeline. */
export function appendLog(state: TWorkflowState, at: string, type: string, actor: TActor | 'system', detail?: Record<string, unknown>): void {
  state.timeline.push({ at, type, actor: actorRef(actor), ...(detail ? { detail } : {}) });
}

export function currentOffer(state: TWorkflowState): TOfferVersion | null {
  return state.offers[state.offers.length - 1] ?? null;
}

/** A pending action's due time as the status shows it. */
export function dueFields(ms: number | null, nowMs: number): { dueAt: string | null; overdue: boolean } {
  return { dueAt: ms === null ? null : new Date(ms).toISOString(), overdue: ms !== null && nowMs > ms };
}
