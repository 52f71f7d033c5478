/**
 * Pull sync: GET /v1/events (the webhook events, in order, by cursor, 30 days),
 * GET /v1/applications?updatedSince= and GET /v1/employees. Real PostgreSQL, the real
 * delivery activity records the events; rows are moved in time with SQL, never waited for.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookActivities, purgeExpiredEvents, type TEventType } from '../../activities/webhooks';
import { applications, employees, webhookDeliveries, webhookEvents, webhooks } from '../../db/schema';
import { SETTLE_MS } from '../../api/routes/events';
import { JOB, application } from '../helpers/org';
import { startRouteApp, type TRouteApp } from '../helpers/route-app';
import { eventually } from '../helpers/wait';

let ra: TRouteApp;
let integrator: { id: string; token: string };
let hr: { id: string; token: string };
let manager: { id: string; token: string };
let jobId: string;
let departmentId: string;

const db = () => ra.tdb.handle.db;
const activities = () =>
  createWebhookActivities({ db: ra.tdb.handle, config: ra.config, log: { info() {}, warn() {}, error() {} }, now: () => new Date() });

async function record(type: TEventType, applicationId: string | null = randomUUID(), data: Record<string, unknown> = {}) {
  return (await activities().deliverEvent({ key: `wf-${randomUUID()}:1`, applicationId, type, data, occurredAt: new Date().toISOString() })).eventId;
}

/** Moves every event recorded so far past the settle window, as if SETTLE_MS had gone by. */
const settle = () => db().update(webhookEvents).set({ recordedAt: sql`recorded_at - ${`${SETTLE_MS + 1000} milliseconds`}::interval` });

async function insertApplication(name: string) {
  const body = application(jobId, 'average', { candidate: { name, email: `${randomUUID()}@c.example.com`, locale: 'en' } });
  const id = randomUUID();
  await db().insert(applications).values({
    id,
    requestHash: 'x',
    jobId,
    departmentId,
    workflowId: `application-${id}`,
    candidateName: name,
    candidateEmail: body.candidate.email,
    locale: 'en',
    resume: body.resume,
    interview: body.interview,
    accuracy: body.interview.accuracy,
  });
  return id;
}

async function insertEmployee(name: string) {
  const applicationId = await insertApplication(name);
  const n = Math.floor(Math.random() * 1e9);
  const [row] = await db()
    .insert(employees)
    .values({
      applicationId,
      employeeNumber: `E${n}`,
      sequenceValue: n,
      name,
      email: `${n}@staff.example.com`,
      locale: 'en',
      departmentId,
      jobId,
      position: 'Engineer',
      startDate: '2027-01-04',
      offerVersion: 1,
    })
    .returning({ id: employees.id });
  return row!.id;
}

beforeAll(async () => {
  ra = await startRouteApp('hwe_sync');
  integrator = await ra.createUser(['integrator']);
  hr = await ra.createUser(['hr']);
  manager = await ra.createUser(['hiring_manager']);
  const dept = await ra.api('POST', '/v1/departments', { body: { name: 'Engineering', managerUserId: manager.id } });
  expect(dept.status, dept.text).toBe(201);
  departmentId = dept.body.id;
  const job = await ra.api('POST', '/v1/jobs', { body: JOB(departmentId) });
  expect(job.status, job.text).toBe(201);
  jobId = job.body.id;
});

afterAll(async () => {
  await ra?.close();
});

describe('GET /v1/events', () => {
  it('returns the webhook events in order with their webhook bodies, pages by cursor, and keeps its place when nothing is new', async () => {
    const app1 = randomUUID();
    const ids = [
      await record('application.received', app1, { jobId }),
      await record('application.stage_changed', app1, { from: 'received', to: 'screening' }),
      await record('employee.created', null, { employeeId: 'e1' }),
    ];
    // Inside the settle window nothing shows yet (a concurrent insert could still commit before them).
    const early = await ra.api('GET', '/v1/events', { token: integrator.token });
    expect(early.status, early.text).toBe(200);
    expect(early.body.items.map((e: { id: string }) => e.id)).not.toContain(ids[0]);
    await settle();

    const first = await ra.api('GET', '/v1/events?limit=2', { token: integrator.token });
    expect(first.status, first.text).toBe(200);
    expect(first.body.items.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.body.hasMore).toBe(true);
    expect(first.body.items[0]).toEqual({ id: ids[0], type: 'application.received', occurredAt: expect.any(String), applicationId: app1, data: { jobId } });
    const second = await ra.api('GET', `/v1/events?limit=2&after=${first.body.nextCursor}`, { token: integrator.token });
    expect(second.body.items.map((e: { id: string }) => e.id)).toEqual([ids[2]]);
    expect(second.body.hasMore).toBe(false);
    const empty = await ra.api('GET', `/v1/events?after=${second.body.nextCursor}`, { token: integrator.token });
    expect(empty.body).toEqual({ items: [], nextCursor: second.body.nextCursor, hasMore: false });

    // A later event appears after the cursor, once settled.
    const later = await record('offer.sent', app1, { version: 1 });
    await settle();
    const next = await ra.api('GET', `/v1/events?after=${second.body.nextCursor}`);
    expect(next.body.items.map((e: { id: string }) => e.id)).toEqual([later]);
  });

  it('an offer event carries its salary to an admin only: an integrator pulls it without, as an unscoped webhook gets it', async () => {
    const app1 = randomUUID();
    const salary = { amount: 412_345, currency: 'CNY', period: 'year' };
    const id = await record('offer.sent', app1, { version: 1, salary, position: 'Backend Engineer' });
    await settle();
    const find = async (token: string) => {
      const page = await ra.api('GET', '/v1/events?types=offer.sent&limit=200', { token });
      expect(page.status, page.text).toBe(200);
      return page.body.items.find((e: { id: string }) => e.id === id) as { data: Record<string, unknown> };
    };
    expect((await find(integrator.token)).data).toEqual({ version: 1, position: 'Backend Engineer' });
    expect((await find(ra.adminToken)).data).toEqual({ version: 1, salary, position: 'Backend Engineer' });
  });

  it('the same body a webhook receives, byte for byte once parsed; pings are never listed', async () => {
    const id = await record('offer.accepted', randomUUID(), { version: 2, nested: { a: [1, 2] } });
    await db().insert(webhookEvents).values({ key: `ping:${randomUUID()}`, type: 'ping', payload: {}, occurredAt: new Date(), applicationId: null });
    await settle();
    const all = await ra.api('GET', '/v1/events?limit=200');
    const types = all.body.items.map((e: { type: string }) => e.type);
    expect(types).not.toContain('ping');
    const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, id));
    const { webhookBody } = await import('../../activities/webhooks');
    expect(all.body.items.find((e: { id: string }) => e.id === id)).toEqual(JSON.parse(webhookBody(row!).toString('utf8')));
  });

  it('types= keeps only those types, in order', async () => {
    const a = await record('onboarding.completed');
    await record('offer.viewed');
    const b = await record('onboarding.completed');
    await settle();
    const res = await ra.api('GET', '/v1/events?types=onboarding.completed,%20onboarding.completed&limit=200', { token: integrator.token });
    expect(res.status, res.text).toBe(200);
    const got = res.body.items.map((e: { id: string }) => e.id);
    expect(got.slice(-2)).toEqual([a, b]);
    expect(new Set(res.body.items.map((e: { type: string }) => e.type))).toEqual(new Set(['onboarding.completed']));
  });

  it('400 for an unknown type (named by position), a bad cursor or limit; 401/403 for the wrong caller', async () => {
    const bad = await ra.api('GET', '/v1/events?types=offer.sent,offer.nope', { token: integrator.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'querystring.types.1', message: expect.stringContaining('offer.nope') })]);
    for (const q of ['after=bogus', `after=${Buffer.from('{"s":-1}').toString('base64url')}`, 'limit=0', 'limit=201', 'limit=x']) {
      const res = await ra.api('GET', `/v1/events?${q}`, { token: integrator.token });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await ra.api('GET', '/v1/events', { token: hr.token })).status).toBe(403);
    expect((await ra.api('GET', '/v1/events', { token: manager.token })).status).toBe(403);
    expect((await ra.api('GET', '/v1/events', { token: null })).status).toBe(401);
  });

  it('purges events past the retention, except those an endpoint is still owed', async () => {
    const old = await record('offer.expired');
    const kept = await record('offer.expired');
    const owed = await record('offer.expired');
    const [hook] = await db().insert(webhooks).values({ url: 'http://127.0.0.1:9/x', secret: 'purge-secret-0123456789', createdBy: integrator.id, active: false }).returning();
    await db().insert(webhookDeliveries).values({ eventId: owed, webhookId: hook!.id, status: 'pending' });
    await db()
      .update(webhookEvents)
      .set({ recordedAt: sql`now() - interval '31 days'` })
      .where(sql`${webhookEvents.id} in (${old}::uuid, ${owed}::uuid)`);
    await db().update(webhookEvents).set({ recordedAt: sql`now() - interval '29 days'` }).where(eq(webhookEvents.id, kept));
    const purged = await purgeExpiredEvents(ra.tdb.handle, 30);
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = (await db().select({ id: webhookEvents.id }).from(webhookEvents)).map((r) => r.id);
    expect(left).not.toContain(old);
    expect(left).toContain(kept);
    expect(left).toContain(owed);
  });
});

describe('GET /v1/applications?updatedSince=', () => {
  it('lists the applications changed since then, oldest change first, by cursor', async () => {
    const since = new Date().toISOString();
    const a = await insertApplication('Sync A');
    const b = await insertApplication('Sync B');
    const c = await insertApplication('Sync C');
    // A changes last.
    await db().update(applications).set({ stage: 'screening', updatedAt: sql`now() + interval '1 second'` }).where(eq(applications.id, a));
    const p1 = await ra.api('GET', `/v1/applications?updatedSince=${encodeURIComponent(since)}&limit=2`, { token: integrator.token });
    expect(p1.status, p1.text).toBe(200);
    expect(p1.body.items.map((r: { id: string }) => r.id)).toEqual([b, c]);
    const p2 = await ra.api('GET', `/v1/applications?updatedSince=${encodeURIComponent(since)}&limit=2&cursor=${p1.body.nextCursor}`, { token: integrator.token });
    expect(p2.body.items.map((r: { id: string }) => [r.id, (r as { stage?: string }).stage])).toEqual([[a, 'screening']]);
    expect(p2.body.nextCursor).toBeNull();
    const later = await ra.api('GET', `/v1/applications?updatedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: integrator.token });
    expect(later.body.items).toEqual([]);
  });

  it('rows changed in the same microsecond range are never skipped across pages', async () => {
    const since = new Date(Date.now() + 3_600_000).toISOString();
    const ids = [await insertApplication('Tie 1'), await insertApplication('Tie 2'), await insertApplication('Tie 3')];
    await db().update(applications).set({ updatedAt: sql`now() + interval '2 hours'` }).where(sql`${applications.id} in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await ra.api(
        'GET',
        `/v1/applications?updatedSince=${encodeURIComponent(since)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('the newest-first list keeps microseconds in its cursor: rows created in one millisecond are never skipped', async () => {
    const ids = [await insertApplication('Same ms 1'), await insertApplication('Same ms 2'), await insertApplication('Same ms 3')];
    // Three creation times a few microseconds apart, in one millisecond (as a batch makes them),
    // newer than any other row, so they fill the list's first pages.
    await db().execute(sql`
      update applications set created_at = date_trunc('milliseconds', now() + interval '1 day') + (x.n || ' microseconds')::interval
      from (select id, row_number() over (order by id) * 100 as n from applications where id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})) x
      where applications.id = x.id`);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 3; pages++) {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await ra.api(
        'GET',
        `/v1/applications?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    }
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('400 for a bad updatedSince or a cursor of the other order; nothing else changes', async () => {
    for (const q of ['updatedSince=yesterday', 'updatedSince=2026-13-01T00:00:00Z', `updatedSince=${encodeURIComponent(new Date().toISOString())}&cursor=${Buffer.from('{"t":"2026-01-01T00:00:00.000Z","id":"00000000-0000-0000-0000-000000000000"}').toString('base64url')}`]) {
      const res = await ra.api('GET', `/v1/applications?${q}`, { token: integrator.token });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('GET /v1/employees', () => {
  it('lists new hires by last change, with updatedSince and a cursor, for hr and integrators', async () => {
    const since = new Date().toISOString();
    const e1 = await insertEmployee('Nina New');
    const e2 = await insertEmployee('Omar Onboard');
    // e1 completes onboarding: its change is the latest.
    await db().update(employees).set({ status: 'active', hiredAt: sql`now()`, updatedAt: sql`now() + interval '1 second'` }).where(eq(employees.id, e1));
    const p1 = await ra.api('GET', `/v1/employees?updatedSince=${encodeURIComponent(since)}&limit=1`, { token: integrator.token });
    expect(p1.status, p1.text).toBe(200);
    expect(p1.body.items).toEqual([expect.objectContaining({ id: e2, name: 'Omar Onboard', status: 'onboarding', hiredAt: null, employeeNumber: expect.stringMatching(/^E/) })]);
    const p2 = await ra.api('GET', `/v1/employees?updatedSince=${encodeURIComponent(since)}&limit=1&cursor=${p1.body.nextCursor}`, { token: hr.token });
    expect(p2.body.items).toEqual([expect.objectContaining({ id: e1, status: 'active', hiredAt: expect.any(String) })]);
    expect(p2.body.nextCursor).toBeNull();
    const all = await ra.api('GET', '/v1/employees', { token: hr.token });
    expect(all.body.items.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining([e1, e2]));
  });

  it('400 for bad input, 403 for other roles, 401 without a token', async () => {
    for (const q of ['updatedSince=soon', 'limit=0', 'cursor=nope']) {
      const res = await ra.api('GET', `/v1/employees?${q}`, { token: hr.token });
      expect(res.status, q).toBe(400);
    }
    expect((await ra.api('GET', '/v1/employees', { token: manager.token })).status).toBe(403);
    expect((await ra.api('GET', '/v1/employees', { token: null })).status).toBe(401);
  });
});

describe('the events feed follows new events', () => {
  it('a poller with a cursor sees each event exactly once', async () => {
    let cursor: string | undefined;
    const drain = async () => {
      const got: string[] = [];
      for (;;) {
        const res = await ra.api('GET', `/v1/events?limit=50${cursor ? `&after=${cursor}` : ''}`, { token: integrator.token });
        got.push(...res.body.items.map((e: { id: string }) => e.id));
        cursor = res.body.nextCursor;
        if (!res.body.hasMore) return got;
      }
    };
    await settle();
    await drain();
    const fresh = [await record('offer.sent'), await record('offer.viewed')];
    const seen: string[] = [];
    await eventually(async () => {
      seen.push(...(await drain()));
      return seen.length >= fresh.length;
    }, SETTLE_MS + 10_000);
    // Once more after they showed: nothing is repeated.
    seen.push(...(await drain()));
    expect(seen).toEqual(fresh);
  });
});
