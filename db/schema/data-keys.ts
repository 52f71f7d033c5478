import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One data key per application, wrapped (AES-256-GCM) by a key from PAYLOAD_KEYS. It
 * encrypts every Temporal payload of that application's workflow; erasing the application
 * destroys it (wrapped_key null, destroyed_at set), which leaves that history unreadable.
 * No foreign key: the key is made when the workflow's first payload is encoded, and the
 * row outlives the erasure so nothing makes a fresh key for an erased application.
 */
export const dataKeys = pgTable('data_keys', {
  applicationId: uuid('application_id').primaryKey(),
  /** Which PAYLOAD_KEYS entry wraps it (the rotation script re-wraps under the active one). */
  wrappingKeyId: text('wrapping_key_id'),
  /** base64(iv | ciphertext | tag); null once destroyed. */
  wrappedKey: text('wrapped_key'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  destroyedAt: timestamp('destroyed_at', { withTimezone: true }),
});
