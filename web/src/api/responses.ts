/**
 * Shapes of the responses whose routes declare no response schema in /openapi.json (the
 * status, lists, rankings, approvals). Requests and paths come from the generated
 * schema.ts; for these bodies the console takes the workflow's and the API's own types
 * (type-only imports, erased from the bundle), so they cannot drift either. When a route
 * gains a response schema, its type here should become `components[...]` from schema.ts.
 */
import type { TPendingAction, TOfferVersion, TTimelineEntry, TDiscrepancyState, TOnboardingTask, TCourseRecord } from '../../../workflows/messages';
import type { TRedactedStatus } from '../../../workflows/status-view';
import type { TStage } from '../../../domain/contracts/application';
import type { TRole } from '../../../domain/contracts/common';
import type { TRating } from '../../../domain/composite';
import type { TJob } from '../../../domain/contracts/job';
import type { TQuestionStat } from '../../../domain/question-stats';

export type { TQuestionStat, TJob, TStage, TRole, TRating, TPendingAction, TOfferVersion, TTimelineEntry, TDiscrepancyState, TOnboardingTask, TCourseRecord };

export interface TMe {
  userId: string;
  name: string;
  email: string | null;
  roles: TRole[];
  departmentId: string | null;
  /** Present once cookie sessions exist: sent back as X-CSRF-Token on every mutation. */
  csrfToken?: string;
}

/** GET /v1/applications/:id: salary, signature evidence and others' comments are null for some readers. */
export type TApplication = TRedactedStatus & {
  id: string;
  externalId: string | null;
  candidate: { name: string; email: string; phone: string | null; locale: 'en' | 'zh-CN' };
  interview: { completedAt: string | null; accuracy: number | null; recordingUrl: string | null };
  createdAt: string;
};

export interface TApplicationListItem {
  id: string;
  externalId: string | null;
  jobId: string;
  departmentId: string;
  candidateName: string;
  stage: TStage;
  matchScore: number | null;
  compositeScore: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface TRankingItem {
  id: string;
  candidateName: string;
  stage: TStage;
  matchScore: number | null;
  aiScore: number | null;
  humanScore: number | null;
  compositeScore: number | null;
  rankScore: number | null;
  createdAt: string;
}

export interface TJobListItem {
  id: string;
  title: string;
  departmentId: string;
  createdAt: string;
}

export interface TApprovalItem {
  applicationId: string;
  version: number;
  level: number;
  dueAt: string | null;
  candidateName: string;
  jobId: string;
  departmentId: string;
  stage: TStage;
}

export interface TMessage {
  id: string;
  channel: 'email' | 'sms';
  template: string;
  recipient: string;
  subject: string | null;
  status: string;
  delivered: boolean;
  createdAt: string;
  sentAt: string | null;
  openedAt: string | null;
}

export interface TPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/** GET /v1/employees/:id: the new hire's record; documents show their status, the bytes are HR's. */
export interface TEmployee {
  id: string;
  employeeNumber: string;
  name: string;
  applicationId: string;
  startDate: string;
  status: 'onboarding' | 'active';
  mentorUserId: string | null;
  stage: TStage;
  checklist: TOnboardingTask[];
  trainingRecord: TCourseRecord[];
  documents: {
    id: string;
    kind: string;
    filename: string;
    contentType: string;
    size: number;
    status: 'submitted' | 'rejected';
    rejectReason: string | null;
    uploadedAt: string;
  }[];
}
