/**
 * PostgreSQL unreachable, through a real TCP proxy taken down (both found by the
 * database-outage fault test with actions in flight):
 * - data keys: a worker whose codec could not look a key up failed for good. A recently
 *   used key is now still served; an unknown one fails at once for the API (which answers
 *   503) and is waited for by a worker until the database is back;
 * - the API: requests queued behind the driver's reconnect attempts answered only after the
 *   outage. The breaker answers 503 with Retry-After at once and closes when the server is back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildServer } from '../../api/server';
import { isDatabaseUnreachable, openDb, type DbHandle } from '../../db/client';
import { DataKeys } from '../../privacy/data-keys';
import { TcpProxy } from '../../scripts/harness/chaos';
import { eventually } from '../../scripts/harness/wait';
import { loadConfig, type TPayloadKeys } from '../../temporal.config';
import { createTestDb, type TestDb } from '../helpers/db';

const ring: TPayloadKeys = { activeId: 'k1', keys: new Map([['k1', randomBytes(32)]]) };

let tdb: TestDb;
let proxy: TcpProxy;
let viaProxy: DbHandle;
let proxiedUrl: string;
/** Statements sent through the proxied handle (to see a lookup being retried). */
let calls = 0;

beforeAll(async () => {
  tdb = await createTestDb('hwe_data_keys_outage');
  const u = new URL(tdb.url);
  proxy = new TcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
  await proxy.up(0);
  u.port = String(proxy.port);
  proxiedUrl = u.toString();
  const handle = await openDb({ databaseUrl: u.toString(), dataDir: '.test-data', poolSize: 2, connectTimeoutSeconds: 2 });
  viaProxy = {
    ...handle,
    rows: (q) => {
      calls++;
      return handle.rows(q);
    },
  };
});

afterAll(async () => {
  await proxy?.up();
  await viaProxy?.close();
  await tdb?.drop();
});

describe('data keys with the database down', () => {
  it('serves a recently used key past its cache time, fails at once for an unknown one, and a worker waits for the database', async () => {
    const known = randomUUID();
    const unknown = randomUUID();
    const later = randomUUID();
    // cacheMs 0: every lookup asks the database, so only the stale fallback can answer below.
    const api = new DataKeys(viaProxy, ring, { cacheMs: 0 });
    const worker = new DataKeys(viaProxy, ring, { cacheMs: 0, waitForDatabaseMs: 60_000 });
    const key = await api.forEncrypt(known);
    expect(await api.forDecrypt(known)).toEqual(key);

    let waiting: Promise<Buffer> | undefined;
    await proxy.down();
    try {
      expect(await api.forDecrypt(known)).toEqual(key);
      expect(await api.forEncrypt(known)).toEqual(key);
      const refused = await api.forEncrypt(unknown).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isDatabaseUnreachable(refused), String(refused)).toBe(true);

      const before = calls;
      waiting = worker.forEncrypt(later);
      // The worker retries (more than one statement tried) rather than failing...
      await eventually(async () => calls >= before + 2, 20_000);
    } finally {
      await proxy.up();
    }
    // ...and gets the key once the database is back, the same one every process reads.
    const waited = await waiting;
    expect(await new DataKeys(tdb.handle, ring).forDecrypt(later)).toEqual(waited);
    // Nothing was made for the application whose lookup failed.
    expect(await tdb.handle.rows(sqlCount(unknown))).toEqual([{ n: 0 }]);
  }, 60_000);
});

const sqlCount = (applicationId: string) => sql`select count(*)::int as n from data_keys where application_id = ${applicationId}`;

describe('the API with the database down', () => {
  it('answers 503 with Retry-After at once while the database is unreachable, keeps /healthz, and recovers by itself', async () => {
    const adminToken = `admin_${randomBytes(24).toString('hex')}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: proxiedUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      ADMIN_TOKEN: adminToken,
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
    const app = await buildServer({ config, db: viaProxy, temporal: new Client({ connection }), logger: false });
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${adminToken}` } });
    try {
      expect((await get('/v1/jobs')).statusCode).toBe(200);
      await proxy.down();
      try {
        // The first requests find the database gone (however long the driver takes to say so)...
        const first = await Promise.all(Array.from({ length: 20 }, () => get('/v1/applications')));
        expect(new Set(first.map((r) => r.statusCode))).toEqual(new Set([503]));
        // ...and from then on the breaker answers, while the database is still down.
        const next = await get('/v1/jobs');
        expect(next.statusCode).toBe(503);
        expect(next.headers['retry-after']).toBe('1');
        expect(next.json()).toMatchObject({ error: { code: 'unavailable', message: 'the database is unreachable; try again shortly' } });
        expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      } finally {
        await proxy.up();
      }
      await eventually(async () => (await get('/v1/jobs')).statusCode === 200, 20_000);
    } finally {
      await app.close();
      await connection.close();
    }
  }, 60_000);
});
