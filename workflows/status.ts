/** What the status query returns: the state, the recommendations and who owes what next. */
import type { TApplicationStatus, TPendingAction } from './messages';
import { evaluationPending, recommendationsAgree } from './phases/evaluation/rules';
import { offerPending } from './phases/offer/rules';
import { onboardingPending } from './phases/onboarding/rules';
import { probationPending } from './phases/probation/rules';
import { reviewPending } from './phases/review/rules';
import { currentOffer, type TWorkflowState } from './state';

export function pendingActions(state: TWorkflowState, nowMs: number): TPendingAction[] {
  switch (state.stage) {
    case 'discrepancy_review':
      return reviewPending(state, nowMs);
    case 'evaluation':
    case 'decision':
      return evaluationPending(state, nowMs);
    case 'offer_drafting':
    case 'offer_approval':
    case 'offer_sent':
    case 'offer_viewed':
      return offerPending(state, nowMs);
    case 'onboarding':
      return onboardingPending(state, nowMs);
    case 'probation':
      return probationPending(state, nowMs);
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
    probation: state.probation,
    withdrawal: state.withdrawal,
    timeline: state.timeline,
    pendingActions: pendingActions(state, nowMs),
  };
}
