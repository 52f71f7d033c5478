import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * What each run of the retention schedule did (GET /v1/privacy/retention-runs): which
 * applications it erased (ids only: nothing personal is left behind them), how many
 * idempotency responses and webhook events it purged, and what failed. One row per run of
 * the retention workflow (`run_key`: its workflow and run id), written as it goes, so a
 * retried activity carries on the same row instead of reporting twice.
 */
export const retentionRuns = pgTable(
  'retention_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runKey: text('run_key').notNull().unique(),
    /** The clock the run erased by (the schedule's time, or the one a test gave). */
    asOf: timestamp('as_of', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Application ids erased, with the outcome each had ended with. */
    erased: jsonb('erased').$type<{ applicationId: string; outcome: string; endedAt: string }[]>().notNull().default(sql`'[]'::jsonb`),
    /** Applications whose erasure failed (ids and the error's class, never its message). */
    failed: jsonb('failed').$type<{ applicationId: string; error: string }[]>().notNull().default(sql`'[]'::jsonb`),
    idempotencyKeysPurged: integer('idempotency_keys_purged').notNull().default(0),
    webhookEventsPurged: integer('webhook_events_purged').notNull().default(0),
    /** True when more applications were due than one run erases (the next run continues). */
    more: boolean('more').notNull().default(false),
  },
  (t) => [index('retention_runs_started_idx').on(t.startedAt.desc())],
);
