/**
 * The data-key cache of a long-running process (privacy/data-keys.ts): it holds the keys of
 * the last STALE_MS only, and each as 32 bytes of its own rather than a view on one of
 * Node's 8 KiB buffer pools (a worker's heap snapshot had 7.8 MiB for 1,000 cached keys).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKeys, STALE_MS } from '../../privacy/data-keys';
import type { TPayloadKeys } from '../../temporal.config';
import { createTestDb, type TestDb } from '../helpers/db';

const ring: TPayloadKeys = { activeId: 'k1', keys: new Map([['k1', randomBytes(32)]]) };
let tdb: TestDb;

beforeAll(async () => {
  tdb = await createTestDb('hwe_data_keys_cache');
});

afterAll(async () => {
  await tdb?.drop();
});

describe('the data-key cache', () => {
  it('drops keys past STALE_MS as new ones come in, and reads a dropped one again from the database', async () => {
    let now = 1_000_000;
    const keys = new DataKeys(tdb.handle, ring, { now: () => now });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const keyA = await keys.forEncrypt(a);
    now += 60_000;
    await keys.forEncrypt(b);
    expect(keys.cachedKeys).toBe(2);
    // a is past STALE_MS, b is not: c's arrival sweeps a only.
    now += STALE_MS - 30_000;
    await keys.forEncrypt(c);
    expect(keys.cachedKeys).toBe(2);
    // a's key is the same one, read again from the database (and cached again).
    expect(await keys.forDecrypt(a)).toEqual(keyA);
    expect(keys.cachedKeys).toBe(3);
  });

  it('keeps each key as 32 bytes of its own, whether made here or unwrapped from the database', async () => {
    const made = new DataKeys(tdb.handle, ring);
    const id = randomUUID();
    const key = await made.forEncrypt(id);
    const loaded = await new DataKeys(tdb.handle, ring).forDecrypt(id);
    expect(loaded).toEqual(key);
    for (const k of [key, loaded]) {
      expect(k.length).toBe(32);
      expect(k.buffer.byteLength).toBe(32);
    }
    // Keys made for a batch of submissions, stored by the statement that inserts them.
    const batch = made.newKeys([randomUUID()]);
    const row = batch.rows[0]!;
    await tdb.handle.rows(sql`
      insert into data_keys (application_id, wrapping_key_id, wrapped_key) values (${row.applicationId}, ${row.wrappingKeyId}, ${row.wrappedKey})`);
    batch.stored([row.applicationId]);
    expect((await made.forDecrypt(row.applicationId)).buffer.byteLength).toBe(32);
  });
});
