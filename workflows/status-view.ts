/**
 * The application status as a reader receives it from GET /v1/applications/:id: the
 * workflow's status (messages.ts) with the parts some readers may not see nullable, and `redacted`
 * naming what this reader was not shown (api/status-redaction.ts decides).
 */
import type { TApplicationStatus, TEvaluation, TOfferVersion } from './messages';

export const REDACTABLE = ['salary', 'signatureEvidence', 'evaluationComments'] as const;
export type TRedactable = (typeof REDACTABLE)[number];

type TSignature = NonNullable<NonNullable<TOfferVersion['response']>['signature']>;
export type TRedactedOfferVersion = Omit<TOfferVersion, 'offer' | 'response'> & {
  offer: Omit<TOfferVersion['offer'], 'salary'> & { salary: TOfferVersion['offer']['salary'] | null };
  response: null | (Omit<NonNullable<TOfferVersion['response']>, 'signature'> & {
    signature?: Omit<TSignature, 'ip' | 'userAgent'> & { ip: string | null; userAgent: string | null };
  });
};
export type TRedactedStatus = Omit<TApplicationStatus, 'offer' | 'evaluations'> & {
  offer: { current: TRedactedOfferVersion | null; versions: TRedactedOfferVersion[] };
  evaluations: (Omit<TEvaluation, 'comment'> & { comment: string | null })[];
  /** What this reader was not shown (the fields are null); empty when nothing was withheld. */
  redacted: TRedactable[];
};
