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
  'probation',
  'confirmed',
  'probation_failed',
  'withdrawn',
] as const;
export type TStage = (typeof STAGES)[number];
/**
 * Stages where the workflow ends or waits for nothing a human does. `hired` ends workflows
 * started before probation existed; newer ones go on from it to `probation` at the start date.
 */
export const TERMINAL_STAGES: readonly TStage[] = ['rejected', 'declined', 'expired', 'hired', 'confirmed', 'probation_failed', 'withdrawn'];
