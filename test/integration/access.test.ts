/**
 * Who may do what, over HTTP against the live stack: 401 without valid credentials,
 * 403 for the wrong role (before the body is even read), 404 for what a caller may not
 * see, hashed tokens, the public operational routes, and readiness when a backing
 * service is down.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { buildServer } from '../../api/server';
import { openDb } from '../../db/client';
import { application, createOrg, createUser, JOB, type Org } from '../helpers/org';
import { eventually, startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;
/** An application in org.departmentId (Engineering), screened and waiting in evaluation. */
let app: { id: string; workflowId: string };

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  const res = await s.api('POST', '/v1/applications', {
    token: org.integrator.token,
    body: application(org.jobId, 'strong'),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  app = res.body;
  await eventually(async () => {
    const st = await s.api('GET', `/v1/applications/${app.id}`, { token: org.hr.token });
    return st.body.stage === 'evaluation';
  });
});
afterAll(async () => {
  await s?.stop();
});

async function count(table: string, where = sql`true`): Promise<number> {
  const rows = await s.db.handle.rows<{ n: number }>(
    sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`,
  );
  return rows[0]!.n;
}

type Method = 'GET' | 'POST' | 'PUT';
interface Call {
  method: Method;
  /** `:job` and `:app` stand for org.jobId and the application's id, filled in when the test runs. */
  path: string;
  body?: () => unknown;
}

const url = (path: string) => path.replace(':job', org.jobId).replace(':app', app.id);
const label = (c: { method: Method; path: string }) => `${c.method} ${c.path}`;

/** A representative route of each group, with a valid body where one is needed. */
const ROUTES: Call[] = [
  { method: 'GET', path: '/v1/me' },
  { method: 'GET', path: '/v1/users' },
  { method: 'POST', path: '/v1/users', body: () => ({ name: 'X', email: 'x@example.com', roles: ['hr'] }) },
  { method: 'POST', path: '/v1/departments', body: () => ({ name: 'X', managerUserId: org.manager.id }) },
  { method: 'GET', path: '/v1/settings' },
  { method: 'POST', path: '/v1/jobs', body: () => JOB(org.departmentId) },
  { method: 'GET', path: '/v1/jobs/:job' },
  { method: 'GET', path: '/v1/jobs/:job/ranking' },
  { method: 'GET', path: '/v1/jobs/:job/question-stats' },
  { method: 'POST', path: '/v1/applications', body: () => application(org.jobId, 'average') },
  { method: 'GET', path: '/v1/applications' },
  { method: 'GET', path: '/v1/applications/:app' },
  { method: 'GET', path: '/v1/applications/:app/report' },
  {
    method: 'POST',
    path: '/v1/applications/:app/discrepancies/x/resolution',
    body: () => ({ resolution: 'dismissed' }),
  },
  { method: 'POST', path: '/v1/applications/:app/withdraw', body: () => ({ reason: 'x' }) },
];

describe('401 without valid credentials', () => {
  const variants: { name: string; headers: () => Record<string, string> }[] = [
    { name: 'no Authorization header', headers: () => ({}) },
    {
      name: 'a Basic header',
      headers: () => ({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }),
    },
    { name: '"Bearer" with no token', headers: () => ({ authorization: 'Bearer' }) },
    { name: 'two tokens', headers: () => ({ authorization: `Bearer ${org.hr.token} ${org.hr.token}` }) },
    { name: 'an unknown token', headers: () => ({ authorization: `Bearer hwe_${'A'.repeat(43)}` }) },
    {
      name: 'a tampered token',
      headers: () => {
        const t = org.hr.token;
        const last = t.at(-1) === 'A' ? 'B' : 'A';
        return { authorization: `Bearer ${t.slice(0, -1)}${last}` };
      },
    },
    {
      name: "a user's token hash instead of the token",
      headers: () => ({ authorization: `Bearer ${sha256(org.hr.token)}` }),
    },
  ];

  for (const v of variants) {
    it.each(ROUTES.map((r) => [label(r), r] as const))(`${v.name}: %s -> 401`, async (_l, route) => {
      const res = await s.api(route.method, url(route.path), {
        token: null,
        headers: v.headers(),
        body: route.body?.(),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });
  }

  it('answers 401 before reading the body: no token and malformed JSON is still a 401', async () => {
    const res = await s.api('POST', '/v1/applications', {
      token: null,
      body: '{"jobId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('writes nothing for a refused caller', async () => {
    const before = await count('applications');
    const res = await s.api('POST', '/v1/applications', {
      token: 'nope-nope-nope',
      body: application(org.jobId, 'weak'),
    });
    expect(res.status).toBe(401);
    expect(await count('applications')).toBe(before);
  });
});

describe('403 for the wrong role', () => {
  const token = (who: keyof Org) => (org[who] as { token: string }).token;
  const cases: { who: keyof Org; method: Method; path: string; body: () => unknown }[] = [
    { who: 'integrator', method: 'POST', path: '/v1/jobs', body: () => JOB(org.departmentId) },
    { who: 'manager', method: 'POST', path: '/v1/jobs', body: () => JOB(org.departmentId) },
    {
      who: 'hr',
      method: 'POST',
      path: '/v1/users',
      body: () => ({ name: 'Y', email: 'y@example.com', roles: ['admin'] }),
    },
    {
      who: 'integrator',
      method: 'POST',
      path: '/v1/departments',
      body: () => ({ name: 'Z', managerUserId: org.manager.id }),
    },
    {
      who: 'hr',
      method: 'PUT',
      path: '/v1/settings',
      body: () => ({ companyName: 'Evil', companyAddress: 'x', generalManagerUserId: org.hr.id }),
    },
    {
      who: 'manager',
      method: 'POST',
      path: '/v1/applications',
      body: () => application(org.jobId, 'strong'),
    },
    { who: 'it', method: 'POST', path: '/v1/applications', body: () => application(org.jobId, 'strong') },
    {
      who: 'manager',
      method: 'POST',
      path: '/v1/applications/:app/discrepancies/claimed_skill_failed:python/resolution',
      body: () => ({ resolution: 'dismissed' }),
    },
    {
      who: 'integrator',
      method: 'POST',
      path: '/v1/applications/:app/discrepancies/claimed_skill_failed:python/resolution',
      body: () => ({ resolution: 'dismissed' }),
    },
    {
      who: 'manager',
      method: 'POST',
      path: '/v1/applications/:app/withdraw',
      body: () => ({ reason: 'no' }),
    },
    { who: 'it', method: 'GET', path: '/v1/applications', body: () => undefined },
    { who: 'gm', method: 'GET', path: '/v1/applications', body: () => undefined },
    { who: 'integrator', method: 'GET', path: '/v1/jobs/:job/ranking', body: () => undefined },
    { who: 'it', method: 'GET', path: '/v1/jobs/:job/ranking', body: () => undefined },
    { who: 'integrator', method: 'GET', path: '/v1/jobs/:job/question-stats', body: () => undefined },
    { who: 'manager', method: 'GET', path: '/v1/users', body: () => undefined },
  ];

  it.each(cases.map((c) => [c.who, label(c), c] as const))('%s: %s -> 403 forbidden', async (_who, _l, c) => {
    const res = await s.api(c.method, url(c.path), { token: token(c.who), body: c.body() });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it.each(cases.filter((c) => c.method !== 'GET').map((c) => [c.who, label(c), c] as const))(
    '%s: %s with a bad body is still 403 (roles are checked before the body)',
    async (_who, _l, c) => {
      const bad = await s.api(c.method, url(c.path), {
        token: token(c.who),
        body: { nonsense: true, weight: -1 },
      });
      expect(bad.status, JSON.stringify(bad.body)).toBe(403);
      expect(bad.body.error.code).toBe('forbidden');
      const malformed = await s.api(c.method, url(c.path), {
        token: token(c.who),
        body: '{"oops":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status, JSON.stringify(malformed.body)).toBe(403);
    },
  );

  it('a refused write leaves nothing behind', async () => {
    const jobs = await count('jobs');
    const apps = await count('applications');
    expect(
      (await s.api('POST', '/v1/jobs', { token: org.integrator.token, body: JOB(org.departmentId) })).status,
    ).toBe(403);
    expect(
      (
        await s.api('POST', '/v1/applications', {
          token: org.manager.token,
          body: application(org.jobId, 'weak'),
        })
      ).status,
    ).toBe(403);
    expect(await count('jobs')).toBe(jobs);
    expect(await count('applications')).toBe(apps);
    const st = await s.api('GET', `/v1/applications/${app.id}`, { token: org.hr.token });
    expect(st.body.stage).toBe('evaluation');
  });

  it('the roles that may act do get through (the 403s above are about the role)', async () => {
    expect(
      (await s.api('POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.departmentId) })).status,
    ).toBe(201);
    expect((await s.api('GET', `/v1/jobs/${org.jobId}/ranking`, { token: org.manager.token })).status).toBe(
      200,
    );
    expect((await s.api('GET', '/v1/applications', { token: org.integrator.token })).status).toBe(200);
    expect((await s.api('GET', `/v1/applications/${app.id}`, { token: org.integrator.token })).status).toBe(
      200,
    );
  });
});

describe('department scoping', () => {
  const get = (url: string, token: string) => s.api('GET', url, { token });

  it('a hiring manager of another department gets 404 for the application, its report and its job ranking', async () => {
    const t = org.otherManager.token;
    for (const url of [
      `/v1/applications/${app.id}`,
      `/v1/applications/${app.id}/report`,
      `/v1/jobs/${org.jobId}/ranking`,
      `/v1/jobs/${org.jobId}/question-stats`,
    ]) {
      const res = await get(url, t);
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      // no hint that it exists: the same answer as for an id that does not
      const ghost = await get(url.replace(/[0-9a-f-]{36}/, crypto.randomUUID()), t);
      expect(ghost.status).toBe(404);
      expect(ghost.body.error.message).toBe(res.body.error.message);
    }
  });

  it("the department's own hiring manager sees them", async () => {
    const t = org.manager.token;
    const status = await get(`/v1/applications/${app.id}`, t);
    expect(status.status).toBe(200);
    expect(status.body.stage).toBe('evaluation');
    expect((await get(`/v1/applications/${app.id}/report`, t)).status).toBe(200);
    const ranking = await get(`/v1/jobs/${org.jobId}/ranking`, t);
    expect(ranking.status).toBe(200);
    expect(ranking.body.items.map((i: { id: string }) => i.id)).toContain(app.id);
  });

  it("lists never show another department's applications, even when asked by departmentId", async () => {
    const other = org.otherManager.token;
    for (const q of ['', `?departmentId=${org.departmentId}`, `?jobId=${org.jobId}`, `?stage=evaluation`]) {
      const res = await get(`/v1/applications${q}`, other);
      expect(res.status, q).toBe(200);
      expect(res.body.items, q).toEqual([]);
      expect(res.body.nextCursor).toBeNull();
    }
    const own = await get(`/v1/applications?departmentId=${org.departmentId}`, org.manager.token);
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: { id: string }) => i.id)).toContain(app.id);
    expect(own.body.items.every((i: { departmentId: string }) => i.departmentId === org.departmentId)).toBe(
      true,
    );
  });

  it('a hiring manager with no department sees no application', async () => {
    const loose = await createUser(s, { name: 'Lou Loose', roles: ['hiring_manager'] });
    expect((await get(`/v1/applications/${app.id}`, loose.token)).status).toBe(404);
    const list = await get('/v1/applications', loose.token);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    expect((await get(`/v1/jobs/${org.jobId}/ranking`, loose.token)).status).toBe(404);
  });

  it('staff without a role that sees applications get 404 for one (never a hint)', async () => {
    for (const who of [org.it, org.gm]) {
      const res = await get(`/v1/applications/${app.id}`, who.token);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('tokens', () => {
  it('ADMIN_TOKEN bootstraps an admin that can create users', async () => {
    const me = await s.api('GET', '/v1/me', { token: s.adminToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ roles: ['admin'], bootstrap: true });
    const user = await s.api('POST', '/v1/users', {
      token: s.adminToken,
      body: { name: 'Boot Strapped', email: `boot.${Date.now()}@example.com`, roles: ['admin'] },
    });
    expect(user.status).toBe(201);
    // and the token it got works on its own
    const again = await s.api('GET', '/v1/me', { token: user.body.token });
    expect(again.body).toMatchObject({ userId: user.body.id, roles: ['admin'], bootstrap: false });
  });

  it('stores only the SHA-256 of each token, never the token', async () => {
    const user = await createUser(s, { name: 'Hash Checked', roles: ['hr'] });
    // The token is the user's first API key: only its hash is kept, in api_keys.
    const [row] = await s.db.handle.rows<{ token_hash: string }>(
      sql`select key_hash as token_hash from api_keys where user_id = ${user.id}`,
    );
    expect(row!.token_hash).not.toBe(user.token);
    expect(row!.token_hash).toBe(sha256(user.token));
    expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(user.token.length).toBeGreaterThanOrEqual(40);
  });

  it('no plaintext token is left anywhere in the database, even after an idempotent user creation', async () => {
    const res = await s.api('POST', '/v1/users', {
      body: { name: 'Idem Token', email: `idem.token.${Date.now()}@example.com`, roles: ['hr'] },
      headers: { 'idempotency-key': `user-${crypto.randomUUID()}` },
    });
    expect(res.status).toBe(201);
    const token = res.body.token as string;
    const tables = await s.db.handle.rows<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const holding: string[] = [];
    for (const { table_name } of tables) {
      const t = sql.identifier(table_name);
      const [hit] = await s.db.handle.rows<{ n: number }>(
        sql`select count(*)::int as n from ${t} as x where position(${token} in x::text) > 0`,
      );
      if (hit!.n > 0) holding.push(table_name);
    }
    expect(holding, 'tables holding a plaintext API token').toEqual([]);
  });

  it('a token can be revoked by deleting its user row', async () => {
    const user = await createUser(s, { name: 'Gone Soon', roles: ['hr'] });
    expect((await s.api('GET', '/v1/me', { token: user.token })).status).toBe(200);
    await s.db.handle.rows(sql`delete from users where id = ${user.id}`);
    expect((await s.api('GET', '/v1/me', { token: user.token })).status).toBe(401);
  });
});

describe('public operational routes', () => {
  it('/healthz answers 200 without a token', async () => {
    const res = await s.api('GET', '/healthz', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when PostgreSQL and Temporal are up', async () => {
    const res = await s.api('GET', '/readyz', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', database: { ok: true }, temporal: { ok: true }, load: { ok: true } });
  });

  it('/openapi.json describes the API from the zod schemas', async () => {
    const res = await s.api('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/applications',
        '/v1/applications/{id}',
        '/v1/jobs',
        '/v1/jobs/{id}/ranking',
        '/v1/users',
      ]),
    );
    const post = doc.paths['/v1/applications'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['jobId', 'candidate', 'resume', 'interview']));
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['jobId', 'candidate', 'resume', 'interview']),
    );
    // the same bounds the validator applies
    expect(schema.properties.interview.properties.accuracy).toMatchObject({ minimum: 0, maximum: 1 });
    // Parameters shared by several operations are components, referenced by $ref.
    const param = (p: { name?: string; $ref?: string }) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()!].name : p.name);
    expect(doc.paths['/v1/jobs/{id}/ranking'].get.parameters.map(param)).toEqual(
      expect.arrayContaining(['id', 'limit', 'cursor']),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('/docs serves the API UI', async () => {
    let res = await s.api('GET', '/docs', { token: null });
    if (res.status === 301 || res.status === 302) {
      const location = String(res.headers.location);
      res = await s.api(
        'GET',
        location.startsWith('/') ? location : `/docs/${location.replace(/^\.\//, '')}`,
        { token: null },
      );
    }
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/html/);
  });

  it('an unknown route is a 404 in the error format', async () => {
    const res = await s.api('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('backing services down', () => {
  it('/readyz answers 503 naming the database when PostgreSQL is unreachable; routes answer 503, never 500', async () => {
    const deadDb = await openDb({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
      dataDir: '.test-data',
      connectTimeoutSeconds: 1,
    });
    const server = await buildServer({ config: s.config, db: deadDb, temporal: s.temporal, logger: false });
    try {
      await server.ready();
      const ready = await server.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(503);
      const body = ready.json();
      expect(body.status).toBe('unavailable');
      expect(body.database.ok).toBe(false);
      expect(body.database.error).toEqual(expect.any(String));
      expect(body.temporal).toEqual({ ok: true });

      expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      // a user token needs the database to be checked: 503, not 401 or 500
      const list = await server.inject({
        method: 'GET',
        url: '/v1/applications',
        headers: { authorization: `Bearer ${org.hr.token}` },
      });
      expect(list.statusCode, list.body).toBe(503);
      expect(list.json().error.code).toBe('unavailable');
      const admin = await server.inject({
        method: 'GET',
        url: '/v1/applications',
        headers: { authorization: `Bearer ${s.adminToken}` },
      });
      expect(admin.statusCode, admin.body).toBe(503);
    } finally {
      await server.close();
      await deadDb.close();
    }
  });

  it('/readyz answers 503 naming Temporal when it is unreachable; a submission answers 503 and leaves no row', async () => {
    // The default client retries an unreachable server for ~20 s; two attempts keep the test short.
    const connection = Connection.lazy({
      address: '127.0.0.1:1',
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }))],
    });
    const deadTemporal = new Client({ connection, namespace: s.config.TEMPORAL_NAMESPACE });
    const server = await buildServer({
      config: s.config,
      db: s.db.handle,
      temporal: deadTemporal,
      logger: false,
    });
    try {
      await server.ready();
      const ready = await server.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(503);
      const body = ready.json();
      expect(body.status).toBe('unavailable');
      expect(body.database).toEqual({ ok: true });
      expect(body.temporal.ok).toBe(false);

      const before = await count('applications');
      const submitted = await server.inject({
        method: 'POST',
        url: '/v1/applications',
        headers: { authorization: `Bearer ${org.integrator.token}` },
        payload: application(org.jobId, 'average', { externalId: 'temporal-down' }),
      });
      expect(submitted.statusCode, submitted.body).toBe(503);
      expect(submitted.json().error.code).toBe('unavailable');
      expect(await count('applications')).toBe(before);
      expect(await count('interview_answers', sql`application_id not in (select id from applications)`)).toBe(
        0,
      );
    } finally {
      await server.close();
      await connection.close().catch(() => {});
    }
  });
  it('with Temporal unreachable, reads and actions answer 503 at their deadline instead of waiting for it', { timeout: 20_000 }, async () => {
    // The production client as is (its retries would keep a request waiting ~20 s without the deadline).
    // An action's own deadline is two minutes: only finding Temporal unreachable answers it within the test's 20 s.
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const deadTemporal = new Client({ connection, namespace: s.config.TEMPORAL_NAMESPACE });
    const server = await buildServer({
      config: { ...s.config, TEMPORAL_RPC_TIMEOUT_MS: 1_000, TEMPORAL_UPDATE_TIMEOUT_MS: 120_000 },
      db: s.db.handle,
      temporal: deadTemporal,
      logger: false,
    });
    try {
      await server.ready();
      const headers = { authorization: `Bearer ${org.hr.token}` };
      const read = await server.inject({ method: 'GET', url: `/v1/applications/${app.id}`, headers });
      expect(read.statusCode, read.body).toBe(503);
      expect(read.json().error.code).toBe('unavailable');
      const key = `withdraw-dead-temporal-${app.id}`;
      const action = await server.inject({
        method: 'POST',
        url: `/v1/applications/${app.id}/withdraw`,
        headers: { ...headers, 'idempotency-key': key },
        payload: { reason: 'Temporal is down' },
      });
      expect(action.statusCode, action.body).toBe(503);
      // The 503 released its key, and the application is untouched.
      expect(await count('idempotency_keys', sql`key = ${key}`)).toBe(0);
      const status = await s.api('GET', `/v1/applications/${app.id}`, { token: org.hr.token });
      expect(status.body.stage).toBe('evaluation');
    } finally {
      await server.close();
      await connection.close().catch(() => {});
    }
  });
});

describe('Temporal slow, not down', () => {
  it('an action whose consequences take longer than TEMPORAL_RPC_TIMEOUT_MS waits for them (TEMPORAL_UPDATE_TIMEOUT_MS) and answers 200', { timeout: 120_000 }, async () => {
    const created = await s.api('POST', '/v1/applications', { token: org.integrator.token, body: application(org.jobId, 'strong') });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    await eventually(async () => (await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token })).body.stage === 'evaluation');
    const rpcMs = 1_000;
    const server = await buildServer({
      config: { ...s.config, TEMPORAL_RPC_TIMEOUT_MS: rpcMs, TEMPORAL_UPDATE_TIMEOUT_MS: 60_000 },
      db: s.db.handle,
      temporal: s.temporal,
      logger: false,
    });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // The evaluation's answer waits for its scores to be written to the application's row:
    // holding that row's lock holds the answer, with Temporal and the worker fully up.
    const holder = s.db.handle.db.transaction(async (tx) => {
      await tx.execute(sql`select id from applications where id = ${id} for update`);
      locked();
      await released;
    });
    try {
      await server.ready();
      await isLocked;
      let answered = false;
      const sentAt = Date.now();
      const evaluation = server
        .inject({
          method: 'POST',
          url: `/v1/applications/${id}/evaluations`,
          headers: { authorization: `Bearer ${org.hr.token}`, 'idempotency-key': `slow-${id}` },
          payload: { ratings: { programming: 'good', systems: 'good', teamwork: 'good' } },
        })
        .finally(() => (answered = true));
      // The Update reaches the workflow, and its scores activity waits on the lock.
      await eventually(async () => {
        const d = await s.temporal.workflow.getHandle(`application-${id}`).describe();
        return (d.raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'recordScores');
      }, 30_000);
      // Still waiting at three times the ordinary deadline: slowness is not a 503.
      await eventually(async () => answered || Date.now() - sentAt > 3 * rpcMs, 30_000);
      expect(answered, 'the action answered before its consequences were written').toBe(false);
      release();
      const res = await evaluation;
      expect(res.statusCode, res.body).toBe(200);
      const st = await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token });
      expect(st.body.evaluations).toEqual(expect.arrayContaining([expect.objectContaining({ ratings: { programming: 'good', systems: 'good', teamwork: 'good' } })]));
    } finally {
      release();
      await holder;
      await server.close();
    }
  });
});

describe('configuration', () => {
  function runApi(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const { DATABASE_URL: _d, PORT: _p, ADMIN_TOKEN: _a, LINK_SIGNING_SECRET: _l, PAYLOAD_KEYS: _k, ...inherited } = process.env;
      const child = spawn('npx', ['tsx', 'api/server.ts'], {
        env: { ...inherited, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`api/server.ts did not exit within 30 s; stderr: ${stderr}`));
      }, 30_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  it('a bad PORT stops the API with exit code 2 and a message naming PORT', async () => {
    const [port, noDb, noSecret] = await Promise.all([
      runApi({ PORT: 'notaport', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }),
      runApi({ PORT: '3999' }),
      runApi({ PORT: '3999', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', LINK_SIGNING_SECRET: '' }),
    ]);
    const noKeys = await runApi({ PORT: '3999', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', LINK_SIGNING_SECRET: 'x'.repeat(32) });
    // Temporal payloads must be encrypted, with a key every API replica and worker shares
    expect(noKeys.code, noKeys.stderr).toBe(2);
    expect(noKeys.stderr).toMatch(/^\s*PAYLOAD_KEYS: required/m);
    // candidate links must verify on every API replica and worker: the secret is required
    expect(noSecret.code, noSecret.stderr).toBe(2);
    expect(noSecret.stderr).toMatch(/^\s*LINK_SIGNING_SECRET: /m);
    expect(port.code, port.stderr).toBe(2);
    expect(port.stderr).toMatch(/^\s*PORT: /m);
    expect(port.stderr).not.toMatch(/DATABASE_URL/);
    // the API as its own process needs PostgreSQL
    expect(noDb.code, noDb.stderr).toBe(2);
    expect(noDb.stderr).toMatch(/^\s*DATABASE_URL: /m);
  }, 90_000);
});
