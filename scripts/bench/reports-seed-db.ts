/**
 * The reports bench's data (100,000 applications by default) seeded into a database of its own
 * that stays, to iterate on report queries without seeding each time (about 6 minutes at load
 * 25): `npx tsx scripts/bench/reports-seed-db.ts <database> [applications]`, then
 * `npx tsx scripts/bench/reports-explain.ts <database>` for the plans. Drops <database> first.
 */
import postgres from 'postgres';
import { migrate, openDb } from '../../db/client';
import { seed } from './phases/reports';
const name = process.argv[2];
if (!name) throw new Error('usage: reports-seed-db.ts <database> [applications]');
const n = Number(process.argv[3] ?? 100000);
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists "${name}" with (force)`);
await admin.unsafe(`create database "${name}"`);
await admin.end();
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const h = await openDb({ databaseUrl: url, dataDir: '.data', poolSize: 2 });
await migrate(h);
await h.close();
const sql = postgres(url, { max: 1, onnotice: () => {} });
const [m] = await sql<{ id: string }[]>`insert into users (name, email, roles) values ('Mei', 'mei@x.example.com', '{hiring_manager}') returning id`;
const [g] = await sql<{ id: string }[]>`insert into users (name, email, roles) values ('Gao', 'gao@x.example.com', '{gm}') returning id`;
const [d] = await sql<{ id: string }[]>`insert into departments (name, manager_user_id) values ('Eng', ${m!.id}) returning id`;
const [j] = await sql<{ id: string }[]>`insert into jobs (title, department_id, definition) values ('Base', ${d!.id}, '{}'::jsonb) returning id`;
const t0 = Date.now();
const what = await seed({ stack: { sql } as never, org: { manager: { id: m!.id }, gm: { id: g!.id }, departmentId: d!.id, jobId: j!.id } as never }, n);
console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
await sql.end();
