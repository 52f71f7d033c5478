/**
 * Fills the report facts for applications that existed before their mirror writes did
 * (migration 0002_stage_transitions): each application's workflow status (the timeline and
 * state, queried from Temporal; finished workflows answer too while their history is
 * retained) gives its stage changes, decision promise, discrepancies, scores per
 * competency, offer and approval times and onboarding outcomes.
 *
 *   npx tsx scripts/backfill-transitions.ts        # DATABASE_URL, TEMPORAL_ADDRESS as for the worker
 *
 * Safe to run while workers write, and to run again: transitions are keyed by the
 * workflow's own sequence (the timeline entry carries it; before that, its position, which
 * is the same number) and inserted with ON CONFLICT DO NOTHING; every other fact only
 * fills a column that is still empty.
 */
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { openDb, type DbHandle } from '../db/client';
import { writeTransition, type TTransitionFact } from '../db/queries/transitions';
import { loadConfigOrExit } from '../temporal.config';
import { statusQuery, type TApplicationStatus } from '../workflows/messages';

/** The stage changes of a status's timeline, as stage_transitions rows. */
export function transitionsOf(status: TApplicationStatus): TTransitionFact[] {
  return status.timeline
    .filter((e) => e.type === 'stage_changed')
    .map((e, i) => ({
      applicationId: status.applicationId,
      seq: typeof e.detail?.seq === 'number' ? e.detail.seq : i + 1,
      from: String(e.detail?.from),
      to: String(e.detail?.to),
      at: e.at,
      actor: e.actor === 'system' ? null : { id: e.actor.id, name: e.actor.name },
      source: 'backfill' as const,
    }));
}

/** Writes one application's facts; returns how many transitions were new. */
export async function backfillApplication(handle: DbHandle, status: TApplicationStatus): Promise<number> {
  const { db } = handle;
  const id = status.applicationId;
  const [{ n: before } = { n: 0 }] = await handle.rows<{ n: number }>(sql`select count(*)::int as n from stage_transitions where application_id = ${id}::uuid`);
  for (const t of transitionsOf(status)) await writeTransition(db, t);
  const discrepancies = status.discrepancies.map((d) => ({ id: d.id, rule: d.rule, severity: d.severity, resolution: d.resolution?.resolution ?? null }));
  const dimensions = status.composite?.dimensions.map((d) => ({ key: d.key, ai: d.ai, human: d.human })) ?? null;
  await db.execute(sql`
    update applications set
      decision_due_at = coalesce(decision_due_at, ${status.decisionDueAt}::timestamptz),
      discrepancies = coalesce(discrepancies, ${JSON.stringify(discrepancies)}::jsonb),
      score_dimensions = coalesce(score_dimensions, ${dimensions ? JSON.stringify(dimensions) : null}::jsonb)
    where id = ${id}::uuid`);
  for (const v of status.offer.versions) {
    await db.execute(sql`
      update offer_versions set
        viewed_at = coalesce(viewed_at, ${v.viewedAt}::timestamptz),
        reminded_at = coalesce(reminded_at, ${v.remindedAt}::timestamptz),
        responded_at = coalesce(responded_at, ${v.response?.at ?? null}::timestamptz)
      where application_id = ${id}::uuid and version = ${v.version}`);
    for (const [level, l] of v.levels.entries()) {
      for (const d of v.decisions.filter((x) => x.level === level)) {
        await db.execute(sql`
          update approval_items set decided_at = coalesce(decided_at, ${d.at}::timestamptz), comment = coalesce(comment, ${d.comment}::text)
          where application_id = ${id}::uuid and version = ${v.version} and level = ${level} and user_id = ${d.userId}::uuid`);
      }
      for (const g of l.delegations) {
        await db.execute(sql`
          update approval_items set decided_at = coalesce(decided_at, ${g.at}::timestamptz)
          where application_id = ${id}::uuid and version = ${v.version} and level = ${level} and user_id = ${g.fromUserId}::uuid and status = 'delegated'`);
      }
      if (l.startedAt) {
        await db.execute(sql`
          update approval_items set requested_at = coalesce(requested_at, ${l.startedAt}::timestamptz)
          where application_id = ${id}::uuid and version = ${v.version} and level = ${level}`);
      }
    }
  }
  const ob = status.onboarding;
  if (ob?.completedAt) {
    const tasks = ob.tasks.map((t) => ({ key: t.key, assignee: t.assignee, dueDate: t.dueDate, completedAt: t.completedAt }));
    const courses = ob.courses.map((c) => ({ key: c.key, attempts: c.attempts.length, passed: c.status === 'passed' }));
    await db.execute(sql`
      update employees set
        task_outcomes = coalesce(task_outcomes, ${JSON.stringify(tasks)}::jsonb),
        course_outcomes = coalesce(course_outcomes, ${JSON.stringify(courses)}::jsonb)
      where id = ${ob.employeeId}::uuid`);
  }
  const [{ n: after } = { n: 0 }] = await handle.rows<{ n: number }>(sql`select count(*)::int as n from stage_transitions where application_id = ${id}::uuid`);
  return after - before;
}

export interface TBackfillResult {
  applications: number;
  transitionsAdded: number;
  /** Applications whose workflow could not be queried (history gone, or not found), with the reason. */
  failed: { applicationId: string; error: string }[];
}

/** Every application, `concurrency` status queries at a time, in id order. */
export async function backfillAll(db: DbHandle, client: Client, opts: { concurrency?: number; log?: (line: string) => void } = {}): Promise<TBackfillResult> {
  const concurrency = opts.concurrency ?? 4;
  const result: TBackfillResult = { applications: 0, transitionsAdded: 0, failed: [] };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db.rows<{ id: string; workflow_id: string }>(
      sql`select id, workflow_id from applications where id > ${after}::uuid order by id limit 200`,
    );
    if (!page.length) break;
    after = page[page.length - 1]!.id;
    let next = 0;
    const work = async () => {
      while (next < page.length) {
        const app = page[next++]!;
        try {
          const status = await client.workflow.getHandle(app.workflow_id).query(statusQuery);
          const added = await backfillApplication(db, status);
          result.transitionsAdded += added;
          result.applications += 1;
        } catch (err) {
          result.failed.push({ applicationId: app.id, error: err instanceof Error ? err.message : String(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, work));
    opts.log?.(`${result.applications} applications, ${result.transitionsAdded} transitions added, ${result.failed.length} failed`);
  }
  return result;
}

async function main() {
  const config = loadConfigOrExit();
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 4 });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const r = await backfillAll(db, client, { log: (line) => console.log(line) });
    for (const f of r.failed) console.error(`application ${f.applicationId}: ${f.error}`);
    console.log(`done: ${r.applications} applications, ${r.transitionsAdded} transitions added, ${r.failed.length} failed`);
    process.exitCode = r.failed.length ? 1 : 0;
  } finally {
    await connection.close();
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
