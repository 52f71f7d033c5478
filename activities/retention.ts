/**
 * The retention run (workflows/retention.ts, started daily by the Temporal Schedule of
 * privacy/retention-schedule.ts): erases the applications past their outcome's retention
 * through the same code path as the erasure route (privacy/erasure.ts), purges idempotency
 * responses and webhook event payloads past theirs, and writes what it did to
 * retention_runs. Idempotent: a retried attempt finds the erased ones no longer due and
 * carries on the same report row; a second run finds nothing to do.
 */
import { Context } from '@temporalio/activity';
import { PostgresDocumentStore } from '../db/document-store';
import {
  dueApplications,
  finishRetentionRun,
  purgeIdempotencyKeys,
  recordRetentionErasure,
  recordRetentionFailure,
  startRetentionRun,
  type TRetentionRunRow,
} from '../db/queries/retention';
import { getSettings } from '../db/settings';
import { eraseApplicationWith } from '../privacy/erasure';
import type { ActivityDeps } from './deps';
import { purgeExpiredEvents } from './webhooks/purge';

/** Erased per run at most; `more` in the report says the next run continues. */
export const RETENTION_BATCH = 200;

export interface TRetentionInput {
  /** The clock to erase by (ISO): the schedule's time, or a test's. */
  asOf: string;
}

export const createRetentionActivities = (deps: ActivityDeps) => ({
  async runRetention(input: TRetentionInput): Promise<TRetentionRunRow> {
    const ctx = Context.current();
    const asOf = new Date(input.asOf);
    if (Number.isNaN(asOf.getTime())) throw new TypeError(`asOf is not a date: ${input.asOf}`);
    const wf = ctx.info.workflowExecution;
    // One report row per workflow run (standalone activities have none: their own id).
    const runKey = wf ? `${wf.workflowId}/${wf.runId}` : `activity/${ctx.info.activityId}`;
    const { retention } = await getSettings(deps.db.db);
    await startRetentionRun(deps.db, runKey, asOf);

    const erasure = {
      db: deps.db,
      config: deps.config,
      documents: new PostgresDocumentStore(deps.db, deps.config.payloadKeys),
      temporal: ctx.client,
    };
    const due = await dueApplications(deps.db, retention, asOf, RETENTION_BATCH);
    for (const item of due) {
      ctx.heartbeat(item.applicationId);
      try {
        await eraseApplicationWith(erasure, item.applicationId);
        await recordRetentionErasure(deps.db, runKey, item);
      } catch (e) {
        // One application that cannot be erased (Temporal briefly away) does not stop the rest.
        const error = e instanceof Error ? e.name : 'Error';
        await recordRetentionFailure(deps.db, runKey, item.applicationId, error);
        deps.log.warn({ applicationId: item.applicationId, error, runKey }, 'retention: erasure failed; the next run tries again');
      }
    }
    ctx.heartbeat('purging');
    const idempotencyKeysPurged = await purgeIdempotencyKeys(deps.db, retention.idempotencyKeys, asOf);
    const webhookEventsPurged = await purgeExpiredEvents(deps.db, retention.webhookEvents, 1000, asOf);
    const report = await finishRetentionRun(deps.db, runKey, { idempotencyKeysPurged, webhookEventsPurged, more: due.length === RETENTION_BATCH });
    deps.log.info(
      { runKey, asOf: input.asOf, erased: report.erased.length, failed: report.failed.length, idempotencyKeysPurged, webhookEventsPurged },
      'retention run finished',
    );
    return report;
  },
});
