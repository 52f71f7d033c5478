/**
 * The stages of an application (DESIGN.md). Kept free of zod so workflow code can import
 * them without pulling a validation library into the workflow bundle.
 */
export const STAGES = [
  'received',
  'validating',
  'discrepancy_review',
  'screening',
  'evaluation',
  'decision',
  'rejected',
  'offer_drafting',
  'offer_approval',
  'offer_sent',
  'offer_viewed',
  'accepted',
  'declined',
  'expired',
  'onboarding',
  'hired',
  'withdrawn',
] as const;
export type TStage = (typeof STAGES)[number];
export const TERMINAL_STAGES: readonly TStage[] = ['rejected', 'declined', 'expired', 'hired', 'withdrawn'];
