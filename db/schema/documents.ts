import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea } from './bytea';

/**
 * The bytes of uploaded onboarding documents, by content-addressed storage key
 * (`<sha256>.<ext>`, employee_documents.storage_key), for the PostgreSQL document store:
 * every API replica reads what any of them stored, and the database backup holds them.
 */
export const documentBlobs = pgTable('document_blobs', {
  storageKey: text('storage_key').primaryKey(),
  content: bytea('content').notNull(),
  size: integer('size').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
