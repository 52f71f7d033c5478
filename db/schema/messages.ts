import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications';
import { users } from './users';

export type TMessageChannel = 'email' | 'sms';
export type TMessageStatus = 'rendered' | 'sending' | 'sent' | 'failed' | 'opened';
export type TRecipientKind = 'candidate' | 'staff';

/**
 * Every e-mail and SMS, one row per deterministic key. The row is written (rendered)
 * before anything is sent and is the record that makes sending exactly-once: a retry
 * finds the row by its key and sends only if no earlier attempt has finished.
 *
 * status: `rendered` (no transport configured: stored and previewed, not delivered),
 * `sending` (queued or in flight; `locked_until` is the lease of the attempt sending it),
 * `sent` (the transport accepted it), `failed` (permanent failure), `opened` (pixel loaded).
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Deterministic idempotency key: workflow, purpose, version, channel (and recipient). */
    key: text('key').notNull().unique(),
    applicationId: uuid('application_id').references(() => applications.id),
    channel: text('channel').notNull().$type<TMessageChannel>(),
    template: text('template').notNull(),
    purpose: text('purpose').notNull(),
    locale: text('locale').notNull(),
    /** E-mail address or phone number. */
    recipient: text('recipient').notNull(),
    recipientKind: text('recipient_kind').notNull().$type<TRecipientKind>(),
    recipientUserId: uuid('recipient_user_id').references(() => users.id),
    subject: text('subject'),
    bodyText: text('body_text').notNull(),
    bodyHtml: text('body_html'),
    status: text('status').notNull().$type<TMessageStatus>(),
    /** False when no transport was configured (demo) or the transport never accepted it. */
    delivered: boolean('delivered').notNull().default(false),
    providerMessageId: text('provider_message_id'),
    /** The last delivery error; cleared when a retry succeeds (`attempts` still shows the retries). */
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /** Lease of the attempt currently talking to the transport; a second attempt waits for it. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    /**
     * When the application's workflow was told of the open (or found finished). Null with
     * `opened_at` set: Temporal did not take the signal, and the API's sweep tells it later.
     */
    openSignalledAt: timestamp('open_signalled_at', { withTimezone: true }),
  },
  (t) => [
    index('messages_application_created_idx').on(t.applicationId, t.createdAt),
    // The communications report: messages of a period by template and language.
    index('messages_created_idx').on(t.createdAt, t.template, t.locale, t.channel, t.status),
    index('messages_open_unsignalled_idx')
      .on(t.openedAt)
      .where(sql`${t.openedAt} is not null and ${t.openSignalledAt} is null`),
    // Metrics (db/queries/metrics.ts): messages by outcome, index-only; broken decision promises.
    index('messages_template_channel_status_idx').on(t.template, t.channel, t.status),
    index('messages_decision_overdue_idx').on(t.applicationId).where(sql`purpose = 'decision_overdue'`),
    // The approvals report's reminders per approver in a period.
    index('messages_approval_reminder_idx')
      .on(t.createdAt, t.recipientUserId, t.applicationId)
      .where(sql`purpose = 'offer_approval_reminder'`),
  ],
);
