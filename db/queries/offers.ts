/** Offer reads for the API and the activities: stored documents and each approver's inbox. */
import { and, eq } from 'drizzle-orm';
import type { DbHandle } from '../client';
import { applications, approvalItems, offerDocuments } from '../schema';

export type TOfferDocumentKind = 'letter' | 'signed';

/** A stored offer document (letter or signed copy), or null. */
export async function loadOfferDocument(
  deps: { db: DbHandle },
  applicationId: string,
  version: number,
  kind: TOfferDocumentKind,
) {
  const [row] = await deps.db.db
    .select()
    .from(offerDocuments)
    .where(
      and(
        eq(offerDocuments.applicationId, applicationId),
        eq(offerDocuments.version, version),
        eq(offerDocuments.kind, kind),
      ),
    );
  return row ?? null;
}

/**
 * For the API: the caller's pending approvals, soonest due first. Only while the application
 * is in offer_approval: a withdrawal ends the workflow with its last level's items still
 * pending in the mirror, and the withdrawn stage is written before the withdrawal answers.
 */
export async function pendingApprovalsFor(deps: { db: DbHandle }, userId: string) {
  return deps.db.db
    .select({
      applicationId: approvalItems.applicationId,
      version: approvalItems.version,
      level: approvalItems.level,
      dueAt: approvalItems.dueAt,
      candidateName: applications.candidateName,
      jobId: applications.jobId,
      departmentId: applications.departmentId,
      stage: applications.stage,
    })
    .from(approvalItems)
    .innerJoin(applications, eq(applications.id, approvalItems.applicationId))
    .where(and(eq(approvalItems.userId, userId), eq(approvalItems.status, 'pending'), eq(applications.stage, 'offer_approval')))
    .orderBy(approvalItems.dueAt);
}
