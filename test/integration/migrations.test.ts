/**
 * Upgrading a database made by an earlier version: the committed migrations apply on top of
 * the older ones, on PostgreSQL and on the embedded PGlite that `npm start` uses, and keep
 * the data right. 0001 adds messages.open_signalled_at: opens recorded before it were told
 * to their workflows at the time, so they must not look untold (the API's sweep would
 * replay them into the workflows); messages never opened stay untold.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, openDb, type DbHandle } from '../../db/client';
import { TEST_PG_URL } from '../helpers/db';

interface TJournal {
  entries: { idx: number; tag: string }[];
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hwe-migrations-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

/** A migrations folder holding the committed migrations up to and including `tag`. */
function migrationsUpTo(tag: string): string {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as TJournal;
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  expect(upTo, `no migration ${tag}`).toBeGreaterThanOrEqual(0);
  const dir = path.join(tmp, `up-to-${tag}`);
  mkdirSync(path.join(dir, 'meta'), { recursive: true });
  const entries = journal.entries.slice(0, upTo + 1);
  for (const e of entries) copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

async function freshPostgres(): Promise<DbHandle> {
  const name = `hwe_migr_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: url.toString(), dataDir: tmp, poolSize: 2 });
  cleanups.push(async () => {
    await handle.close();
    const a = postgres(TEST_PG_URL, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists "${name}" with (force)`);
    await a.end();
  });
  return handle;
}

async function freshPglite(): Promise<DbHandle> {
  const handle = await openDb({ dataDir: mkdtempSync(path.join(tmp, 'pglite-')) });
  cleanups.push(() => handle.close());
  return handle;
}

const message = (key: string, opened: boolean) => sql`
  insert into messages (key, channel, template, purpose, locale, recipient, recipient_kind, body_text, status, opened_at)
  values (${key}, 'email', 'interview_acknowledgement', 'acknowledgement', 'en', 'ada@example.com', 'candidate', 'Hello',
          ${opened ? 'opened' : 'sent'}, ${opened ? sql`now() - interval '2 days'` : null})`;

describe.each([
  ['PostgreSQL', freshPostgres],
  ['PGlite (npm start)', freshPglite],
])('upgrading %s from 0000_init', (_kind, fresh) => {
  it('keeps opens recorded before 0001 told, and leaves the others untold', async () => {
    const db = await fresh();
    await migrate(db, migrationsUpTo('0000_init'));
    await db.rows(message('opened-before', true));
    await db.rows(message('never-opened', false));

    await migrate(db);
    const rows = await db.rows<{ key: string; told: boolean; same: boolean | null }>(
      sql`select key, open_signalled_at is not null as told, open_signalled_at = opened_at as same from messages order by key`,
    );
    expect(rows).toEqual([
      { key: 'never-opened', told: false, same: null },
      { key: 'opened-before', told: true, same: true },
    ]);
    // The sweep's index is there, and an open recorded now starts untold.
    const [idx] = await db.rows<{ n: number }>(sql`select count(*)::int as n from pg_indexes where indexname = 'messages_open_unsignalled_idx'`);
    expect(idx!.n).toBe(1);
    await db.rows(message('opened-after', true));
    const [after] = await db.rows<{ told: boolean }>(sql`select open_signalled_at is not null as told from messages where key = 'opened-after'`);
    expect(after!.told).toBe(false);
    // Applying again changes nothing.
    await migrate(db);
  });
});

describe.each([
  ['PostgreSQL', freshPostgres],
  ['PGlite (npm start)', freshPglite],
])('upgrading %s from 0001 to API keys and the audit log', (_kind, fresh) => {
  it("makes every user's token their first API key, every job's definition its version 1, and the audit log append-only", async () => {
    const db = await fresh();
    await migrate(db, migrationsUpTo('0001_open_signalled'));
    const [u] = await db.rows<{ id: string }>(
      sql`insert into users (name, email, roles, token_hash) values ('Old Timer', 'old@example.com', '{hr}', 'abc123hash') returning id`,
    );
    const [d] = await db.rows<{ id: string }>(sql`insert into departments (name, manager_user_id) values ('Old Dept', ${u!.id}) returning id`);
    const [j] = await db.rows<{ id: string }>(
      sql`insert into jobs (title, department_id, definition) values ('Old Job', ${d!.id}, '{"title":"Old Job"}'::jsonb) returning id`,
    );

    await migrate(db);
    const keys = await db.rows<{ user_id: string; key_hash: string; scopes: string[] | null; name: string }>(
      sql`select user_id, key_hash, scopes, name from api_keys`,
    );
    expect(keys).toEqual([{ user_id: u!.id, key_hash: 'abc123hash', scopes: null, name: 'initial token' }]);
    const versions = await db.rows<{ job_id: string; version: number }>(sql`select job_id, version from job_versions`);
    expect(versions).toEqual([{ job_id: j!.id, version: 1 }]);
    const [job] = await db.rows<{ status: string; version: number }>(sql`select status, version from jobs`);
    expect(job).toEqual({ status: 'open', version: 1 });
    const [user] = await db.rows<{ active: boolean }>(sql`select active from users`);
    expect(user!.active).toBe(true);
    await db.rows(sql`insert into audit_log (actor_type, action) values ('system', 'migration.test')`);
    await expect(db.rows(sql`delete from audit_log`)).rejects.toThrow();
    // Applying again changes nothing (no second key, no second version).
    await migrate(db);
    expect(await db.rows(sql`select id from api_keys`)).toHaveLength(1);
  });
});

describe.each([
  ['PostgreSQL', freshPostgres],
  ['PGlite (npm start)', freshPglite],
])('upgrading %s from 0012 to the report rollups', (_kind, fresh) => {
  it('backfills the rollups from the existing facts, and the triggers keep them from then on', async () => {
    const db = await fresh();
    await migrate(db, migrationsUpTo('0012_reports_stay_seconds_report_indexes'));
    const [u] = await db.rows<{ id: string }>(sql`insert into users (name, email, roles) values ('Ann', 'ann@example.com', '{hiring_manager}') returning id`);
    const [d] = await db.rows<{ id: string }>(sql`insert into departments (name, manager_user_id) values ('Eng', ${u!.id}) returning id`);
    const [j] = await db.rows<{ id: string }>(sql`insert into jobs (title, department_id, definition) values ('Dev', ${d!.id}, '{"title":"Dev"}'::jsonb) returning id`);
    const app = async (n: number) => {
      const [a] = await db.rows<{ id: string }>(sql`
        insert into applications (request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale, resume, interview, accuracy)
        values ('h', ${j!.id}, ${d!.id}, ${`wf-${n}`}, 'A', ${`a${n}@example.com`}, 'en', '{}'::jsonb, '{}'::jsonb, 0.5) returning id`);
      return a!.id;
    };
    const [a1, a2] = [await app(1), await app(2)];
    // a1: screening 2026-03-01 10:00 for 2 h, then evaluation (open); a2: screening on 03-02 for 3 h, then rejected.
    await db.rows(sql`
      insert into stage_transitions (application_id, seq, from_stage, to_stage, at, job_id, department_id, left_at, next_stage) values
        (${a1}, 1, 'validating', 'screening', '2026-03-01T10:00:00Z', ${j!.id}, ${d!.id}, '2026-03-01T12:00:00Z', 'evaluation'),
        (${a1}, 2, 'screening', 'evaluation', '2026-03-01T12:00:00Z', ${j!.id}, ${d!.id}, null, null),
        (${a2}, 1, 'validating', 'screening', '2026-03-02T09:00:00Z', ${j!.id}, ${d!.id}, '2026-03-02T12:00:00Z', 'rejected'),
        (${a2}, 2, 'screening', 'rejected', '2026-03-02T12:00:00Z', ${j!.id}, ${d!.id}, null, null)`);
    await db.rows(sql`
      insert into approval_items (application_id, version, level, user_id, status, requested_at, decided_at) values
        (${a1}, 1, 0, ${u!.id}, 'approved', '2026-03-01T13:00:00Z', '2026-03-01T14:30:00Z'),
        (${a2}, 1, 0, ${u!.id}, 'pending', '2026-03-02T13:00:00Z', null)`);

    await migrate(db);
    // The job's rows; since 0015 also ISO weeks (1 March 2026 is a Sunday) and the department's
    // and everything's rows (job, or job and department, the nil uuid), here equal to the job's.
    const NIL = '00000000-0000-0000-0000-000000000000';
    const stages = (job: string, dept: string) =>
      sql`select grain, period::text, stage, entered, "left", moved_on, rejected, max_seconds from stage_rollup
          where stage = 'screening' and job_id = ${job}::uuid and department_id = ${dept}::uuid order by grain, period`;
    const screening = [
      { grain: 'day', period: '2026-03-01', stage: 'screening', entered: 1, left: 1, moved_on: 1, rejected: 0, max_seconds: 7200 },
      { grain: 'day', period: '2026-03-02', stage: 'screening', entered: 1, left: 1, moved_on: 0, rejected: 1, max_seconds: 10800 },
      { grain: 'month', period: '2026-03-01', stage: 'screening', entered: 2, left: 2, moved_on: 1, rejected: 1, max_seconds: 10800 },
      { grain: 'week', period: '2026-02-23', stage: 'screening', entered: 1, left: 1, moved_on: 1, rejected: 0, max_seconds: 7200 },
      { grain: 'week', period: '2026-03-02', stage: 'screening', entered: 1, left: 1, moved_on: 0, rejected: 1, max_seconds: 10800 },
    ];
    expect(await db.rows(stages(j!.id, d!.id))).toEqual(screening);
    expect(await db.rows(stages(NIL, d!.id))).toEqual(screening);
    expect(await db.rows(stages(NIL, NIL))).toEqual(screening);
    const hist = sql`select sum(n)::int as n, sum(sum_seconds) as s from stage_stay_histogram where grain = 'month' and stage = 'screening' and job_id = ${j!.id}`;
    expect(await db.rows(hist)).toEqual([{ n: 2, s: 18000 }]);
    const approvals = sql`select grain, requested, approved from approval_rollup where job_id = ${j!.id} and grain <> 'week' order by grain, period`;
    expect(await db.rows(approvals)).toEqual([
      { grain: 'day', requested: 1, approved: 1 },
      { grain: 'day', requested: 1, approved: 0 },
      { grain: 'month', requested: 2, approved: 1 },
    ]);

    // From now on the triggers: a1 leaves evaluation, a2's approval is decided, then a2 is deleted.
    await db.rows(sql`update stage_transitions set left_at = '2026-03-01T18:00:00Z', next_stage = 'decision' where application_id = ${a1} and seq = 2`);
    await db.rows(sql`update approval_items set status = 'rejected', decided_at = '2026-03-02T14:00:00Z' where application_id = ${a2}`);
    const month = sql`select stage, entered, "left", max_seconds from stage_rollup where grain = 'month' and stage in ('screening', 'evaluation') and job_id = ${j!.id} order by stage`;
    const monthAll = sql`select stage, entered, "left", max_seconds from stage_rollup where grain = 'month' and stage in ('screening', 'evaluation') and job_id = ${NIL}::uuid and department_id = ${NIL}::uuid order by stage`;
    expect(await db.rows(month)).toEqual([
      { stage: 'evaluation', entered: 1, left: 1, max_seconds: 21600 },
      { stage: 'screening', entered: 2, left: 2, max_seconds: 10800 },
    ]);
    expect(await db.rows(sql`select requested, approved, rejected from approval_rollup where grain = 'month' and job_id = ${j!.id}`)).toEqual([{ requested: 2, approved: 1, rejected: 1 }]);
    await db.rows(sql`delete from applications where id = ${a2}`);
    expect(await db.rows(month)).toEqual([
      { stage: 'evaluation', entered: 1, left: 1, max_seconds: 21600 },
      // a2's 3 h stay is gone: the maximum is a1's 2 h again.
      { stage: 'screening', entered: 1, left: 1, max_seconds: 7200 },
    ]);
    expect(await db.rows(monthAll)).toEqual(await db.rows(month));
    expect(await db.rows(sql`select requested, approved, rejected from approval_rollup where grain = 'month' and job_id = ${j!.id}`)).toEqual([{ requested: 1, approved: 1, rejected: 0 }]);
    expect(await db.rows(sql`select sum(n)::int as n from approval_time_histogram where grain = 'month' and job_id = ${j!.id}`)).toEqual([{ n: 1 }]);
    expect(await db.rows(sql`select sum(n)::int as n from approval_time_histogram where grain = 'month' and job_id = ${NIL}::uuid and department_id = ${NIL}::uuid`)).toEqual([{ n: 1 }]);
  });
});
