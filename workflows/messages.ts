/**
 * The workflow's public surface: updates (human actions, validated before they enter
 * history), signals (facts) and the status query, with their payload types.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TRole } from '../domain/contracts/common';
import type { TLocale } from '../domain/contracts/common';
import type { TStage } from '../domain/contracts/application';
import type { TDiscrepancy, TResolution } from '../domain/discrepancies';
import type { TJobPolicy } from '../domain/policy';
import type { TMatchReport } from '../domain/scoring';
import type { TCompositeResult, TRating } from '../domain/composite';
import type { TOfferDraft } from '../domain/contracts/offer';
import type { TResolvedLevel } from '../domain/offers';

/** Who did something: passed by the API with every human action. */
export interface TActor {
  id: string;
  name: string;
  roles: TRole[];
  departmentId?: string | null;
}

export interface TApplicationWorkflowInput {
  applicationId: string;
  jobId: string;
  departmentId: string;
  /** ISO time the application was received (the decision promise runs from here). */
  receivedAt: string;
  candidate: { name: string; locale: TLocale };
  policy: TJobPolicy;
}

export interface TDiscrepancyState extends TDiscrepancy {
  resolution: null | { resolution: TResolution; note: string | null; by: string; byName: string; at: string };
}

export interface TTimelineEntry {
  at: string;
  type: string;
  actor: { id: string; name: string } | 'system';
  detail?: Record<string, unknown>;
}

export interface TPendingAction {
  action: string;
  /** A role, or a user id when one person owes it. */
  actor: string;
  dueAt: string | null;
  overdue: boolean;
}

export interface TScores {
  matchScore: number | null;
  aiScore: number | null;
  cosine: number | null;
  fulfilment: number | null;
  humanScore: number | null;
  compositeScore: number | null;
}

export type TEvaluatorRole = 'hr' | 'hiring_manager';

export interface TEvaluation {
  evaluatorId: string;
  evaluatorName: string;
  role: TEvaluatorRole;
  ratings: Record<string, TRating>;
  comment: string | null;
  recommendation: 'advance' | 'reject' | null;
  revision: number;
  at: string;
  humanScore?: number | null;
}

export interface TDecision {
  decision: 'advance' | 'reject';
  reason: string | null;
  by: string;
  byName: string;
  at: string;
}

export type TOfferStatus =
  | 'draft'
  | 'in_approval'
  | 'approval_rejected'
  | 'approved'
  | 'sent'
  | 'viewed'
  | 'accepted'
  | 'declined'
  | 'expired'
  | 'superseded';

export interface TApprovalDecision {
  level: number;
  userId: string;
  userName: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  at: string;
}

export interface TApprovalLevelState extends TResolvedLevel {
  /** Current approvers after delegations. */
  status: 'waiting' | 'pending' | 'approved' | 'rejected' | 'cancelled';
  startedAt: string | null;
  dueAt: string | null;
  delegations: { fromUserId: string; fromName: string; toUserId: string; toName: string; by: string; byName: string; at: string }[];
}

export interface TOfferVersion {
  version: number;
  offer: TOfferDraft;
  status: TOfferStatus;
  createdAt: string;
  createdBy: { id: string; name: string };
  /** Whether this version must go through approval (a revision within what was approved is re-issued directly). */
  requiresApproval: boolean;
  levels: TApprovalLevelState[];
  decisions: TApprovalDecision[];
  letter: { documentId: string; sha256: string } | null;
  sentAt: string | null;
  expiresAt: string | null;
  viewedAt: string | null;
  remindedAt: string | null;
  response: null | {
    kind: 'accepted' | 'declined';
    at: string;
    reason?: string | null;
    signature?: { name: string; ip: string; userAgent: string; signedSha256: string; documentId: string };
  };
}

export interface TOnboardingTask {
  key: string;
  title: string;
  assignee: 'candidate' | 'hr' | 'it' | 'mentor';
  required: boolean;
  dueDate: string;
  status: 'open' | 'done';
  completedBy: { id: string; name: string } | null;
  completedAt: string | null;
  note: string | null;
  /** For document tasks: the document that completed it. */
  documentId: string | null;
  remindedAt: string | null;
  overdueNotifiedAt: string | null;
}

export interface TCourseRecord {
  key: string;
  title: string;
  passScore: number;
  required: boolean;
  status: 'assigned' | 'passed' | 'retake' | 'failed';
  attempts: { score: number; passed: boolean; at: string; recordedBy: string }[];
}

export interface TOnboardingState {
  employeeId: string;
  employeeNumber: string;
  startDate: string;
  position: string;
  mentorUserId: string | null;
  tasks: TOnboardingTask[];
  courses: TCourseRecord[];
  maxAttempts: number;
  milestones: { name: string; at: string }[];
  completedAt: string | null;
}

export type TProbationOutcome = 'confirm' | 'extend' | 'end';

export interface TProbationNote {
  by: { id: string; name: string };
  note: string;
  at: string;
}

export interface TProbationState {
  /** The first day (the offer's start date) and the last day, company-local YYYY-MM-DD. */
  startDate: string;
  endDate: string;
  /** The mid-point check-in's day (its due time is the end of that day). */
  checkInDate: string;
  months: number;
  reminderDays: number;
  mentorUserId: string | null;
  checkIn: (TProbationNote & { onTrack: boolean }) | null;
  mentorNote: TProbationNote | null;
  /** The one extension allowed: the end date it replaced. */
  extension: null | { previousEndDate: string; endDate: string; reason: string; by: string; at: string };
  review: null | { outcome: 'confirm' | 'end'; reason: string | null; by: { id: string; name: string }; at: string };
  /** Reminders and late alerts sent, by key (`remind:check_in`, `late:review:<endDate>`, ...). */
  alerts: Record<string, string>;
}

export interface TApplicationStatus {
  applicationId: string;
  jobId: string;
  departmentId: string;
  stage: TStage;
  receivedAt: string;
  decisionDueAt: string;
  discrepancies: TDiscrepancyState[];
  scores: TScores;
  report: TMatchReport | null;
  evaluations: TEvaluation[];
  composite: TCompositeResult | null;
  recommendations: { hr: string[]; hiringManager: string[]; agree: boolean | null };
  decision: TDecision | null;
  offer: { current: TOfferVersion | null; versions: TOfferVersion[] };
  onboarding: TOnboardingState | null;
  /** Absent for workflows that end at `hired` (started before probation existed). */
  probation?: TProbationState | null;
  withdrawal: null | { reason: string; by: string; at: string };
  timeline: TTimelineEntry[];
  pendingActions: TPendingAction[];
}

export interface TResolveDiscrepancyCommand {
  discrepancyId: string;
  resolution: TResolution;
  note?: string | undefined;
  actor: TActor;
}

export interface TWithdrawCommand {
  reason: string;
  actor: TActor;
}

export interface TEvaluationCommand {
  ratings: Record<string, string>;
  comment?: string | undefined;
  recommendation?: 'advance' | 'reject' | undefined;
  actor: TActor;
}

export interface TDecisionCommand {
  decision: 'advance' | 'reject';
  reason?: string | undefined;
  actor: TActor;
}

/** A message was opened (tracking pixel or page view): a fact, so a signal. */
export interface TMessageOpened {
  messageId: string;
  template: string;
  purpose: string;
  at: string;
}

export interface TDraftOfferCommand {
  offer: TOfferDraft;
  actor: TActor;
}
export interface TSubmitOfferCommand {
  actor: TActor;
}
export interface TApprovalCommand {
  decision: 'approve' | 'reject';
  comment?: string | undefined;
  /** The version the approver looked at; a decision on an older version is refused. */
  version?: number | undefined;
  actor: TActor;
}
export interface TDelegateCommand {
  fromUserId: string;
  /** The original approver's name, looked up by the API (the workflow knows only ids). */
  fromName?: string | undefined;
  to: { id: string; name: string };
  actor: TActor;
}
export interface TCandidateResponse {
  version: number;
  kind: 'accept' | 'decline';
  signatureName?: string | undefined;
  reason?: string | undefined;
  ip: string;
  userAgent: string;
}

export const draftOfferUpdate = defineUpdate<{ version: number; requiresApproval: boolean; stage: TStage }, [TDraftOfferCommand]>(
  'draftOffer',
);
export const submitOfferUpdate = defineUpdate<{ version: number; levels: TApprovalLevelState[] }, [TSubmitOfferCommand]>('submitOffer');
export const approvalUpdate = defineUpdate<{ version: number; level: number; status: string; stage: TStage }, [TApprovalCommand]>(
  'decideApproval',
);
export const delegateApprovalUpdate = defineUpdate<{ version: number; level: number; approvers: string[] }, [TDelegateCommand]>(
  'delegateApproval',
);
export const candidateResponseUpdate = defineUpdate<{ version: number; stage: TStage; response: TOfferVersion['response'] }, [TCandidateResponse]>(
  'respondToOffer',
);
export const offerViewedSignal = defineSignal<[{ version: number; via: 'page' | 'email'; at: string }]>('offerViewed');

export interface TCompleteTaskCommand {
  taskKey: string;
  note?: string | undefined;
  actor: TActor;
}
export interface TDocumentSubmitted {
  kind: 'id_copy' | 'diploma' | 'medical_report';
  documentId: string;
  sha256: string;
}
export interface TRejectDocumentCommand {
  documentId: string;
  reason: string;
  actor: TActor;
}
export interface TCourseResultCommand {
  courseKey: string;
  score: number;
  actor: TActor;
}

export const completeTaskUpdate = defineUpdate<TOnboardingTask, [TCompleteTaskCommand]>('completeTask');
export const documentSubmittedUpdate = defineUpdate<TOnboardingTask, [TDocumentSubmitted]>('documentSubmitted');
export const rejectDocumentUpdate = defineUpdate<TOnboardingTask, [TRejectDocumentCommand]>('rejectDocument');
export const courseResultUpdate = defineUpdate<TCourseRecord, [TCourseResultCommand]>('courseResult');

export interface TProbationCheckInCommand {
  note: string;
  onTrack: boolean;
  actor: TActor;
}
export interface TMentorNoteCommand {
  note: string;
  actor: TActor;
}
export interface TProbationReviewCommand {
  outcome: TProbationOutcome;
  reason?: string | undefined;
  /** For `extend`: the new last day (YYYY-MM-DD). */
  endDate?: string | undefined;
  actor: TActor;
}
export const probationCheckInUpdate = defineUpdate<TProbationState, [TProbationCheckInCommand]>('probationCheckIn');
export const mentorNoteUpdate = defineUpdate<TProbationState, [TMentorNoteCommand]>('probationMentorNote');
export const probationReviewUpdate = defineUpdate<{ stage: TStage; probation: TProbationState }, [TProbationReviewCommand]>('probationReview');

export const submitEvaluationUpdate = defineUpdate<TEvaluation, [TEvaluationCommand]>('submitEvaluation');
export const decideUpdate = defineUpdate<{ stage: TStage; decision: TDecision }, [TDecisionCommand]>('decide');
export const messageOpenedSignal = defineSignal<[TMessageOpened]>('messageOpened');

export const resolveDiscrepancyUpdate = defineUpdate<TDiscrepancyState, [TResolveDiscrepancyCommand]>(
  'resolveDiscrepancy',
);
export const withdrawUpdate = defineUpdate<{ stage: TStage }, [TWithdrawCommand]>('withdraw');
export const statusQuery = defineQuery<TApplicationStatus>('status');
