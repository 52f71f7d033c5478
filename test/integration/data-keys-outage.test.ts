/**
 * Data keys while PostgreSQL is unreachable (found by the database-outage fault test: a
 * worker whose codec could not look a key up failed for good). Through a real TCP proxy
 * taken down: a recently used key is still served; an unknown one fails at once for the
 * API (which answers 503) and is waited for by a worker until the database is back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnreachable, openDb, type DbHandle } from '../../db/client';
import { DataKeys } from '../../privacy/data-keys';
import { TcpProxy } from '../../scripts/harness/chaos';
import { eventually } from '../../scripts/harness/wait';
import type { TPayloadKeys } from '../../temporal.config';
import { createTestDb, type TestDb } from '../helpers/db';

const ring: TPayloadKeys = { activeId: 'k1', keys: new Map([['k1', randomBytes(32)]]) };

let tdb: TestDb;
let proxy: TcpProxy;
let viaProxy: DbHandle;
/** Statements sent through the proxied handle (to see a lookup being retried). */
let calls = 0;

beforeAll(async () => {
  tdb = await createTestDb('hwe_data_keys_outage');
  const u = new URL(tdb.url);
  proxy = new TcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
  await proxy.up(0);
  u.port = String(proxy.port);
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
