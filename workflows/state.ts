/**
 * The workflow's in-memory state and the pure functions over it: the status the query
 * returns and the pending actions (who owes what, by when). No side effects here.
 */
import type { TStage } from '../domain/contracts/application';
import { TERMINAL_STAGES } from '../domain/stages';
import { addDuration } from '../domain/durations';
import type { TMatchReport } from '../domain/scoring';
import type { TCompositeResult } from '../domain/composite';
import type {
  TActor,
  TApplicationStatus,
  TApplicationWorkflowInput,
  TDecision,
  TDiscrepancyState,
  TEvaluation,
  TOfferVersion,
  TOnboardingState,
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
  evaluations: TEvaluation[];
  composite: TCompositeResult | null;
  /** When the application reached evaluation; evaluation reminders count from here. */
  evaluationStartedAt: number | null;
  decision: TDecision | null;
  /** Every offer version, oldest first; the last is the current one. */
  offers: TOfferVersion[];
  onboarding: TOnboardingState | null;
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
    evaluations: [],
    composite: null,
    evaluationStartedAt: null,
    decision: null,
    offers: [],
    onboarding: null,
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

/** When evaluations are due: the evaluation reminder period after reaching evaluation. */
export function evaluationDueAt(state: TWorkflowState): number | null {
  return state.evaluationStartedAt === null
    ? null
    : addDuration(state.evaluationStartedAt, state.input.policy.timers.evaluationReminder);
}

export function pendingActions(state: TWorkflowState, nowMs: number): TPendingAction[] {
  const due = (ms: number | null) => ({
    dueAt: ms === null ? null : new Date(ms).toISOString(),
    overdue: ms !== null && nowMs > ms,
  });
  switch (state.stage) {
    case 'discrepancy_review':
      return [{ action: 'resolve_discrepancies', actor: 'hr', ...due(state.decisionDueAt) }];
    case 'evaluation':
    case 'decision': {
      const out: TPendingAction[] = [];
      const { requireHr, requireHiringManager } = state.input.policy.evaluation;
      const has = (role: string) => state.evaluations.some((e) => e.role === role);
      if (requireHr && !has('hr')) out.push({ action: 'submit_evaluation', actor: 'hr', ...due(evaluationDueAt(state)) });
      if (requireHiringManager && !has('hiring_manager')) {
        out.push({ action: 'submit_evaluation', actor: 'hiring_manager', ...due(evaluationDueAt(state)) });
      }
      out.push({ action: 'record_decision', actor: 'hr', ...due(state.decisionDueAt) });
      return out;
    }
    case 'offer_drafting': {
      const cur = currentOffer(state);
      const action = !cur || cur.status === 'superseded' ? 'draft_offer' : cur.status === 'approval_rejected' ? 'revise_offer' : 'submit_offer';
      return [{ action, actor: 'hr', dueAt: null, overdue: false }];
    }
    case 'offer_approval': {
      const cur = currentOffer(state);
      const level = cur?.levels.find((l) => l.status === 'pending');
      if (!cur || !level) return [];
      const decided = new Set(cur.decisions.filter((d) => d.level === cur.levels.indexOf(level)).map((d) => d.userId));
      const dueMs = level.dueAt ? Date.parse(level.dueAt) : null;
      return level.approvers
        .filter((a) => !decided.has(a))
        .map((a) => ({ action: 'approve_offer', actor: a, ...due(dueMs) }));
    }
    case 'offer_sent':
    case 'offer_viewed': {
      const cur = currentOffer(state);
      return [{ action: 'respond_to_offer', actor: 'candidate', ...due(cur?.expiresAt ? Date.parse(cur.expiresAt) : null) }];
    }
    case 'onboarding': {
      const ob = state.onboarding;
      if (!ob) return [];
      const tasks = ob.tasks
        .filter((t) => t.status === 'open')
        .map((t) => ({
          action: `task:${t.key}`,
          actor: t.assignee === 'mentor' && ob.mentorUserId ? ob.mentorUserId : t.assignee,
          ...due(Date.parse(`${t.dueDate}T23:59:59.999Z`)),
        }));
      const courses = ob.courses
        .filter((c) => c.status === 'assigned' || c.status === 'retake')
        .map((c) => ({ action: `course:${c.key}`, actor: 'candidate', dueAt: null, overdue: false }));
      const failed = ob.courses
        .filter((c) => c.status === 'failed' && c.required)
        .map((c) => ({ action: `course_failed:${c.key}`, actor: 'hr', dueAt: null, overdue: false }));
      return [...tasks, ...courses, ...failed];
    }
    default:
      return [];
  }
}

export function currentOffer(state: TWorkflowState): TOfferVersion | null {
  return state.offers[state.offers.length - 1] ?? null;
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
    evaluations: state.evaluations,
    composite: state.composite,
    recommendations: {
      hr: state.evaluations.filter((e) => e.role === 'hr' && e.recommendation).map((e) => e.recommendation!),
      hiringManager: state.evaluations
        .filter((e) => e.role === 'hiring_manager' && e.recommendation)
        .map((e) => e.recommendation!),
      agree: recommendationsAgree(state),
    },
    decision: state.decision,
    offer: { current: currentOffer(state), versions: state.offers },
    onboarding: state.onboarding,
    withdrawal: state.withdrawal,
    timeline: state.timeline,
    pendingActions: pendingActions(state, nowMs),
  };
}

/** Whether HR's and the hiring managers' recommendations point the same way (null until both exist). */
export function recommendationsAgree(state: TWorkflowState): boolean | null {
  const of = (role: string) => state.evaluations.filter((e) => e.role === role && e.recommendation).map((e) => e.recommendation);
  const hr = of('hr');
  const hm = of('hiring_manager');
  if (!hr.length || !hm.length) return null;
  return new Set([...hr, ...hm]).size === 1;
}
