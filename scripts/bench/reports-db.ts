/**
 * The reports bench's data (scripts/bench/phases/reports.ts: 100,000 applications, 1,000,000
 * transitions) seeded once into a database that is kept, to time report queries and triggers
 * on it with EXPLAIN (ANALYZE, BUFFERS) without seeding for minutes each time:
 *
 *   npx tsx scripts/bench/reports-db.ts <database> [applications]   # create, migrate, seed
 *   npx tsx scripts/bench/reports-db.ts <database> --migrate        # apply newer migrations only
 *
 * The organisation (HR, manager, GM, a department and a job) is inserted straight in SQL, as
 * the seed itself does; drop the database yourself when done.
 */
import postgres from 'postgres';
import { migrate, openDb } from '../../db/client';
import { JOB } from './fixtures';
import { seed } from './phases/reports';
import type { BenchOrg, Person } from './seed';

const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function main() {
  const [name, arg] = process.argv.slice(2);
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: reports-db.ts <database (a-z0-9_)> [applications | --migrate]');
  const url = new URL(PG_URL);
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  if (arg !== '--migrate') await admin.unsafe(`create database "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: url.toString(), dataDir: '.test-data', poolSize: 2 });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const t0 = Date.now();
    await migrate(handle);
    console.log(`migrated in ${Date.now() - t0} ms`);
    if (arg === '--migrate') return;
    const person = async (who: string, roles: string[]): Promise<Person> => {
      const [u] = await sql<{ id: string }[]>`insert into users (name, email, roles) values (${who}, ${`${who.toLowerCase().replace(/\W+/g, '.')}@bench.example.com`}, ${roles}) returning id`;
      return { id: u!.id, token: '', name: who, roles };
    };
    const hr = await person('Hana HR', ['hr']);
    const manager = await person('Mei Manager', ['hiring_manager', 'approver']);
    const gm = await person('Gao GM', ['approver']);
    const [dept] = await sql<{ id: string }[]>`insert into departments (name, manager_user_id) values ('Engineering', ${manager.id}) returning id`;
    const [job] = await sql<{ id: string }[]>`insert into jobs (title, department_id, definition) values ('Backend Engineer', ${dept!.id}, ${sql.json(JOB(dept!.id))}) returning id`;
    const org: BenchOrg = { hr, manager, gm, integrator: hr, it: hr, departmentId: dept!.id, jobId: job!.id };
    const t1 = Date.now();
    const what = await seed({ stack: { sql } as never, org }, Number(arg ?? 100_000));
    console.log(`seeded in ${((Date.now() - t1) / 1000).toFixed(1)} s: ${what}`);
  } finally {
    await sql.end();
    await handle.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
