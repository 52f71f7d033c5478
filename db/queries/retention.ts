/**
 * Retention (docs/personal-data.md, "How long"): which ended applications are past their
 * outcome's retention, the purge of remembered idempotency responses, and the report row of
 * each run (retention_runs).
 */
import { sql } from 'drizzle-orm';
import type { TRetention, TRetentionOutcome } from '../../domain/contracts/settings';
import type { DbHandle } from '../client';

export const RETENTION_OUTCOMES: readonly TRetentionOutcome[] = ['rejected', 'withdrawn', 'declined', 'expired'];

export interface TDueApplication {
  applicationId: string;
  outcome: TRetentionOutcome;
  endedAt: string;
}

/**
 * Applications that ended (rejected, withdrawn, declined, expired) more than their
 * outcome's days before `asOf`, oldest first, not yet erased. When it ended: its last move
 * into that stage (stage_transitions), or its last update for rows from before transitions
 * were recorded. Active applications, hires and employees are never due.
 */
export async function dueApplications(db: DbHandle, retention: TRetention, asOf: Date, limit: number): Promise<TDueApplication[]> {
  const days = sql.join(
    RETENTION_OUTCOMES.map((o) => sql`when ${o} then ${retention.afterEnd[o]}::int`),
    sql` `,
  );
  const rows = await db.rows<{ id: string; stage: TRetentionOutcome; ended_at: Date | string }>(sql`
    select a.id, a.stage, coalesce(t.ended_at, a.updated_at) as ended_at
    from applications a
    left join lateral (
      select max(st.at) as ended_at from stage_transitions st where st.application_id = a.id and st.to_stage = a.stage
    ) t on true
    where a.erased_at is null
      and a.stage in (${sql.join(RETENTION_OUTCOMES.map((o) => sql`${o}`), sql`, `)})
      and not exists (select 1 from employees e where e.application_id = a.id)
      and coalesce(t.ended_at, a.updated_at) < ${asOf.toISOString()}::timestamptz - make_interval(days => (case a.stage ${days} end))
    order by 3, 1
    limit ${limit}`);
  return rows.map((r) => ({ applicationId: r.id, outcome: r.stage, endedAt: new Date(r.ended_at).toISOString() }));
}

/** Deletes remembered idempotent responses older than `days` before `asOf`; returns how many. */
export async function purgeIdempotencyKeys(db: DbHandle, days: number, asOf: Date, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db.rows<{ key: string }>(sql`
      delete from idempotency_keys where ctid in (
        select ctid from idempotency_keys
        where created_at < ${asOf.toISOString()}::timestamptz - make_interval(days => ${days}::int)
        limit ${batch})
      returning key`);
    total += rows.length;
    if (rows.length < batch) return total;
  }
}

/** The run's report row, made on its first attempt (a retried attempt carries on with it). */
export async function startRetentionRun(db: DbHandle, runKey: string, asOf: Date): Promise<void> {
  await db.rows(sql`
    insert into retention_runs (run_key, as_of) values (${runKey}, ${asOf.toISOString()}::timestamptz)
    on conflict (run_key) do nothing`);
}

export async function recordRetentionErasure(db: DbHandle, runKey: string, item: TDueApplication): Promise<void> {
  await db.rows(sql`
    update retention_runs set erased = erased || ${JSON.stringify([item])}::jsonb
    where run_key = ${runKey} and not erased @> ${JSON.stringify([{ applicationId: item.applicationId }])}::jsonb`);
}

export async function recordRetentionFailure(db: DbHandle, runKey: string, applicationId: string, error: string): Promise<void> {
  await db.rows(sql`
    update retention_runs set failed = failed || ${JSON.stringify([{ applicationId, error }])}::jsonb
    where run_key = ${runKey} and not failed @> ${JSON.stringify([{ applicationId }])}::jsonb`);
}

export interface TRetentionRunRow {
  id: string;
  runKey: string;
  asOf: string;
  startedAt: string;
  finishedAt: string | null;
  erased: TDueApplication[];
  failed: { applicationId: string; error: string }[];
  idempotencyKeysPurged: number;
  webhookEventsPurged: number;
  more: boolean;
}

interface RawRun extends Record<string, unknown> {
  id: string;
  run_key: string;
  as_of: Date | string;
  started_at: Date | string;
  finished_at: Date | string | null;
  erased: TDueApplication[];
  failed: { applicationId: string; error: string }[];
  idempotency_keys_purged: number;
  webhook_events_purged: number;
  more: boolean;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const toRun = (r: RawRun): TRetentionRunRow => ({
  id: r.id,
  runKey: r.run_key,
  asOf: iso(r.as_of),
  startedAt: iso(r.started_at),
  finishedAt: r.finished_at ? iso(r.finished_at) : null,
  erased: r.erased,
  failed: r.failed,
  idempotencyKeysPurged: r.idempotency_keys_purged,
  webhookEventsPurged: r.webhook_events_purged,
  more: r.more,
});

/** Adds the purge counts (a retried attempt adds what it purged itself) and closes the run. */
export async function finishRetentionRun(
  db: DbHandle,
  runKey: string,
  counts: { idempotencyKeysPurged: number; webhookEventsPurged: number; more: boolean },
): Promise<TRetentionRunRow> {
  const [row] = await db.rows<RawRun>(sql`
    update retention_runs set
      idempotency_keys_purged = idempotency_keys_purged + ${counts.idempotencyKeysPurged}::int,
      webhook_events_purged = webhook_events_purged + ${counts.webhookEventsPurged}::int,
      more = ${counts.more}, finished_at = now()
    where run_key = ${runKey} returning *`);
  return toRun(row!);
}

/** Newest first, keyset-paginated on (started_at, id); `startedKey` keeps microseconds for the cursor. */
export async function listRetentionRuns(
  db: DbHandle,
  limit: number,
  before?: { startedAt: string; id: string },
): Promise<(TRetentionRunRow & { startedKey: string })[]> {
  const rows = await db.rows<RawRun & { started_key: string }>(sql`
    select *, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as started_key from retention_runs
    ${before ? sql`where (started_at, id) < (${before.startedAt}::timestamptz, ${before.id}::uuid)` : sql``}
    order by started_at desc, id desc limit ${limit}`);
  return rows.map((r) => ({ ...toRun(r), startedKey: r.started_key }));
}
