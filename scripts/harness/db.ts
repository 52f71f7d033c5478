/**
 * A fresh PostgreSQL database per test file: created from the server in TEST_PG_URL
 * (default: the local server with trust auth) and dropped afterwards. Migrated on the spot,
 * or copied from a template database migrated once for the whole run (`createTemplateDb`,
 * made by test/helpers/global-setup.ts): `CREATE DATABASE ... TEMPLATE` copies the schema in
 * a fraction of the time the migrations take.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { migrate, openDb, type DbHandle } from '../../db/client';

export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDb {
  url: string;
  handle: DbHandle;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export interface TestDbOptions {
  /** A migrated database to copy (createTemplateDb); without one the new database is migrated here. */
  template?: string | undefined;
}

export async function createTestDb(prefix = 'hwe_test', opts: TestDbOptions = {}): Promise<TestDb> {
  const name = uniqueName(prefix);
  await admin((sql) => sql.unsafe(`create database "${name}"${opts.template ? ` template "${opts.template}"` : ''}`));
  const url = withDatabase(TEST_PG_URL, name);
  const handle = await openDb({ databaseUrl: url, dataDir: '.test-data', poolSize: 5 });
  if (!opts.template) await migrate(handle);
  return {
    url,
    handle,
    async drop() {
      await handle.close();
      await admin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

export interface TemplateDb {
  name: string;
  drop(): Promise<void>;
}

const TEMPLATE_PREFIX = 'hwe_tpl';
/** A template older than this belongs to a run that died before its teardown. */
const STALE_TEMPLATE_MS = 24 * 3_600_000;

/**
 * A database migrated to the current schema, for createTestDb({ template }) to copy. Its name
 * is unique per run (test runs share the server), nothing stays connected to it (PostgreSQL
 * copies only a database nobody uses), and `drop` removes it at the end of the run; templates
 * a killed run left behind for more than a day are dropped here.
 */
export async function createTemplateDb(): Promise<TemplateDb> {
  await admin(async (sql) => {
    const old = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`${TEMPLATE_PREFIX}\\_%`}`;
    for (const { datname } of old) {
      const born = parseInt(datname.split('_')[2] ?? '', 36);
      if (Number.isFinite(born) && Date.now() - born > STALE_TEMPLATE_MS) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
    }
  });
  const name = uniqueName(TEMPLATE_PREFIX);
  await admin((sql) => sql.unsafe(`create database "${name}"`));
  // Two connections: migrate holds one for its advisory lock while the other migrates.
  const handle = await openDb({ databaseUrl: withDatabase(TEST_PG_URL, name), dataDir: '.test-data', poolSize: 2 });
  try {
    await migrate(handle);
  } finally {
    await handle.close();
  }
  return {
    name,
    async drop() {
      await admin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}
