/**
 * Seeds the reports bench's data (phases/reports.ts: 100,000 applications, 1,000,000 stage
 * transitions and their approvals, offers, messages and new hires) into a database that is
 * kept, so report queries can be planned and timed again and again without seeding each time
 * (seeding takes minutes on a shared machine).
 *
 *   npx tsx scripts/bench/reports-db.ts <database> [applications]
 *
 * The database is created and migrated here (it must not exist); drop it yourself when done.
 */
import postgres from 'postgres';
import { migrate, openDb } from '../../db/client';
import { TEST_PG_URL } from '../harness/db';
import { JOB } from './fixtures';
import { seed } from './phases/reports';
import type { BenchOrg, Person } from './seed';

async function main() {
  const [name, count = '100000'] = process.argv.slice(2);
  if (!name || !/^\w+$/.test(name)) throw new Error('usage: reports-db.ts <database> [applications]');
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const u = new URL(TEST_PG_URL);
  u.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: u.toString(), dataDir: '.test-data', poolSize: 2 });
  await migrate(handle);
  await handle.close();
  const sql = postgres(u.toString(), { max: 2, onnotice: () => {} });
  try {
    const person = async (who: string, roles: string[]): Promise<Person> => {
      const [r] = await sql<{ id: string }[]>`
        insert into users (name, email, roles) values (${who}, ${`${who.toLowerCase().replace(/\W+/g, '.')}@bench.example.com`}, ${roles})
        returning id`;
      return { id: r!.id, token: '', name: who, roles };
    };
    const manager = await person('Mei Manager', ['hiring_manager', 'approver']);
    const gm = await person('Gao GM', ['approver']);
    const [dept] = await sql<{ id: string }[]>`insert into departments (name, manager_user_id) values ('Engineering', ${manager.id}) returning id`;
    const [job] = await sql<{ id: string }[]>`
      insert into jobs (title, department_id, definition) values ('Backend Engineer', ${dept!.id}, ${sql.json(JOB(dept!.id))}) returning id`;
    const org = { manager, gm, departmentId: dept!.id, jobId: job!.id } as BenchOrg;
    const started = Date.now();
    const what = await seed({ stack: { sql } as never, org }, Number(count));
    console.log(`${name}: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await sql.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
