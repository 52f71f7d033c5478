/**
 * The application database: PostgreSQL through postgres.js when DATABASE_URL is set,
 * otherwise the embedded PGlite (Postgres in WASM) persisted under DATA_DIR. Both run
 * the same drizzle schema and migrations; the rest of the code sees one `Db` type.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** PostgreSQL: the application_name every connection of this pool carries (pool metrics read pg_stat_activity by it). */
  applicationName?: string;
  /** PostgreSQL: the server this pool connects to (api/plugins/database-breaker.ts probes it on a connection of its own). */
  url?: string;
  /** Runs raw SQL and returns its rows, the same shape for both drivers. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * Runs a statement whose text never changes (parameters `$1`, `$2`...) prepared: the server
   * parses and plans it once per connection, and each run is one round trip. (postgres.js
   * sends a statement with parameters that is not prepared in two: it asks for the
   * parameters' types first.) For hot statements only: each distinct text stays prepared on
   * every connection of the pool.
   */
  prepared<T extends Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The rows of a raw `execute` result, whichever driver produced it (postgres.js: an array; PGlite: `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

/** Error codes of a server that cannot be reached: the socket's, postgres.js's, and PostgreSQL shutting down (57P01-3). */
export const UNREACHABLE_CODE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|CONNECT_TIMEOUT|CONNECTION_[A-Z_]+|57P0[1-3])$/;

/**
 * Whether an error says the database could not be reached (refused, cut, timed out, shutting
 * down), as opposed to a query it refused. drizzle wraps the driver's error as its cause.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODE.test(code)) return true;
  }
  return false;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export interface DbOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** Fail fast instead of queueing forever when the server is down. */
  connectTimeoutSeconds?: number;
  /** application_name of the pool's connections; default `hiring-<pid>-<random>`, unique per pool. */
  applicationName?: string;
}

export async function openDb(opts: DbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const name = opts.applicationName ?? `hiring-${process.pid}-${randomBytes(3).toString('hex')}`;
    return openPostgres(opts.databaseUrl, opts.poolSize ?? 10, opts.connectTimeoutSeconds ?? 5, name);
  }
  return openPglite(path.join(opts.dataDir, 'pglite'));
}

async function openPostgres(url: string, max: number, connectTimeout: number, applicationName: string): Promise<DbHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, {
    max,
    connect_timeout: connectTimeout,
    idle_timeout: 30,
    // Reconnect quickly after an outage (the default grows to 20 s), so queued queries
    // fail or run within about a second of the server coming back instead of hanging.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    onnotice: () => {},
    connection: { application_name: applicationName },
    // numeric columns come back as strings otherwise
    types: { numeric: { to: 1700, from: [1700], serialize: String, parse: Number } },
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    applicationName,
    url,
    rows: async <T extends Record<string, unknown>>(query: SQL): Promise<T[]> => rowsOf<T>(await db.execute(query)),
    // drizzle's serializers are the client's (JSON parameters go as the strings given).
    prepared: async <T extends Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]> =>
      (await client.unsafe(text, params as never[], { prepare: true })) as unknown as T[],
    ping: async () => {
      await client`select 1`;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string): Promise<DbHandle> {
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const client = await PGlite.create(dir, { parsers: { 1700: (v: string) => Number(v) } });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    rows: async <T extends Record<string, unknown>>(query: SQL): Promise<T[]> => rowsOf<T>(await db.execute(query)),
    prepared: async <T extends Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]> => (await client.query<T>(text, params)).rows,
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}

/** The advisory lock `migrate` holds while it migrates (any fixed 64-bit number; "hwe-migr" in ASCII). */
const MIGRATION_LOCK_KEY = '7527596547956631410';

/** Applies the migrations not yet applied; `migrationsFolder` is for tests of an upgrade from an older schema. */
export async function migrate(handle: DbHandle, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (handle.kind === 'postgres') {
    const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
    // API replicas started together each migrate at start: one at a time, under a session
    // advisory lock held on a connection of its own (the others wait, then find nothing to do).
    const client = (handle.db as unknown as { $client: Sql }).$client;
    const lock = await client.reserve();
    try {
      await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
      await run(handle.db as unknown as Parameters<typeof run>[0], { migrationsFolder });
    } finally {
      await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`.catch(() => {});
      lock.release();
    }
  } else {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(handle.db as unknown as Parameters<typeof run>[0], { migrationsFolder });
  }
}
