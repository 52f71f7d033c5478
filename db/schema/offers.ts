import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications';
import { bytea } from './bytea';

/** Mirror of every offer version the workflow holds, for reports and consistency checks. */
export const offerVersions = pgTable(
  'offer_versions',
  {
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    status: text('status').notNull(),
    offer: jsonb('offer').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    viewedAt: timestamp('viewed_at', { withTimezone: true }),
    /** When the 3-day reminder went to the candidate. */
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    /** When the candidate accepted or declined (the status says which). */
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.applicationId, t.version] }),
    // The offers report: versions sent in a period.
    index('offer_versions_sent_idx').on(t.sentAt).where(sql`sent_at is not null`),
  ],
);

/**
 * Offer letters and signed copies, with their SHA-256 (of the plain PDF). One per
 * (application, version, kind). Encrypted at rest like uploaded documents
 * (db/document-sealing.ts, db/queries/offers.ts): `content` is AES-256-GCM ciphertext under
 * the document's own key, stored wrapped by a PAYLOAD_KEYS key; rows without a wrapped
 * key are plain (written before encryption or without PAYLOAD_KEYS).
 */
export const offerDocuments = pgTable(
  'offer_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    kind: text('kind').notNull().$type<'letter' | 'signed'>(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    /** Which PAYLOAD_KEYS entry wraps the document key; null: `content` is plain. */
    wrappingKeyId: text('wrapping_key_id'),
    /** base64(iv | ciphertext | tag) of the document's 32-byte key; null: plain. */
    wrappedKey: text('wrapped_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('offer_documents_version_kind_key').on(t.applicationId, t.version, t.kind)],
);

/** The evidence of an electronic signature. */
export const offerSignatures = pgTable(
  'offer_signatures',
  {
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    signatureName: text('signature_name').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull(),
    ip: text('ip').notNull(),
    userAgent: text('user_agent').notNull(),
    originalSha256: text('original_sha256').notNull(),
    signedSha256: text('signed_sha256').notNull(),
    signedDocumentId: uuid('signed_document_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.version] })],
);

/** Who owes an approval: mirrored from the workflow so GET /v1/approvals is one indexed read. */
export const approvalItems = pgTable(
  'approval_items',
  {
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    level: integer('level').notNull(),
    userId: uuid('user_id').notNull(),
    status: text('status').notNull().$type<'pending' | 'approved' | 'rejected' | 'delegated' | 'cancelled'>(),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** When this approver's level started (workflow time); null while it waits for earlier levels. */
    requestedAt: timestamp('requested_at', { withTimezone: true }),
    /** When the item left `pending` for approved, rejected or delegated (the first such write). */
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** The approver's comment with an approval or rejection. */
    comment: text('comment'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.applicationId, t.version, t.level, t.userId] }),
    index('approval_items_user_status_idx').on(t.userId, t.status),
    // Metrics: approvals past their due time (db/queries/metrics.ts).
    index('approval_items_pending_due_idx').on(t.dueAt).where(sql`status = 'pending'`),
    // The approvals report: the requests made in a period, read from the index alone.
    index('approval_items_requested_idx')
      .on(t.requestedAt, t.applicationId, t.level, t.userId, t.status, t.decidedAt)
      .where(sql`requested_at is not null`),
    // Its list of rejections with their comments: only the rejected items' rows are read.
    index('approval_items_rejected_idx').on(t.requestedAt).where(sql`status = 'rejected'`),
    // ...newest decision first, so a long period reads its 200 latest rejections, not all of them.
    index('approval_items_rejected_decided_idx').on(t.decidedAt, t.requestedAt).where(sql`status = 'rejected'`),
  ],
);
