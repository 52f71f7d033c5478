import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea } from './bytea';

/**
 * The bytes of uploaded onboarding documents, by content-addressed storage key
 * (`<sha256>.<ext>`, employee_documents.storage_key), for the PostgreSQL document store:
 * every API replica reads what any of them stored, and the database backup holds them.
 *
 * Encrypted at rest (db/document-store.ts): `content` is AES-256-GCM ciphertext under the
 * document's own random key, stored wrapped by a PAYLOAD_KEYS key. Rows without a wrapped
 * key are plain (stored before encryption or without PAYLOAD_KEYS); the rotation script
 * encrypts them.
 */
export const documentBlobs = pgTable('document_blobs', {
  storageKey: text('storage_key').primaryKey(),
  content: bytea('content').notNull(),
  /** The plaintext's size. */
  size: integer('size').notNull(),
  /** Which PAYLOAD_KEYS entry wraps the document key; null: `content` is plain. */
  wrappingKeyId: text('wrapping_key_id'),
  /** base64(iv | ciphertext | tag) of the document's 32-byte key; null: plain. */
  wrappedKey: text('wrapped_key'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
