import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export type TSignInMethod = 'oidc' | 'email_link';

/**
 * Browser sessions of staff (cookie sign-in). The cookie carries a random secret; only its
 * SHA-256 is stored, so a copy of this table signs nobody in. `id` is the public handle a
 * user sees in their session list and ends with DELETE /v1/me/sessions/:id.
 * A session is valid until `expires_at` (absolute) and while `last_seen_at` is within the
 * idle lifetime; ended sessions are deleted.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    secretHash: text('secret_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    method: text('method').$type<TSignInMethod>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Single-use e-mail sign-in links. Only the SHA-256 of the link's token is stored; a link
 * is spent by setting `used_at` in the same statement that checks it is unused and fresh.
 */
export const emailSignInLinks = pgTable(
  'email_sign_in_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('email_sign_in_links_user_idx').on(t.userId, t.createdAt)],
);

/**
 * OIDC sign-ins in progress, between GET /auth/login and GET /auth/callback: the state,
 * nonce and PKCE verifier, found by the hash of a random value held in a short-lived
 * cookie (so the callback is bound to the browser that started it) and deleted when the
 * callback reads them (so a callback URL works once).
 */
export const oidcSignIns = pgTable(
  'oidc_sign_ins',
  {
    idHash: text('id_hash').primaryKey(),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('oidc_sign_ins_expires_idx').on(t.expiresAt)],
);
