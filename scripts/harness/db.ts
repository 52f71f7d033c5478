/**
 * A fresh PostgreSQL database per test file: created from the server in TEST_PG_URL
 * (default: the local server with trust auth), migrated, and dropped afterwards.
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

export async function createTestDb(prefix = 'hwe_test'): Promise<TestDb> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(TEST_PG_URL, name);
  const handle = await openDb({ databaseUrl: url, dataDir: '.test-data', poolSize: 5 });
  await migrate(handle);
  return {
    url,
    handle,
    async drop() {
      await handle.close();
      const a = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
