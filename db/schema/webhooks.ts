import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export type TWebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * Integrators' endpoints. `secret` signs every delivery, so it is kept as given (a hash
 * could not sign); it is never returned by the API nor logged.
 * `created_by` has no foreign key: the bootstrap admin (ADMIN_TOKEN) is not a user row.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    url: text('url').notNull(),
    /** Subscribed event types; empty means every type. */
    events: text('events').array().notNull().default(sql`'{}'::text[]`),
    secret: text('secret').notNull(),
    /**
     * The secret before the last rotation: it still signs beside `secret` (two signatures
     * per header) until `previous_secret_expires_at`, so receivers can switch without a gap.
     */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    createdBy: uuid('created_by').notNull(),
    /** What the endpoint may receive beyond the default, e.g. `offers:salary`; null: nothing more. */
    scopes: text('scopes').array(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
  },
  (t) => [index('webhooks_created_by_idx').on(t.createdBy, t.createdAt.desc())],
);

/**
 * One row per event, found by its deterministic key (e.g. `${workflowId}:${seq}`), so a
 * retried or replayed activity reuses the same id and the same payload. `id` is the
 * event id receivers see (body `id`, header X-Event-Id).
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull().unique(),
    /** Recording order: breaks ties between events of one application with the same time. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    applicationId: uuid('application_id'),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** When it happened (workflow time), as sent to receivers. */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** When it was recorded (database time); endpoints registered later do not receive it. */
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('webhook_events_application_order_idx').on(t.applicationId, t.occurredAt, t.seq),
    // Pull sync (GET /v1/events) reads in seq order; the purge deletes by age.
    uniqueIndex('webhook_events_seq_key').on(t.seq),
    index('webhook_events_recorded_idx').on(t.recordedAt),
  ],
);

/**
 * The state of one event for one endpoint. `locked_until` is the lease of the attempt
 * currently posting it: no two attempts post the same event to the same endpoint at once.
 * `failed` is final (the endpoint was deactivated, or a manual attempt, a ping or a
 * redelivery of a settled event, was refused); `pending` is retried by Temporal.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    status: text('status').notNull().$type<TWebhookDeliveryStatus>().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.webhookId] }),
    // Catch-up: an endpoint's pending backlog, looked up before posting a later event.
    index('webhook_deliveries_pending_idx').on(t.webhookId).where(sql`status = 'pending'`),
  ],
);

/** Every POST made, as GET /v1/webhooks/:id/deliveries lists them (newest first). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    attemptNo: integer('attempt_no').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** The HTTP status; null when no response came (refused, reset, timed out). */
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [
    index('webhook_attempts_webhook_at_idx').on(t.webhookId, t.at.desc(), t.id.desc()),
    index('webhook_attempts_event_idx').on(t.eventId, t.webhookId),
  ],
);
