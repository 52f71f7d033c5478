/**
 * Per-application data keys: what makes one application's Temporal history unreadable
 * without touching anyone else's (crypto-shredding). Each key is random, stored only
 * wrapped by the active PAYLOAD_KEYS entry, made on first use and destroyed at erasure.
 *
 * Processes cache unwrapped keys for CACHE_MS: a destroyed key stays usable in another
 * process's memory for at most that long (the erasure has terminated the workflow first,
 * so nothing of that application is encoded meanwhile).
 *
 * While the database is unreachable, a key cached in the last STALE_MS is used past its
 * CACHE_MS; past STALE_MS an entry is dropped (the oldest are swept as new ones come in, so
 * a long-running worker holds the keys of the last STALE_MS, not of every application it
 * ever touched), and a worker (waitForDatabaseMs) retries the lookup until the database is back
 * instead of failing: a codec error inside the SDK's activity or workflow-task pipeline
 * fails the whole worker (seen in the database-outage fault test). The API waits for
 * nothing: its request answers 503 at once.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { isDatabaseUnreachable, type DbHandle } from '../db/client';
import type { TNewDataKey } from '../db/queries/submissions';
import type { TPayloadKeys } from '../temporal.config';
import { open, seal } from './aead';

const CACHE_MS = 60_000;
export const STALE_MS = 15 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class DataKeyDestroyedError extends Error {
  override name = 'DataKeyDestroyedError';
  constructor(applicationId: string) {
    super(`the data key of application ${applicationId} was destroyed (the application was erased)`);
  }
}

const wrapLabel = (applicationId: string) => `data-key:${applicationId}`;

interface Row extends Record<string, unknown> {
  wrapping_key_id: string | null;
  wrapped_key: string | null;
}

/** What the payload codec needs of the application data keys (DataKeys, or the replay fixtures' keys). */
export interface ApplicationKeys {
  forEncrypt(applicationId: string): Promise<Buffer>;
  forDecrypt(applicationId: string): Promise<Buffer>;
}

/** Opens a `data_keys` row's wrapped key with the PAYLOAD_KEYS entry that wrapped it. */
export function unwrapDataKey(ring: TPayloadKeys, applicationId: string, row: Row): Buffer {
  if (!row.wrapped_key || !row.wrapping_key_id) throw new DataKeyDestroyedError(applicationId);
  const wrappingKey = ring.keys.get(row.wrapping_key_id);
  if (!wrappingKey) {
    throw new Error(`the data key of application ${applicationId} is wrapped by '${row.wrapping_key_id}', which PAYLOAD_KEYS no longer lists`);
  }
  return open(wrappingKey, wrapLabel(applicationId), Buffer.from(row.wrapped_key, 'base64'));
}

export interface DataKeysOptions {
  /** How long a lookup keeps retrying while the database is unreachable (the worker's; 0: fail at once). */
  waitForDatabaseMs?: number;
  /** How long a looked-up key is used without asking the database again (CACHE_MS). */
  cacheMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export class DataKeys implements ApplicationKeys {
  private readonly cache = new Map<string, { key: Buffer; until: number; staleUntil: number }>();

  constructor(
    private readonly db: DbHandle,
    private readonly ring: TPayloadKeys,
    private readonly opts: DataKeysOptions = {},
  ) {}

  /** Keys held in this process's memory (swept once past STALE_MS). */
  get cachedKeys(): number {
    return this.cache.size;
  }

  static isApplicationId(id: string): boolean {
    return UUID.test(id);
  }

  /** The application's key, made now if it has none; refused once destroyed. */
  async forEncrypt(applicationId: string): Promise<Buffer> {
    const cached = this.cached(applicationId);
    if (cached) return cached;
    const { wrappingKeyId, wrapped } = this.newKey(applicationId);
    return this.fromDatabase(applicationId, async () => {
      // Two processes may race to make it: the first insert wins and both read the winner.
      await this.db.rows(sql`
        insert into data_keys (application_id, wrapping_key_id, wrapped_key)
        values (${applicationId}, ${wrappingKeyId}, ${wrapped}) on conflict (application_id) do nothing`);
      return this.load(applicationId);
    });
  }

  /** A new key for an application, wrapped by the active entry of PAYLOAD_KEYS. */
  private newKey(applicationId: string): { key: Buffer; wrappingKeyId: string; wrapped: string } {
    const key = randomBytes(32);
    const wrapped = seal(this.ring.keys.get(this.ring.activeId)!, wrapLabel(applicationId), key).toString('base64');
    return { key, wrappingKeyId: this.ring.activeId, wrapped };
  }

  /**
   * Keys for applications about to be inserted, for the caller to store in the statement
   * that inserts them (db/queries/submissions.ts): otherwise each workflow start's codec
   * makes its own, two round trips apiece. `stored` caches those the statement stored, so
   * the starts find them; an application that has a key already keeps it (loaded on first use).
   */
  newKeys(applicationIds: string[]): { rows: TNewDataKey[]; stored(applicationIds: Iterable<string>): void } {
    const made = new Map(applicationIds.map((id) => [id, this.newKey(id)]));
    return {
      rows: [...made].map(([applicationId, k]) => ({ applicationId, wrappingKeyId: k.wrappingKeyId, wrappedKey: k.wrapped })),
      stored: (ids) => {
        for (const id of ids) {
          const k = made.get(id);
          if (k) this.remember(id, k.key);
        }
      },
    };
  }

  /** The application's existing key; a destroyed or never-made key is an error. */
  async forDecrypt(applicationId: string): Promise<Buffer> {
    return this.cached(applicationId) ?? this.fromDatabase(applicationId, () => this.load(applicationId));
  }

  /**
   * Runs a lookup; while the database is unreachable, retries it for waitForDatabaseMs,
   * then falls back on a recently cached key, then fails with the database's error.
   */
  private async fromDatabase(applicationId: string, lookup: () => Promise<Buffer>): Promise<Buffer> {
    const deadline = Date.now() + (this.opts.waitForDatabaseMs ?? 0);
    for (let attempt = 0; ; attempt++) {
      try {
        return await lookup();
      } catch (err) {
        if (!isDatabaseUnreachable(err)) throw err;
        const stale = this.cache.get(applicationId);
        if (stale && stale.staleUntil > this.now()) return stale.key;
        if (Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2_000)));
      }
    }
  }

  /** Destroys the key for good (idempotent); a later encode for this application is refused. */
  async destroy(applicationId: string): Promise<void> {
    this.cache.delete(applicationId);
    await this.db.rows(sql`
      insert into data_keys (application_id, wrapping_key_id, wrapped_key, destroyed_at)
      values (${applicationId}, null, null, now())
      on conflict (application_id) do update set wrapping_key_id = null, wrapped_key = null,
        destroyed_at = coalesce(data_keys.destroyed_at, now())`);
  }

  /**
   * Re-wraps every live key not yet under the active key (rotation). Returns how many
   * were re-wrapped and how many live keys each wrapping key still holds afterwards.
   */
  async rewrapAll(): Promise<{ rewrapped: number; remaining: Record<string, number> }> {
    let rewrapped = 0;
    for (;;) {
      const batch = await this.db.rows<Row & { application_id: string }>(sql`
        select application_id, wrapping_key_id, wrapped_key from data_keys
        where wrapped_key is not null and wrapping_key_id <> ${this.ring.activeId}
        order by application_id limit 500`);
      if (!batch.length) break;
      const activeKey = this.ring.keys.get(this.ring.activeId)!;
      for (const row of batch) {
        const key = this.unwrap(row.application_id, row);
        const wrapped = seal(activeKey, wrapLabel(row.application_id), key).toString('base64');
        // Only if unchanged meanwhile (destroyed or re-wrapped by another run).
        await this.db.rows(sql`
          update data_keys set wrapping_key_id = ${this.ring.activeId}, wrapped_key = ${wrapped}
          where application_id = ${row.application_id} and wrapped_key = ${row.wrapped_key}`);
        rewrapped++;
      }
    }
    const counts = await this.db.rows<{ wrapping_key_id: string; n: number | string }>(sql`
      select wrapping_key_id, count(*) as n from data_keys where wrapped_key is not null group by wrapping_key_id`);
    return { rewrapped, remaining: Object.fromEntries(counts.map((c) => [c.wrapping_key_id, Number(c.n)])) };
  }

  private cached(applicationId: string): Buffer | undefined {
    const hit = this.cache.get(applicationId);
    if (hit && hit.until > this.now()) return hit.key;
    if (hit && hit.staleUntil <= this.now()) this.cache.delete(applicationId);
    return undefined;
  }

  private async load(applicationId: string): Promise<Buffer> {
    const [row] = await this.db.rows<Row>(sql`
      select wrapping_key_id, wrapped_key from data_keys where application_id = ${applicationId}`);
    if (!row) throw new Error(`application ${applicationId} has no data key`);
    return this.remember(applicationId, this.unwrap(applicationId, row));
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Caches the key and returns the cached copy. */
  private remember(applicationId: string, key: Buffer): Buffer {
    const now = this.now();
    // Entries stay in the order they were remembered, so the expired ones are at the front.
    for (const [id, entry] of this.cache) {
      if (entry.staleUntil > now) break;
      this.cache.delete(id);
    }
    // A 32-byte key made by the cipher or randomBytes can be a view on an 8 KiB pool of
    // Node's; a copy of its own keeps 32 bytes alive instead of the pool (7.8 MiB for 1,000
    // cached keys in a worker's heap snapshot).
    const own = Buffer.alloc(key.length);
    key.copy(own);
    this.cache.delete(applicationId);
    this.cache.set(applicationId, { key: own, until: now + (this.opts.cacheMs ?? CACHE_MS), staleUntil: now + STALE_MS });
    return own;
  }

  private unwrap(applicationId: string, row: Row): Buffer {
    return unwrapDataKey(this.ring, applicationId, row);
  }
}
