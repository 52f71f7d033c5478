/**
 * Offer rules (MISSION.md step 5): drafts checked against the job, the approval chain
 * resolved from the job and the organisation, quorums, and whether a revision needs
 * approval again. Pure functions.
 */
import type { TOfferDraft } from './contracts/offer';
import type { TApprovalLevel, TQuorum, TSalaryBand } from './contracts/job';

export interface TDraftProblem {
  path: string;
  message: string;
}

/** What is wrong with a draft: start date not after `today`, non-positive salary, another currency or period. */
export function draftProblems(draft: TOfferDraft, band: TSalaryBand, today: string): TDraftProblem[] {
  const out: TDraftProblem[] = [];
  if (draft.startDate <= today) out.push({ path: 'body.startDate', message: `must be after today (${today})` });
  if (!(draft.salary.amount > 0)) out.push({ path: 'body.salary.amount', message: 'must be greater than 0' });
  if (draft.salary.currency !== band.currency) {
    out.push({ path: 'body.salary.currency', message: `must be the job's band currency ${band.currency}` });
  }
  if (draft.salary.period !== band.period) {
    out.push({ path: 'body.salary.period', message: `must be the job's band period ${band.period}` });
  }
  return out;
}

export const isAboveBand = (draft: TOfferDraft, band: TSalaryBand) => draft.salary.amount > band.max;
export const isOutsideBand = (draft: TOfferDraft, band: TSalaryBand) =>
  draft.salary.amount > band.max || draft.salary.amount < band.min;

/**
 * A revision of an approved offer is re-issued directly when its salary is not above the
 * approved salary and stays inside the band; otherwise it goes through approval again.
 */
export function revisionNeedsApproval(revision: TOfferDraft, approved: TOfferDraft | null, band: TSalaryBand): boolean {
  if (!approved) return true;
  if (revision.salary.currency !== approved.salary.currency || revision.salary.period !== approved.salary.period) return true;
  return revision.salary.amount > approved.salary.amount || isOutsideBand(revision, band);
}

export interface TResolvedLevel {
  approvers: string[];
  /** How many approvals the level needs. */
  required: number;
  quorum: TQuorum;
  reason: 'job_chain' | 'department_manager' | 'general_manager' | 'above_band';
}

export function requiredApprovals(quorum: TQuorum | undefined, approvers: number): number {
  if (quorum === undefined || quorum === 'all') return approvers;
  if (quorum === 'any') return 1;
  return Math.min(quorum, approvers);
}

export interface TChainInput {
  approvalChain?: TApprovalLevel[] | undefined;
  aboveBandApproverUserId?: string | undefined;
  band: TSalaryBand;
  draft: TOfferDraft;
  departmentManagerId: string | null;
  generalManagerId: string | null;
}

/**
 * The levels in order: the job's own chain, or by default the department manager then
 * the general manager; plus the above-band approver when the salary is above the band.
 * A level identical to the one before it is dropped (one person need not approve twice in a row).
 */
export function resolveApprovalChain(input: TChainInput): TResolvedLevel[] {
  const levels: TResolvedLevel[] = [];
  if (input.approvalChain?.length) {
    for (const l of input.approvalChain) {
      levels.push({
        approvers: [...l.approvers],
        quorum: l.quorum ?? 'all',
        required: requiredApprovals(l.quorum, l.approvers.length),
        reason: 'job_chain',
      });
    }
  } else {
    if (input.departmentManagerId) {
      levels.push({ approvers: [input.departmentManagerId], quorum: 'all', required: 1, reason: 'department_manager' });
    }
    if (input.generalManagerId) {
      levels.push({ approvers: [input.generalManagerId], quorum: 'all', required: 1, reason: 'general_manager' });
    }
  }
  if (input.aboveBandApproverUserId && isAboveBand(input.draft, input.band)) {
    levels.push({ approvers: [input.aboveBandApproverUserId], quorum: 'all', required: 1, reason: 'above_band' });
  }
  return levels.filter((l, i) => {
    const prev = levels[i - 1];
    return !prev || prev.approvers.length !== l.approvers.length || prev.approvers.some((a, j) => a !== l.approvers[j]);
  });
}

/** Case-, width- and space-insensitive comparison of a typed signature with the candidate's name. */
export function signatureMatches(typed: string, name: string): boolean {
  const norm = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(typed).length > 0 && norm(typed) === norm(name);
}
