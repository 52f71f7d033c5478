/**
 * Read-only queries behind the Prometheus gauges, run on each scrape: each one an
 * aggregate over an index (see the indexes named beside each), so a scrape every 15 s
 * stays cheap as the tables grow.
 */
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../client';

/** This pool's connections by state; `name` is the application_name the pool connects with. */
export async function poolConnections(db: DbHandle, name: string): Promise<{ state: string; n: number }[]> {
  return db.rows<{ state: string; n: number }>(sql`
    select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
    where application_name = ${name} and pid <> pg_backend_pid()
    group by 1`);
}

/** Applications by stage (index-only on applications_stage_created_idx). */
export async function applicationsByStage(db: DbHandle): Promise<{ stage: string; n: number }[]> {
  return db.rows(sql`select stage, count(*)::int as n from applications group by stage`);
}

/** Stages in which the decision the candidate was promised is still owed. */
const UNDECIDED = sql`('received', 'validating', 'discrepancy_review', 'screening', 'evaluation', 'decision')`;

/**
 * Human actions past their due time, by kind: offer approvals still pending after their
 * due time (approval_items_pending_due_idx), and decisions still owed after the decision
 * promise ran out (the workflow's HR alert is the record of that, messages_decision_overdue_idx).
 */
export async function actionsOverdue(db: DbHandle): Promise<{ action: string; n: number }[]> {
  return db.rows(sql`
    select 'offer_approval' as action, count(*)::int as n from approval_items
      where status = 'pending' and due_at < now()
    union all
    select 'decision', count(*)::int from applications a
      where a.stage in ${UNDECIDED}
        and exists (select 1 from messages m where m.purpose = 'decision_overdue' and m.application_id = a.id)`);
}

/** Applications whose decision promise ran out before a decision, ever (one HR alert or more each). */
export async function decisionPromisesBroken(db: DbHandle): Promise<number> {
  const [row] = await db.rows<{ n: number }>(
    sql`select count(distinct application_id)::int as n from messages where purpose = 'decision_overdue'`,
  );
  return row?.n ?? 0;
}

/** Messages by template, channel and status (index-only on messages_template_channel_status_idx). */
export async function messagesByOutcome(db: DbHandle): Promise<{ template: string; channel: string; status: string; n: number }[]> {
  return db.rows(sql`select template, channel, status, count(*)::int as n from messages group by 1, 2, 3`);
}

/** Webhook deliveries not yet made and the age of the oldest event among them (webhook_deliveries_pending_idx). */
export async function webhookBacklog(db: DbHandle): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const [row] = await db.rows<{ pending: number; age: number | null }>(sql`
    select count(*)::int as pending, extract(epoch from now() - min(e.recorded_at))::float8 as age
    from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where d.status = 'pending'`);
  return { pending: row?.pending ?? 0, oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
}
