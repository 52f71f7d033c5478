/**
 * POST /v1/applications/batch on the real stack (PostgreSQL, Temporal, a worker): one
 * result per item, idempotent per externalId, invalid items named field by field while
 * the others go through, and nothing stored for what was refused.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { buildServer } from '../../api/server';
import { applications } from '../../db/schema';
import { application, createOrg, JOB, type Org } from '../helpers/org';
import { eventually, startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;

const item = (externalId: string, over: Record<string, unknown> = {}) => ({ ...application(org.jobId, 'average'), externalId, ...over });
const batch = (items: unknown[], token = org.integrator.token) => s.api('POST', '/v1/applications/batch', { token, body: { items } });
const count = async (externalIds: string[]) =>
  (await s.db.handle.db.select({ id: applications.id }).from(applications).where(inArray(applications.externalId, externalIds))).length;

beforeAll(async () => {
  // A small ordinary body limit, so the 500-item case shows the batch route's own, larger one.
  s = await startStack({ env: { BODY_LIMIT_BYTES: String(256 * 1024) } });
  org = await createOrg(s);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

describe('POST /v1/applications/batch: happy', () => {
  it('creates each item and starts its workflow; the same batch again creates nothing twice', async () => {
    const ids = [`ats-${randomUUID()}`, `ats-${randomUUID()}`, `ats-${randomUUID()}`];
    const res = await batch(ids.map((x) => item(x)));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results).toEqual(
      ids.map((_, index) => ({ index, status: 'created', id: expect.any(String), workflowId: expect.stringMatching(/^application-/), stage: 'received' })),
    );
    // Each workflow runs: the application moves on from received.
    for (const r of res.body.results) {
      await eventually(async () => {
        const st = await s.api('GET', `/v1/applications/${r.id}`, { token: org.hr.token });
        return st.status === 200 && st.body.stage !== 'received';
      });
    }
    const again = await batch(ids.map((x) => item(x)));
    expect(again.status).toBe(200);
    expect(again.body.results.map((r: { status: string; id: string }) => [r.status, r.id])).toEqual(
      res.body.results.map((r: { id: string }) => ['existing', r.id]),
    );
    expect(await count(ids)).toBe(3);
  });

  it('more items than are started at once: every row, its answers, its payload key and its workflow', async () => {
    const ids = Array.from({ length: 45 }, () => `ats-many-${randomUUID()}`);
    const res = await batch(ids.map((x) => item(x)));
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
    const results = res.body.results as { index: number; status: string; id: string }[];
    expect(results.map((r) => [r.index, r.status])).toEqual(ids.map((_, i) => [i, 'created']));
    const created = results.map((r) => r.id);
    expect(new Set(created).size).toBe(ids.length);
    const idList = sql.join(created.map((id) => sql`${id}::uuid`), sql`, `);
    const [stored] = await s.db.handle.rows<{ apps: number; answers: number; keys: number }>(sql`
      select (select count(*)::int from applications where id in (${idList})) as apps,
             (select count(distinct application_id)::int from interview_answers where application_id in (${idList})) as answers,
             (select count(*)::int from data_keys where application_id in (${idList}) and wrapped_key is not null) as keys`);
    expect(stored).toEqual({ apps: ids.length, answers: ids.length, keys: ids.length });
    // Each row's externalId is its own item's.
    const rows = await s.db.handle.db.select({ id: applications.id, externalId: applications.externalId }).from(applications).where(inArray(applications.externalId, ids));
    expect(new Map(rows.map((r) => [r.externalId, r.id]))).toEqual(new Map(ids.map((x, i) => [x, created[i]])));
    // Every workflow started and runs on (the status is the workflow's query).
    await eventually(async () => {
      const moved = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from applications where id in (${idList}) and stage <> 'received'`);
      return moved[0]!.n === ids.length;
    }, 120_000);
    const st = await s.api('GET', `/v1/applications/${created[44]}`, { token: org.hr.token });
    expect(st.status).toBe(200);
    expect(st.body.externalId).toBe(ids[44]);
  });

  it('a single POST /v1/applications and a batch share the externalId: either one sees the other', async () => {
    const x = `ats-${randomUUID()}`;
    const single = await s.api('POST', '/v1/applications', { token: org.integrator.token, body: item(x) });
    expect(single.status).toBe(202);
    const res = await batch([item(x), item(x, { candidate: { name: 'Someone Else', email: 'else@c.example.com', locale: 'en' } })]);
    expect(res.body.results).toEqual([
      { index: 0, status: 'existing', id: single.body.id, workflowId: single.body.workflowId, stage: expect.any(String) },
      { index: 1, status: 'conflict', id: single.body.id, error: expect.objectContaining({ code: 'conflict', message: expect.stringContaining('different application') }) },
    ]);
  });
});

describe('POST /v1/applications/batch: errors per item', () => {
  it('invalid items are named field by field, the valid ones go through, nothing is stored for the refused', async () => {
    const good = `ats-${randomUUID()}`;
    const noExt = item('x');
    delete (noExt as { externalId?: string }).externalId;
    const badEmail = `ats-${randomUUID()}`;
    const unknownJob = `ats-${randomUUID()}`;
    const res = await batch([
      item(good),
      noExt,
      item(badEmail, { candidate: { name: 'A', email: 'not-an-email', locale: 'en' } }),
      item(unknownJob, { jobId: randomUUID() }),
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [ok, missing, email, job] = res.body.results;
    expect(ok).toMatchObject({ index: 0, status: 'created' });
    expect(missing).toMatchObject({ index: 1, status: 'invalid', error: { code: 'validation_failed', details: [expect.objectContaining({ path: 'externalId' })] } });
    expect(email).toMatchObject({ index: 2, status: 'invalid', error: { details: [expect.objectContaining({ path: 'candidate.email' })] } });
    expect(job).toMatchObject({ index: 3, status: 'invalid', error: { details: [expect.objectContaining({ path: 'jobId', message: 'job not found' })] } });
    expect(await count([good, badEmail, unknownJob])).toBe(1);
  });

  it('the same externalId twice in one batch: the same body is existing, another body a conflict', async () => {
    const x = `ats-${randomUUID()}`;
    const res = await batch([item(x), item(x), item(x, { interview: { ...application(org.jobId, 'strong').interview } })]);
    const [a, b, c] = res.body.results;
    expect(a).toMatchObject({ status: 'created' });
    expect(b).toMatchObject({ status: 'existing', id: a.id });
    expect(c).toMatchObject({ status: 'conflict', error: { message: expect.stringContaining('item 0') } });
    expect(await count([x])).toBe(1);
  });
});

describe('POST /v1/applications/batch: jobs and Temporal', () => {
  it('a closed job: its new items are conflicts (job_closed), an item sent before it closed is existing', async () => {
    const job = await s.api('POST', '/v1/jobs', { token: org.hr.token, body: { ...JOB(org.departmentId), title: 'Closing Batch' } });
    expect(job.status).toBe(201);
    const early = `ats-${randomUUID()}`;
    const first = await batch([item(early, { jobId: job.body.id })]);
    expect(first.body.results[0]).toMatchObject({ status: 'created' });
    expect((await s.api('PATCH', `/v1/jobs/${job.body.id}`, { token: org.hr.token, body: { status: 'closed' } })).status).toBe(200);
    const late = `ats-${randomUUID()}`;
    const open = `ats-${randomUUID()}`;
    const res = await batch([item(early, { jobId: job.body.id }), item(late, { jobId: job.body.id }), item(open)]);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { index: 0, status: 'existing', id: first.body.results[0].id, workflowId: first.body.results[0].workflowId, stage: expect.any(String) },
      { index: 1, status: 'conflict', error: expect.objectContaining({ code: 'job_closed' }) },
      expect.objectContaining({ index: 2, status: 'created' }),
    ]);
    expect(await count([late])).toBe(0);
    expect(await count([open])).toBe(1);
  });

  it('Temporal unreachable: every item answers unavailable and leaves nothing; sent again, every item is created', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const server = await buildServer({
      config: { ...s.config, TEMPORAL_RPC_TIMEOUT_MS: 1_000 },
      db: s.db.handle,
      temporal: new Client({ connection, namespace: s.config.TEMPORAL_NAMESPACE }),
      logger: false,
    });
    const ids = Array.from({ length: 3 }, () => `ats-down-${randomUUID()}`);
    try {
      await server.ready();
      const res = await server.inject({
        method: 'POST',
        url: '/v1/applications/batch',
        headers: { authorization: `Bearer ${org.integrator.token}` },
        payload: { items: ids.map((x) => item(x)) },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results).toEqual(ids.map((_, index) => ({ index, status: 'unavailable', error: expect.objectContaining({ code: 'unavailable' }) })));
      expect(await count(ids)).toBe(0);
      const [orphans] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from interview_answers where application_id not in (select id from applications)`);
      expect(orphans!.n).toBe(0);
    } finally {
      await server.close();
      await connection.close().catch(() => {});
    }
    const again = await batch(ids.map((x) => item(x)));
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created']);
    expect(await count(ids)).toBe(3);
  });
});

describe('POST /v1/applications/batch: refused as a whole', () => {
  it('400 for no items, more than 500, items that are not objects, or no body; nothing is stored', async () => {
    const before = (await s.db.handle.db.select({ id: applications.id }).from(applications)).length;
    const many = Array.from({ length: 501 }, (_, i) => ({ externalId: `too-many-${i}` }));
    for (const body of [{ items: [] }, { items: many }, { items: ['x', 1] }, {}, { items: 'all' }]) {
      const res = await s.api('POST', '/v1/applications/batch', { token: org.integrator.token, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await s.db.handle.db.select({ id: applications.id }).from(applications)).length).toBe(before);
  });

  it('401 without a token, 403 for roles that may not submit', async () => {
    expect((await s.api('POST', '/v1/applications/batch', { token: null, body: { items: [item('a')] } })).status).toBe(401);
    for (const token of [org.manager.token, org.it.token, org.gm.token]) {
      const res = await s.api('POST', '/v1/applications/batch', { token, body: { items: [item(`f-${randomUUID()}`)] } });
      expect(res.status).toBe(403);
    }
    const [row] = await s.db.handle.db.select().from(applications).where(eq(applications.externalId, 'a'));
    expect(row).toBeUndefined();
  });

  it('a body of 500 full items fits (above the ordinary body limit)', async () => {
    const items = Array.from({ length: 500 }, () => item(`big-${randomUUID()}`, { jobId: randomUUID() }));
    expect(JSON.stringify({ items }).length).toBeGreaterThan(s.config.BODY_LIMIT_BYTES);
    const res = await batch(items);
    expect(res.status).toBe(200);
    // An unknown job everywhere: 500 results, all invalid, nothing stored, no workflow started.
    expect(res.body.results).toHaveLength(500);
    expect(new Set(res.body.results.map((r: { status: string }) => r.status))).toEqual(new Set(['invalid']));
  });
});
