/**
 * Offer reads and writes for the API and the activities: stored documents (letters and
 * signed copies, encrypted at rest) and each approver's inbox.
 */
import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { TPayloadKeys } from '../../temporal.config';
import type { DbHandle } from '../client';
import { openBlob, rotatedBlob, sealBlob } from '../document-sealing';
import { applications, approvalItems, offerDocuments } from '../schema';

export type TOfferDocumentKind = 'letter' | 'signed';

/** What reading or writing an offer document needs: the database and PAYLOAD_KEYS. */
export interface TOfferDocumentDeps {
  db: DbHandle;
  config: { payloadKeys?: TPayloadKeys | undefined };
}

/**
 * The name a document's ciphertext and wrapped key are bound to (associated data): a
 * sealed PDF copied onto another application's or version's row does not open.
 */
const sealingKey = (applicationId: string, version: number, kind: TOfferDocumentKind) => `offer:${applicationId}:v${version}:${kind}`;

/**
 * The row to insert for a new letter or signed copy: sealed like uploaded documents
 * (db/document-sealing.ts: a random key per document, wrapped by the active PAYLOAD_KEYS
 * entry); plain without PAYLOAD_KEYS. `sha256` is the plain PDF's.
 */
export function offerDocumentRow(
  deps: Pick<TOfferDocumentDeps, 'config'>,
  doc: { applicationId: string; version: number; kind: TOfferDocumentKind; sha256: string; bytes: Uint8Array },
) {
  const ring = deps.config.payloadKeys;
  const sealed = ring
    ? sealBlob(ring, sealingKey(doc.applicationId, doc.version, doc.kind), doc.bytes)
    : { content: doc.bytes, wrappingKeyId: null, wrappedKey: null };
  return { applicationId: doc.applicationId, version: doc.version, kind: doc.kind, sha256: doc.sha256, ...sealed };
}

/**
 * A stored offer document (letter or signed copy) with its plain PDF in `content`, or null.
 * The one read of these files: the candidate's and HR's downloads, the activities, the export.
 * Rows from before encryption (no wrapped key) are read as they are.
 */
export async function loadOfferDocument(deps: TOfferDocumentDeps, applicationId: string, version: number, kind: TOfferDocumentKind) {
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
  if (!row) return null;
  const { wrappingKeyId: _k, wrappedKey: _w, ...rest } = row;
  return { ...rest, content: openOfferDocument(deps.config.payloadKeys, row) };
}

/** The plain PDF of a stored row (as read from offer_documents); empty once erased. */
export function openOfferDocument(
  ring: TPayloadKeys | undefined,
  row: { applicationId: string; version: number; kind: TOfferDocumentKind; content: Uint8Array; wrappingKeyId: string | null; wrappedKey: string | null },
): Buffer {
  // An erased document has no content left (and no key): nothing to open.
  if (!row.content.length) return Buffer.alloc(0);
  return openBlob(ring, sealingKey(row.applicationId, row.version, row.kind), row);
}

/**
 * Rotation (npm run keys:rotate): encrypts plain offer documents and re-wraps the keys of
 * those under an older PAYLOAD_KEYS entry with the active one. Returns how many of each,
 * and how many documents each wrapping key (`plain` for none) still holds afterwards.
 */
export async function rotateOfferDocuments(
  db: DbHandle,
  ring: TPayloadKeys,
): Promise<{ encrypted: number; rewrapped: number; remaining: Record<string, number> }> {
  const t = offerDocuments;
  let encrypted = 0;
  let rewrapped = 0;
  for (;;) {
    const batch = await db.db
      .select({ id: t.id, applicationId: t.applicationId, version: t.version, kind: t.kind, content: t.content, wrappingKeyId: t.wrappingKeyId, wrappedKey: t.wrappedKey })
      .from(t)
      // Erased documents (no content) have nothing to encrypt.
      .where(and(sql`length(${t.content}) > 0`, or(isNull(t.wrappedKey), ne(t.wrappingKeyId, ring.activeId))))
      .orderBy(t.id)
      .limit(50);
    if (!batch.length) break;
    for (const row of batch) {
      const next = rotatedBlob(ring, sealingKey(row.applicationId, row.version, row.kind), row)!;
      // Only if unchanged meanwhile (erased, or rotated by another run).
      await db.db
        .update(t)
        .set(next.set)
        .where(and(eq(t.id, row.id), row.wrappedKey ? eq(t.wrappedKey, row.wrappedKey) : isNull(t.wrappedKey)));
      if (next.encrypted) encrypted++;
      else rewrapped++;
    }
  }
  const counts = await db.rows<{ k: string; n: number | string }>(
    sql`select coalesce(wrapping_key_id, 'plain') as k, count(*) as n from offer_documents where length(content) > 0 group by 1`,
  );
  return { encrypted, rewrapped, remaining: Object.fromEntries(counts.map((c) => [c.k, Number(c.n)])) };
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
