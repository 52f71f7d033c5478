/**
 * Events are kept EVENT_RETENTION_DAYS (30) for GET /v1/events; older ones are deleted with
 * their delivery rows and attempt log. An event some endpoint is still owed is kept until
 * it is delivered or the endpoint is deactivated.
 */
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client';
import { webhookDeliveries, webhookEvents } from '../../db/schema/webhooks';

/** Deletes up to `batch` expired events per statement until none is left; returns how many. */
export async function purgeExpiredEvents(handle: DbHandle, retentionDays: number, batch = 1000, asOf?: Date): Promise<number> {
  // The retention schedule (activities/retention.ts) purges by its own clock and settings.
  const now = asOf ? sql`${asOf.toISOString()}::timestamptz` : sql`now()`;
  let total = 0;
  for (;;) {
    const rows = await handle.rows<{ id: string }>(sql`
      delete from ${webhookEvents} where id in (
        select e.id from ${webhookEvents} e
        where e.recorded_at < ${now} - make_interval(days => ${retentionDays}::int)
          and not exists (select 1 from ${webhookDeliveries} d where d.event_id = e.id and d.status = 'pending')
        limit ${batch})
      returning id`);
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
