/**
 * POST /v1/applications checks a key it has seen in the last minute inside its one
 * statement instead of looking it up first (api/auth.ts, authenticateCheckedInWrite). Two
 * replicas on one database: whatever one does to a key or its user (revoke, expire,
 * deactivate, a role taken or given) holds on the other at its next request, with the same
 * answer as before the cache and nothing written; only the hot path's lookup is gone.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import { openDb, type DbHandle } from '../../db/client';
import { application, createOrg, createUser, type Org } from '../helpers/org';
import { eventually, replicaConfig, startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;
let a: FastifyInstance;
let b: FastifyInstance;
/** Replica b's own pool, whose statements are counted. */
let bDb: DbHandle;
let keyLookups = 0;
/** Replica b's submission statements: with a key for the statement to check ($4), or without. */
const submissions = { checked: 0, unchecked: 0 };

async function replica(db: DbHandle): Promise<FastifyInstance> {
  const app = await buildServer({ config: replicaConfig(s), db, temporal: s.temporal, logger: false });
  await app.ready();
  return app;
}

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  bDb = await openDb({ databaseUrl: s.config.DATABASE_URL!, dataDir: s.config.DATA_DIR, poolSize: 2 });
  (bDb.db as unknown as { $client: Sql }).$client.options.debug = (_c: number, query: string, params: unknown[]) => {
    if (/from "api_keys"/.test(query) && /"key_hash"/.test(query)) keyLookups += 1;
    if (query.includes('with key_check as')) submissions[params[3] == null ? 'unchecked' : 'checked'] += 1;
  };
  a = await replica(s.db.handle);
  b = await replica(bDb);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await bDb?.close();
  await s?.stop();
});

const submit = (app: FastifyInstance, token: string, body: unknown) =>
  app.inject({ method: 'POST', url: '/v1/applications', headers: { authorization: `Bearer ${token}` }, payload: body as object });

const body = (over: Record<string, unknown> = {}) => application(org.jobId, 'strong', { externalId: `ext-${randomUUID()}`, ...over });

async function rowsFor(externalId: string): Promise<number> {
  const [r] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from applications where external_id = ${externalId}`);
  return r!.n;
}

/** A fresh integrator whose key replica b has just seen (one 202 through b). */
async function warmIntegrator(name: string) {
  const user = await createUser(s, { name, roles: ['integrator'] });
  const first = await submit(b, user.token, body());
  expect(first.statusCode, first.body).toBe(202);
  const [key] = await s.db.handle.rows<{ id: string }>(sql`select id from api_keys where user_id = ${user.id}`);
  return { ...user, keyId: key!.id };
}

/** The failed-authentication audit rows of a key, newest first. */
async function refusals(keyId: string) {
  return s.db.handle.rows<{ reason: string; route: string }>(
    sql`select changes->>'reason' as reason, changes->>'route' as route from audit_log where action = 'auth.failed' and api_key_id = ${keyId} order by at desc`,
  );
}

describe('a key seen in the last minute', () => {
  it('is not looked up again: the submission is one statement, and still answers 202', async () => {
    const user = await createUser(s, { name: 'Cached Carla', roles: ['integrator'] });
    const before = keyLookups;
    expect((await submit(b, user.token, body())).statusCode).toBe(202);
    expect(keyLookups - before).toBe(1);
    const checkedBefore = submissions.checked;
    for (let i = 0; i < 3; i++) expect((await submit(b, user.token, body())).statusCode).toBe(202);
    expect(keyLookups - before).toBe(1);
    expect(submissions.checked - checkedBefore).toBe(3);
    // Other routes look the key up every time, as before.
    const me = await b.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${user.token}` } });
    expect(me.statusCode).toBe(200);
    expect(keyLookups - before).toBe(2);
  });

  it('requests that arrive while the key is being looked up share that lookup', async () => {
    const user = await createUser(s, { name: 'Busy Bea', roles: ['integrator'] });
    const before = { lookups: keyLookups, ...submissions };
    const answers = await Promise.all(Array.from({ length: 12 }, () => submit(b, user.token, body())));
    expect(answers.map((r) => r.statusCode)).toEqual(Array.from({ length: 12 }, () => 202));
    expect(keyLookups - before.lookups).toBe(1);
    // The row they shared was read before they arrived: their writes check the key, as from the cache.
    expect(submissions.unchecked - before.unchecked).toBe(1);
    expect(submissions.checked - before.checked).toBe(11);
  });

  it('revoked through one replica: the next submission through the other is a 401, audited as revoked, and writes nothing', async () => {
    const user = await warmIntegrator('Revoked Rita');
    const revoke = await a.inject({ method: 'DELETE', url: `/v1/api-keys/${user.keyId}`, headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(revoke.statusCode, revoke.body).toBeLessThan(300);
    const sent = body();
    const r = await submit(b, user.token, sent);
    expect(r.statusCode, r.body).toBe(401);
    expect(r.json().error.code).toBe('unauthorized');
    expect(await rowsFor(sent.externalId!)).toBe(0);
    await eventually(async () => (await refusals(user.keyId))[0]?.reason === 'revoked');
    expect((await refusals(user.keyId))[0]).toEqual({ reason: 'revoked', route: 'POST /v1/applications' });
    // And the next one too (the replica forgot its copy and looks the key up).
    expect((await submit(b, user.token, body())).statusCode).toBe(401);
  });

  it('expired, or its user deactivated: 401 at the next submission, nothing written', async () => {
    const expiring = await warmIntegrator('Expiring Erin');
    await s.db.handle.rows(sql`update api_keys set expires_at = now() - interval '1 second' where id = ${expiring.keyId}`);
    const e = body();
    expect((await submit(b, expiring.token, e)).statusCode).toBe(401);
    expect(await rowsFor(e.externalId!)).toBe(0);

    const leaving = await warmIntegrator('Leaving Leo');
    await s.db.handle.rows(sql`update users set active = false where id = ${leaving.id}`);
    const l = body();
    expect((await submit(b, leaving.token, l)).statusCode).toBe(401);
    expect(await rowsFor(l.externalId!)).toBe(0);
    await eventually(async () => (await refusals(leaving.keyId))[0]?.reason === 'user_deactivated');
  });

  it('a role taken away is a 403 at the next submission with nothing written; given back, a 202 at once', async () => {
    const user = await warmIntegrator('Shifting Sam');
    await s.db.handle.rows(sql`update users set roles = array['hiring_manager'] where id = ${user.id}`);
    const sent = body();
    const r = await submit(b, user.token, sent);
    expect(r.statusCode, r.body).toBe(403);
    expect(r.json().error.code).toBe('forbidden');
    expect(await rowsFor(sent.externalId!)).toBe(0);
    await s.db.handle.rows(sql`update users set roles = array['integrator'] where id = ${user.id}`);
    const again = await submit(b, user.token, sent);
    expect(again.statusCode, again.body).toBe(202);
    expect(await rowsFor(sent.externalId!)).toBe(1);
  });

  it('a role given is honoured at the next submission, though the replica saw the key without it', async () => {
    const user = await createUser(s, { name: 'Promoted Pia', roles: ['hiring_manager'] });
    expect((await submit(b, user.token, body())).statusCode).toBe(403);
    await s.db.handle.rows(sql`update users set roles = array['hiring_manager', 'integrator'] where id = ${user.id}`);
    expect((await submit(b, user.token, body())).statusCode).toBe(202);
  });

  it('once the key no longer holds, a bad body, an unknown job or a repeat is a 401 too, not a 400, 404 or 200', async () => {
    const user = await warmIntegrator('Probing Pat');
    const earlier = body();
    expect((await submit(b, user.token, earlier)).statusCode).toBe(202);
    await s.db.handle.rows(sql`update api_keys set revoked_at = now() where id = ${user.keyId}`);
    const bad = await submit(b, user.token, { ...body(), candidate: { name: '', email: 'not-an-email' } });
    expect(bad.statusCode, bad.body).toBe(401);
    // Each refusal drops the replica's copy; seen again, the key would be looked up. Warm a new one per probe.
    const u2 = await warmIntegrator('Probing Pat 2');
    await s.db.handle.rows(sql`update api_keys set revoked_at = now() where id = ${u2.keyId}`);
    const unknownJob = await submit(b, u2.token, body({ jobId: randomUUID() }));
    expect(unknownJob.statusCode, unknownJob.body).toBe(401);
    const u3 = await warmIntegrator('Probing Pat 3');
    const first = body();
    expect((await submit(b, u3.token, first)).statusCode).toBe(202);
    await s.db.handle.rows(sql`update api_keys set revoked_at = now() where id = ${u3.keyId}`);
    const repeat = await submit(b, u3.token, first);
    expect(repeat.statusCode, repeat.body).toBe(401);
    expect(await rowsFor(first.externalId!)).toBe(1);
  });

  it('with the key still valid, the same bad inputs answer as always', async () => {
    const user = await warmIntegrator('Careful Cleo');
    const bad = await submit(b, user.token, { ...body(), candidate: { name: '', email: 'not-an-email' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    const unknownJob = await submit(b, user.token, body({ jobId: randomUUID() }));
    expect(unknownJob.statusCode).toBe(404);
    const first = body();
    const created = await submit(b, user.token, first);
    expect(created.statusCode).toBe(202);
    const repeat = await submit(b, user.token, first);
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toEqual(created.json());
  });

  it("the audit row of a submission names the key's user as they are now", async () => {
    const user = await warmIntegrator('Old Name');
    await s.db.handle.rows(sql`update users set name = 'New Name' where id = ${user.id}`);
    const r = await submit(b, user.token, body());
    expect(r.statusCode).toBe(202);
    const id = r.json().id as string;
    await eventually(async () => {
      const rows = await s.db.handle.rows<{ name: string }>(
        sql`select actor_name as name from audit_log where action = 'POST /v1/applications' and target_id = ${id}`,
      );
      return rows[0]?.name === 'New Name';
    });
  });
});
