import type { TLocale, TRole } from '../../domain/contracts/common';
import type { TMessageStatus, TRecipientKind } from '../../db/schema/messages';
import type { TChannel, TTemplateData, TTemplateName } from './templates';

export interface TRecipient {
  /** E-mail address, or phone number for SMS. */
  address: string;
  name?: string | undefined;
  kind: TRecipientKind;
  userId?: string | undefined;
}

interface TSendMessageBase {
  /** Deterministic idempotency key, see messageKey(). */
  key: string;
  applicationId: string | null;
  channel: TChannel;
  /** Why the message is sent (e.g. 'acknowledgement', 'offer_reminder'); shown in the log. */
  purpose: string;
  locale: TLocale;
  to: TRecipient;
}

/** One variant per template, so `data` is checked against the chosen template's schema. */
export type TSendMessageInput = {
  [N in TTemplateName]: TSendMessageBase & { template: N; data: TTemplateData<N> };
}[TTemplateName];

export interface TSendResult {
  messageId: string;
  status: TMessageStatus;
  delivered: boolean;
  /** Why it failed, when status is 'failed' (for the delivery_failed alert to HR). */
  error?: string;
}

/** Fields the application-level activities fill in from the database when the caller omits them. */
export type TAutoFilled = 'candidateName' | 'jobTitle' | 'companyName' | 'applicationId';
export type TAutoFilledData<D> = Omit<D, TAutoFilled> & Partial<Pick<D, Extract<keyof D, TAutoFilled>>>;

interface TSendToCandidateBase {
  applicationId: string;
  channel: TChannel;
  /** Why the message is sent, e.g. 'rejection_feedback'; part of the key. */
  purpose: string;
  /** A new version of the same message (e.g. offer v2) gets a new key; default 1. */
  version?: number | undefined;
  /** Overrides the candidate's locale. */
  locale?: TLocale | undefined;
}

/**
 * To the candidate of an application. The address, name, locale, job title and company
 * come from the database; the key is messageKey(workflowId, purpose, version, channel).
 */
export type TSendToCandidateInput = {
  [N in TTemplateName]: TSendToCandidateBase & { template: N; data: TAutoFilledData<TTemplateData<N>> };
}[TTemplateName];

export type TCandidateSendResult =
  | TSendResult
  /** SMS asked for, but the candidate gave no phone number. */
  | { messageId: null; status: 'skipped'; delivered: false; error: string };

export interface TSendAcknowledgementInput {
  applicationId: string;
  /** ISO time the decision promise runs out. */
  decisionDueAt: string;
  /** ISO time the application was received (the promise runs from here). */
  receivedAt: string;
  /** The promise in business days as told to the candidate; default: counted from the two times. */
  businessDays?: number | undefined;
  /** Default ['email']. */
  channels?: TChannel[] | undefined;
}

export type TAcknowledgementResult = TCandidateSendResult & {
  accuracy: number;
  percentile: number | null;
  /** The SMS result, when 'sms' was among the channels. */
  sms?: TCandidateSendResult;
};

interface TNotifyStaffBase {
  /** Each recipient's key is `${keyPrefix}:${userId}`; default messageKey(workflowId, purpose, version, 'email'). */
  keyPrefix?: string | undefined;
  version?: number | undefined;
  /** With an application, candidateName, jobTitle, companyName and applicationId are filled in. */
  applicationId: string | null;
  /** Everyone holding this role... */
  role?: TRole | undefined;
  /** ...narrowed to this department when given... */
  departmentId?: string | undefined;
  /** ...and/or these users. At least one of the two must be given. */
  userIds?: string[] | undefined;
  purpose: string;
  /** Staff have no locale of their own: default the organisation's (settings), else 'en'. */
  locale?: TLocale | undefined;
}

export type TNotifyStaffInput = {
  [N in TTemplateName]: TNotifyStaffBase & { template: N; data: TAutoFilledData<TTemplateData<N>> };
}[TTemplateName];

export interface TNotifyStaffResult {
  recipients: number;
  sent: number;
  failed: number;
  /** Stored but not delivered: no transport configured. */
  rendered: number;
  results: Array<{ userId: string } & TSendResult>;
  /** Requested user ids that do not exist. */
  missingUserIds: string[];
}

export interface TAcknowledgementData {
  applicationId: string;
  candidate: { name: string; email: string; phone: string | null; locale: TLocale };
  jobTitle: string;
  companyName: string;
  accuracy: number;
  /** Mid-rank percentile among the job's other candidates; null below the minimum sample. */
  percentile: number | null;
  /** The counts behind the percentile, at send time. */
  sample: { lower: number; ties: number; total: number };
}
