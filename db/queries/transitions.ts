/**
 * The one writer of `stage_transitions`, used by the workflow's mirror activities and by the
 * backfill. Keyed by (application, workflow sequence number) with ON CONFLICT DO NOTHING, so
 * a retried, replayed or re-run write adds nothing; the stay's end (`left_at`, `next_stage`)
 * is filled by whichever of two neighbouring writes comes second, so their order does not matter.
 */
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

export interface TTransitionFact {
  applicationId: string;
  seq: number;
  /** Unknown only for a write scheduled by a workflow from before this table: then the previous row's stage. */
  from: string | null;
  to: string;
  /** Workflow time of the change (ISO); unknown as above: the database's now(). */
  at: string | null;
  actor: { id: string; name: string } | null;
  source: 'live' | 'backfill';
}

type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export async function writeTransition(db: AnyDb, t: TTransitionFact): Promise<void> {
  const at = t.at ? sql`${t.at}::timestamptz` : sql`now()`;
  await db.execute(sql`
    insert into stage_transitions
      (application_id, seq, from_stage, to_stage, at, actor_id, actor_name, job_id, department_id, left_at, next_stage, source)
    select a.id, ${t.seq}::int,
           coalesce(${t.from}::text, prev.to_stage, a.stage), ${t.to}, ${at},
           ${t.actor?.id ?? null}::text, ${t.actor?.name ?? null}::text, a.job_id, a.department_id,
           nxt.at, nxt.to_stage, ${t.source}
    from applications a
    left join stage_transitions prev on prev.application_id = a.id and prev.seq = ${t.seq}::int - 1
    left join stage_transitions nxt on nxt.application_id = a.id and nxt.seq = ${t.seq}::int + 1
    where a.id = ${t.applicationId}::uuid
    on conflict (application_id, seq) do nothing`);
  // Close the stays on either side of this row that the other write could not see. Run
  // outside any transaction: of two neighbouring writes, the later statement sees both rows.
  await db.execute(sql`
    update stage_transitions p set left_at = q.at, next_stage = q.to_stage
    from stage_transitions q
    where p.application_id = ${t.applicationId}::uuid and q.application_id = p.application_id
      and q.seq = p.seq + 1 and p.seq in (${t.seq}::int - 1, ${t.seq}::int) and p.left_at is null`);
}
