/**
 * Retention (settings.retention, docs/personal-data.md "How long"): the retention workflow,
 * started here directly with a clock argument (`asOf`), erases applications that ended
 * longer ago than their outcome's days through the erasure code path, keeps younger and
 * active ones, purges idempotency responses and webhook events past theirs, reports what it
 * did (GET /v1/privacy/retention-runs), and a second run does nothing. The Schedule that
 * starts it daily is made idempotently and, triggered, runs the same workflow.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRetentionSchedule } from '../../privacy/retention-schedule';
import type { retentionWorkflow } from '../../workflows/retention';
import { foundIn } from '../helpers/history';
import { createOrg, type Org } from '../helpers/org';
import { atStage, inDecision, inEvaluation, quickJob, submitted } from '../helpers/scenario';
import { eventually, startStack, type Stack } from '../helpers/stack';

const DAY_MS = 86_400_000;

describe('retention', () => {
  let s: Stack;
  let org: Org;
  beforeAll(async () => {
    s = await startStack();
    org = await createOrg(s);
  });
  afterAll(async () => s?.stop());

  const rowsText = async (id: string) =>
    (await s.db.handle.rows<{ r: string }>(sql`select a::text as r from applications a where a.id = ${id}`)).map((r) => r.r).join('\n');
  const run = (asOf: Date) =>
    s.temporal.workflow.execute<typeof retentionWorkflow>('retentionWorkflow', {
      taskQueue: s.config.TEMPORAL_TASK_QUEUE,
      workflowId: `retention-test-${randomUUID()}`,
      args: [{ asOf: asOf.toISOString() }],
    });

  it('settings.retention: PATCH validates each field (400, nothing changed), only admins (403), and merges what is given', async () => {
    const before = (await s.api('GET', '/v1/settings')).body.retention;
    expect(before).toEqual({ afterEnd: { rejected: 180, withdrawn: 180, declined: 180, expired: 180 }, idempotencyKeys: 30, webhookEvents: 30 });
    const bad: unknown[] = [
      {},
      { retention: { afterEnd: { rejected: 0 } } },
      { retention: { afterEnd: { rejected: 3651 } } },
      { retention: { afterEnd: { rejected: 1.5 } } },
      { retention: { afterEnd: { rejected: '180' } } },
      { retention: { afterEnd: { hired: 30 } } },
      { retention: { idempotencyKeys: -1 } },
      { retention: { webhookEvents: null } },
      { retention: { other: 1 } },
      { companyName: 'Renamed' },
    ];
    for (const body of bad) {
      const r = await s.api('PATCH', '/v1/settings', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await s.api('PATCH', '/v1/settings', { token: org.hr.token, body: { retention: { idempotencyKeys: 5 } } })).status).toBe(403);
    expect((await s.api('PATCH', '/v1/settings', { token: null, body: { retention: { idempotencyKeys: 5 } } })).status).toBe(401);
    expect((await s.api('GET', '/v1/settings')).body.retention).toEqual(before);

    const ok = await s.api('PATCH', '/v1/settings', { body: { retention: { afterEnd: { withdrawn: 400 } } } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.retention).toEqual({ ...before, afterEnd: { ...before.afterEnd, withdrawn: 400 } });
    expect((await s.api('GET', '/v1/settings')).body).toMatchObject({ companyName: 'Acme Robotics', retention: ok.body.retention });
  });

  it('erases what ended longer ago than its outcome allows, keeps younger and active ones, purges, reports; a second run does nothing', { timeout: 240_000 }, async () => {
    expect((await s.api('PATCH', '/v1/settings', { body: { retention: { afterEnd: { rejected: 180, withdrawn: 400 } } } })).status).toBe(200);
    const jobId = await quickJob(s, org);
    const rejected = await inDecision(s, org, jobId);
    expect((await s.api('POST', `/v1/applications/${rejected.id}/decision`, { token: org.hr.token, body: { decision: 'reject' } })).status).toBe(200);
    const withdrawn = await submitted(s, org, jobId);
    await atStage(s, org, withdrawn.id, 'evaluation');
    expect((await s.api('POST', `/v1/applications/${withdrawn.id}/withdraw`, { token: org.hr.token, body: { reason: 'Took another offer' } })).status).toBe(200);
    const active = await inEvaluation(s, org, jobId);
    await atStage(s, org, rejected.id, 'rejected');
    await atStage(s, org, withdrawn.id, 'withdrawn');
    // An idempotent request leaves a remembered response.
    const idem = await s.api('POST', `/v1/applications/${active.id}/evaluations`, {
      token: org.hr.token,
      headers: { 'idempotency-key': `eval-${active.id}` },
      body: { ratings: { programming: 'good', systems: 'good', teamwork: 'good' }, recommendation: 'advance' },
    });
    expect(idem.status, JSON.stringify(idem.body)).toBe(200);
    const count = async (table: string) => (await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;
    const idempotencyBefore = await count('idempotency_keys');
    const eventsBefore = (
      await s.db.handle.rows<{ n: number }>(sql`
        select count(*)::int as n from webhook_events e
        where not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status = 'pending')`)
    )[0]!.n;
    expect(idempotencyBefore).toBeGreaterThan(0);

    // 181 days on: past the rejection's 180, not the withdrawal's 400.
    const asOf = new Date(Date.now() + 181 * DAY_MS);
    const first = await run(asOf);
    expect(first.erased.map((e) => e.applicationId)).toEqual([rejected.id]);
    expect(first.erased[0]).toMatchObject({ outcome: 'rejected' });
    expect(first).toMatchObject({ failed: [], idempotencyKeysPurged: idempotencyBefore, webhookEventsPurged: eventsBefore, more: false });
    expect(first.finishedAt).not.toBeNull();

    // Through the erasure path: personal fields gone, data key destroyed; the others untouched.
    expect(foundIn(await rowsText(rejected.id), [rejected.name, rejected.email])).toEqual([]);
    expect((await s.api('GET', `/v1/applications/${rejected.id}`, { token: org.hr.token })).body).toMatchObject({ stage: 'erased', candidate: null });
    const [key] = await s.db.handle.rows<{ wrapped_key: string | null }>(sql`select wrapped_key from data_keys where application_id = ${rejected.id}`);
    expect(key).toEqual({ wrapped_key: null });
    expect(foundIn(await rowsText(withdrawn.id), [withdrawn.name, withdrawn.email])).toEqual([withdrawn.name, withdrawn.email]);
    expect(foundIn(await rowsText(active.id), [active.name, active.email])).toEqual([active.name, active.email]);
    expect((await s.api('GET', `/v1/applications/${active.id}`, { token: org.hr.token })).body.stage).not.toBe('erased');
    expect(await count('idempotency_keys')).toBe(0);

    // A second run as of the same day has nothing left to do.
    const second = await run(asOf);
    expect(second).toMatchObject({ erased: [], failed: [], idempotencyKeysPurged: 0, webhookEventsPurged: 0 });
    expect(foundIn(await rowsText(withdrawn.id), [withdrawn.name])).toEqual([withdrawn.name]);

    // 401 days on: the withdrawal's turn; the active application is still kept.
    const third = await run(new Date(Date.now() + 401 * DAY_MS));
    expect(third.erased.map((e) => e.applicationId)).toEqual([withdrawn.id]);
    expect(foundIn(await rowsText(withdrawn.id), [withdrawn.name, withdrawn.email])).toEqual([]);
    expect(foundIn(await rowsText(active.id), [active.name])).toEqual([active.name]);

    // The report, for admins only, newest first, paginated.
    const page1 = await s.api('GET', '/v1/privacy/retention-runs?limit=2');
    expect(page1.status, JSON.stringify(page1.body)).toBe(200);
    expect(page1.body.items.map((r: { runKey: string }) => r.runKey)).toEqual([third.runKey, second.runKey]);
    const page2 = await s.api('GET', `/v1/privacy/retention-runs?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ items: [{ runKey: first.runKey, erased: [{ applicationId: rejected.id, outcome: 'rejected' }] }], nextCursor: null });
    expect(foundIn(JSON.stringify([page1.body, page2.body]), [rejected.name, rejected.email, withdrawn.name])).toEqual([]);
    expect((await s.api('GET', '/v1/privacy/retention-runs', { token: org.hr.token })).status).toBe(403);
    expect((await s.api('GET', '/v1/privacy/retention-runs', { token: null })).status).toBe(401);
    for (const q of ['limit=0', 'limit=201', 'cursor=nonsense']) {
      expect((await s.api('GET', `/v1/privacy/retention-runs?${q}`)).status, q).toBe(400);
    }
  });

  it('the Schedule is made idempotently (create, then update) and, triggered, runs retention on the worker', { timeout: 120_000 }, async () => {
    const scheduleId = `privacy-retention-test-${randomUUID()}`;
    try {
      expect(await ensureRetentionSchedule(s.temporal, s.config, scheduleId)).toBe('created');
      expect(await ensureRetentionSchedule(s.temporal, s.config, scheduleId)).toBe('updated');
      const handle = s.temporal.schedule.getHandle(scheduleId);
      const d = await handle.describe();
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: s.config.TEMPORAL_TASK_QUEUE });
      expect(d.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 17, end: 17, step: 1 }] })]);
      await handle.trigger();
      // Run by today's clock: nothing here ended 180 days ago.
      const [row] = await eventually(async () => {
        const rows = await s.db.handle.rows<{ erased: unknown[]; finished_at: unknown }>(sql`
          select erased, finished_at from retention_runs where run_key like ${`${scheduleId}%`} and finished_at is not null`);
        return rows.length ? rows : null;
      }, 60_000);
      expect(row!.erased).toEqual([]);
    } finally {
      await s.temporal.schedule.getHandle(scheduleId).delete().catch(() => {});
    }
  });
});
