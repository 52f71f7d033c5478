/**
 * The rollups behind the communications, onboarding and hiring-quality reports (migration
 * 0016) stay equal to their facts: seeded facts over three months, then updates that change
 * what is counted (a discrepancy resolved, scores re-recorded, onboarding completed, a
 * document rejected and accepted again, a message sent, failed, opened) and deletes. After
 * each step the triggers' rollups must equal a rebuild from the facts, and every report must
 * equal its exact query over the same facts (communicationsFromFacts, ...) for periods made
 * of partial days, whole days and whole months, with and without a job or department filter.
 * Concurrent writers sharing rollup rows must neither deadlock nor lose a count.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import {
  communications,
  communicationsFromFacts,
  hiringQuality,
  hiringQualityFromFacts,
  observeReportQueries,
  onboarding,
  onboardingFromFacts,
  type TReportFilter,
} from '../../db/queries/reports';
import { PERCENTILE_MAX_RELATIVE_ERROR } from '../../domain/contracts/reports';
import { createTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
const ids = { user: '', depts: [] as string[], jobs: [] as string[], apps: [] as string[] };
const T0 = Date.parse('2026-02-20T00:00:00Z');
/** A uuid[] parameter (drizzle would spread an array into a row). */
const uuids = (list: string[]) => sql`${`{${list.join(',')}}`}::uuid[]`;
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

const ROLLUPS: Record<string, string> = {
  onboarding_rollup: 'started, hired, documents_rejected, courses_first_attempt, courses_after_retake, courses_not_passed',
  onboarding_task_rollup: 'on_time, late, open',
  onboarding_hired_histogram: 'n, sum_seconds',
  quality_agreement_rollup: 'evaluated, n_ai, sum_ai, sum_human, sum_gap, sum_abs_gap, human_higher, human_lower, equal',
  quality_discrepancy_rollup: 'found, high, confirmed, dismissed, retest, unresolved',
  communication_rollup: 'created, sent, failed, opened',
};

/** Every rollup row with something counted, values as numbers (numeric sums come back as text). */
async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const [table, cols] of Object.entries(ROLLUPS)) {
    const nonZero = cols.split(', ').map((c) => `${c} <> 0`).join(' or ');
    const rows = await t.handle.rows(sql.raw(`select * from ${table} where ${nonZero}`));
    out[table] = rows
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v instanceof Date ? v.toISOString() : v])))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

const PERIODS: [string, string][] = [
  ['2026-02-01T00:00:00Z', '2026-05-01T00:00:00Z'], // whole months
  ['2026-02-20T13:00:00Z', '2026-04-03T05:00:00Z'], // partial days, whole days, a whole month
  ['2026-03-05T06:00:00Z', '2026-03-05T20:00:00Z'], // inside one day
  ['2026-03-10T00:00:00Z', '2026-03-17T00:00:00Z'], // whole days only
  ['2026-03-31T22:00:00Z', '2026-04-02T01:00:00Z'], // across a month's end
];

/** Every report from its rollups against its exact query, for every period and filter. */
async function expectReportsEqualFacts() {
  for (const [from, to] of PERIODS) {
    for (const scope of [{}, { jobId: ids.jobs[0] }, { departmentId: ids.depts[1] }]) {
      const f: TReportFilter = { from: new Date(from), to: new Date(to), ...scope };
      const label = `${from}..${to} ${JSON.stringify(scope)}`;
      expect(await communications(t.handle, f), label).toEqual(await communicationsFromFacts(t.handle, f));
      expect(await hiringQuality(t.handle, f), label).toEqual(await hiringQualityFromFacts(t.handle, f));
      const { acceptedToHiredP50Days: a50, acceptedToHiredP90Days: a90, percentileMaxRelativeError, ...counts } = await onboarding(t.handle, f);
      const exact = await onboardingFromFacts(t.handle, f);
      expect(percentileMaxRelativeError).toBe(PERCENTILE_MAX_RELATIVE_ERROR);
      expect(counts, label).toEqual({
        started: exact.started,
        hired: exact.hired,
        tasks: exact.tasks,
        documentsRejected: exact.documentsRejected,
        courses: exact.courses,
      });
      // Within 1 % of the exact percentile, plus the 0.005 days each figure's rounding may add.
      for (const [approx, e] of [[a50, exact.acceptedToHiredP50Days], [a90, exact.acceptedToHiredP90Days]] as const) {
        if (e === null) expect(approx, label).toBeNull();
        else expect(Math.abs(approx! - e), `${label}: ${approx} against ${e}`).toBeLessThanOrEqual(PERCENTILE_MAX_RELATIVE_ERROR * e + 0.01);
      }
    }
  }
}

async function expectRollupsEqualRebuild() {
  const kept = await snapshot();
  await t.handle.db.execute(sql`select onboarding_quality_rollups_rebuild()`);
  expect(await snapshot()).toEqual(kept);
}

const RULES = ['claimed_skill_failed', 'skill_not_tested', 'experience_years_unsupported'];
const RESOLUTIONS = ['confirmed', 'dismissed', 'retest', null];
const dims = (i: number, shift = 0) => [
  { key: 'programming', ai: 40 + ((i * 7) % 50), human: 35 + ((i * 11 + shift) % 60) },
  { key: 'teamwork', ai: 50 + (i % 40), human: i % 4 === 0 ? null : 45 + ((i * 3 + shift) % 50) },
  ...(i % 5 === 0 ? [{ key: 'leadership', ai: 60.5, human: 70.25 + shift }] : []),
];

beforeAll(async () => {
  t = await createTestDb('hwe_rollups17');
  const db = t.handle;
  const [u] = await db.rows<{ id: string }>(sql`insert into users (name, email, roles) values ('Mei', 'mei@example.com', '{hiring_manager}') returning id`);
  ids.user = u!.id;
  for (const name of ['Eng', 'Sales']) {
    const [d] = await db.rows<{ id: string }>(sql`insert into departments (name, manager_user_id) values (${name}, ${ids.user}) returning id`);
    ids.depts.push(d!.id);
  }
  for (let j = 0; j < 3; j++) {
    const [job] = await db.rows<{ id: string }>(sql`
      insert into jobs (title, department_id, definition) values (${`Job ${j}`}, ${ids.depts[j % 2]}, '{}'::jsonb) returning id`);
    ids.jobs.push(job!.id);
  }
  // 40 applications, one every 37 hours from 20 February to mid-April.
  for (let i = 0; i < 40; i++) {
    const id = randomUUID();
    ids.apps.push(id);
    const job = i % 3;
    const discrepancies = i % 6 === 5 ? null : Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      id: `d${k}`, rule: RULES[(i + k) % 3], severity: (i + k) % 4 === 0 ? 'high' : 'info', resolution: RESOLUTIONS[(i * 3 + k) % 4],
    }));
    await db.db.execute(sql`
      insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale,
                                resume, interview, accuracy, created_at, discrepancies, score_dimensions)
      values (${id}, 'seed', ${ids.jobs[job]}, ${ids.depts[job % 2]}, ${`application-${id}`}, 'Wei', ${`${id}@example.com`}, 'en',
              '{}'::jsonb, '{}'::jsonb, 0.8, ${at(i * 37)}, ${discrepancies ? JSON.stringify(discrepancies) : null}::jsonb,
              ${i % 7 === 6 ? null : JSON.stringify(dims(i))}::jsonb)`);
    for (const [n, template, locale, channel, status, opened] of [
      [0, 'interview_acknowledgement', i % 3 === 0 ? 'zh-CN' : 'en', 'email', i % 9 === 0 ? 'failed' : 'sent', i % 2 === 0],
      [5, i % 2 ? 'offer_sent' : 'offer_reminder', 'en', i % 4 === 0 ? 'sms' : 'email', 'sending', false],
    ] as const) {
      await db.db.execute(sql`
        insert into messages (key, application_id, channel, template, purpose, locale, recipient, recipient_kind, body_text, status, opened_at, created_at)
        values (${`${id}-${n}`}, ${id}, ${channel}, ${template}, ${template}, ${locale}, 'x@example.com', 'candidate', 'body', ${status},
                ${opened ? at(i * 37 + n + 1) : null}, ${at(i * 37 + n * 11)})`);
    }
    // Every other application has a new hire, accepted 5 days and some hours after it arrived.
    if (i % 2 === 0) {
      const created = i * 37 + 120 + (i % 13);
      const [e] = await db.rows<{ id: string }>(sql`
        insert into employees (application_id, employee_number, sequence_value, name, email, locale, department_id, job_id, position,
                               start_date, offer_version, created_at)
        values (${id}, ${`E${i}`}, ${i}, 'Wei', ${`${id}@example.com`}, 'en', ${ids.depts[job % 2]}, ${ids.jobs[job]}, 'Engineer',
                '2026-05-01', 1, ${at(created)})
        returning id`);
      await db.db.execute(sql`
        insert into employee_documents (employee_id, kind, filename, content_type, size, sha256, storage_key, status)
        values (${e!.id}, 'id_copy', 'id.png', 'image/png', 1, ${`s${i}`}, ${`k${i}`}, ${i % 4 === 0 ? 'rejected' : 'submitted'})`);
    }
  }
  // Staff messages without an application: counted without a filter only.
  await db.db.execute(sql`
    insert into messages (key, application_id, channel, template, purpose, locale, recipient, recipient_kind, body_text, status, created_at)
    values ('staff-1', null, 'email', 'action_required', 'offer_approval_reminder', 'en', 'gm@example.com', 'staff', 'b', 'sent', ${at(300)}),
           ('staff-2', null, 'email', 'action_required', 'offer_approval_reminder', 'en', 'gm@example.com', 'staff', 'b', 'failed', ${at(900)})`);
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

describe('the onboarding, hiring-quality and communications rollups', () => {
  it('equal the facts after the inserts', async () => {
    const s = await snapshot();
    expect(s.onboarding_rollup!.length).toBeGreaterThan(0);
    expect(s.quality_agreement_rollup!.length).toBeGreaterThan(0);
    expect(s.communication_rollup!.length).toBeGreaterThan(0);
    await expectReportsEqualFacts();
    await expectRollupsEqualRebuild();
  });

  it('follow updates that change a counted fact: old share out, new share in', async () => {
    const db = t.handle.db;
    // HR resolves every open discrepancy; scores are recorded again, one application's for the first time.
    await db.execute(sql`
      update applications set discrepancies = (
        select jsonb_agg(case when x->>'resolution' is null then x || '{"resolution": "dismissed"}'::jsonb else x end) from jsonb_array_elements(discrepancies) x)
      where discrepancies is not null and id = any(${uuids(ids.apps.slice(0, 20))})`);
    for (const [i, id] of ids.apps.entries()) {
      if (i % 3 === 0) await db.execute(sql`update applications set score_dimensions = ${JSON.stringify(dims(i, 13))}::jsonb where id = ${id}`);
    }
    // Rewritten unchanged, as the mirror does with every stage change: nothing moves.
    await db.execute(sql`update applications set discrepancies = discrepancies, stage = 'screening'`);
    // Onboarding completes for most new hires: hired, tasks on time, late and open, courses.
    await db.execute(sql`
      update employees e set status = 'active', hired_at = e.created_at + ((10 + x.k % 17) * interval '1 day') + (x.k * interval '37 minutes'),
        task_outcomes = jsonb_build_array(
          jsonb_build_object('key', 'id_copy', 'assignee', 'candidate', 'dueDate', (e.created_at + interval '3 days')::date,
                             'completedAt', e.created_at + (2 + x.k % 3) * interval '1 day'),
          jsonb_build_object('key', 'computer', 'assignee', 'it', 'dueDate', (e.created_at + interval '5 days')::date,
                             'completedAt', case when x.k % 5 = 0 then null else e.created_at + (4 + x.k % 4) * interval '1 day' end)),
        course_outcomes = jsonb_build_array(jsonb_build_object('key', 'security', 'attempts', 1 + x.k % 3, 'passed', x.k % 6 <> 0))
      from (select id, row_number() over (order by created_at) as k from employees) x
      where x.id = e.id and x.k % 7 <> 3`);
    // One finishes later than first written; one hire's acceptance is corrected to another day and month.
    await db.execute(sql`update employees set hired_at = hired_at + interval '2 days' where employee_number = 'E4'`);
    await db.execute(sql`update employees set created_at = created_at + interval '33 days' where employee_number = 'E8'`);
    // Documents: one rejected, one accepted after all.
    await db.execute(sql`update employee_documents set status = 'rejected' where sha256 = 's2'`);
    await db.execute(sql`update employee_documents set status = 'submitted' where sha256 = 's4'`);
    // Messages: the queued ones sent, some then opened, one failed; an opened one opened again (no change).
    await db.execute(sql`update messages set status = 'sent' where status = 'sending' and key not like '%8-5'`);
    await db.execute(sql`update messages set status = 'failed' where status = 'sending'`);
    await db.execute(sql`update messages set status = 'opened', opened_at = created_at + interval '2 hours' where key like '%-5' and channel = 'email' and created_at < ${at(700)}`);
    await db.execute(sql`update messages set opened_at = opened_at + interval '1 minute' where opened_at is not null`);
    await expectReportsEqualFacts();
    await expectRollupsEqualRebuild();
  });

  it('follow deletes (documents, messages, a new hire, applications)', async () => {
    const db = t.handle.db;
    await db.execute(sql`delete from employee_documents where sha256 in ('s0', 's12')`);
    await db.execute(sql`delete from messages where key = 'staff-1' or key like ${`${ids.apps[3]}-%`}`);
    // A new hire removed (its documents first), and two applications with everything that names them.
    const gone = [ids.apps[6]!, ids.apps[7]!];
    await db.execute(sql`delete from employee_documents where employee_id in (select id from employees where application_id = any(${uuids(gone)}) or employee_number = 'E10')`);
    await db.execute(sql`delete from employees where application_id = any(${uuids(gone)}) or employee_number = 'E10'`);
    await db.execute(sql`delete from messages where application_id = any(${uuids(gone)})`);
    await db.execute(sql`delete from applications where id = any(${uuids(gone)})`);
    await expectReportsEqualFacts();
    await expectRollupsEqualRebuild();
  });

  it("an application that cannot count yet does not run the quality rollup's function (0018), one that can does", async () => {
    // Calls counted by PostgreSQL itself, in one transaction that is then rolled back.
    const c = postgres(t.url, { max: 1, onnotice: () => {} });
    const job = ids.jobs[2]!;
    const dept = ids.depts[0]!;
    const calls: Record<string, number> = {};
    const ROLLBACK = new Error('roll back');
    try {
      await c
        .begin(async (tx) => {
          await tx`set local track_functions = 'pl'`;
          const count = async () => {
            const [r] = await tx<{ calls: number }[]>`
              select coalesce(sum(calls), 0)::int as calls from pg_stat_xact_user_functions where funcname = 'applications_quality_rollup_row'`;
            return r!.calls;
          };
          const insert = async (scores: unknown, discrepancies: unknown) => {
            const id = randomUUID();
            await tx`
              insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale,
                                        resume, interview, accuracy, score_dimensions, discrepancies)
              values (${id}, 'w', ${job}, ${dept}, ${`w-${id}`}, 'W', ${`${id}@w.example.com`}, 'en', '{}'::jsonb, '{}'::jsonb, 0.5,
                      ${scores === null ? null : tx.json(scores as never)}, ${discrepancies === null ? null : tx.json(discrepancies as never)})`;
            return id;
          };
          // As submitted: neither column yet, or empty arrays.
          const fresh = await insert(null, null);
          await insert([], []);
          calls.new = await count();
          // Deleting one that never counted runs nothing either.
          await tx`delete from applications where id = ${fresh}`;
          calls.deleted = await count();
          // One discrepancy, or one scored competency: each runs it once, and its delete once more.
          const found = await insert(null, [{ id: 'a', rule: RULES[0]!, severity: 'high', resolution: null }]);
          await insert([{ key: 'systems', ai: 60, human: 70 }], null);
          calls.counting = await count();
          await tx`delete from applications where id = ${found}`;
          calls.countingDeleted = await count();
          throw ROLLBACK;
        })
        .catch((e: unknown) => {
          if (e !== ROLLBACK) throw e;
        });
      expect(calls).toEqual({ new: 0, deleted: 0, counting: 2, countingDeleted: 3 });
    } finally {
      await c.end();
    }
    await expectRollupsEqualRebuild();
  });

  it("the hiring-quality report reads a partial day's applications through the indexes of those that can count (0019)", async () => {
    // A day of new applications (none evaluated) must not be read row by row: each of the
    // report's two partial-day statements has to be able to use its partial index. With
    // sequential scans off (the table here is small), a statement whose predicate no longer
    // implies the index's would fall back to applications_created_idx.
    const seen: SQL[] = [];
    // Partial days at both ends: each is its own range of the index, not a filter over all of it.
    const f: TReportFilter = { from: new Date(PERIODS[1]![0]), to: new Date(PERIODS[1]![1]) };
    observeReportQueries((q) => seen.push(q));
    try {
      await hiringQuality(t.handle, f);
    } finally {
      observeReportQueries(null);
    }
    expect(seen).toHaveLength(2);
    const used: string[][] = [];
    for (const q of seen) {
      const plan = await t.handle.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return JSON.stringify(await tx.execute(sql`explain (format json) ${q}`));
      });
      const scans = [...plan.matchAll(/"Index Name":"(\w+)"[^{}]*?"Index Cond":"[^"]*created_at/g)];
      used.push(scans.map((m) => m[1]!).filter((i) => i.startsWith('applications_')));
    }
    // Both partial days of each statement, each read by its range (an Index Cond on created_at).
    expect(used).toEqual([
      ['applications_scored_created_idx', 'applications_scored_created_idx'],
      ['applications_discrepant_created_idx', 'applications_discrepant_created_idx'],
    ]);
  });

  it('concurrent writers on the same rollup rows neither deadlock nor lose a count', async () => {
    // Four connections, each writing its own facts one per transaction, all under one job, day and
    // month (the same rollup rows), with competency sets that change in different orders.
    const client = () => postgres(t.url, { max: 1, onnotice: () => {} });
    const clients = Array.from({ length: 4 }, client);
    const job = ids.jobs[1]!;
    const dept = ids.depts[1]!;
    const day = at(24 * 30 + 7);
    try {
      await Promise.all(
        clients.map(async (c, w) => {
          for (let k = 0; k < 25; k++) {
            const id = randomUUID();
            const keys = (k + w) % 2 ? ['teamwork', 'programming', 'systems'] : ['systems', 'programming'];
            await c.begin(async (tx) => {
              await tx`
                insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale,
                                          resume, interview, accuracy, created_at, discrepancies)
                values (${id}, 'c', ${job}, ${dept}, ${`c-${id}`}, 'C', ${`${id}@c.example.com`}, 'en', '{}'::jsonb, '{}'::jsonb, 0.5, ${day},
                        ${tx.json([{ id: 'a', rule: RULES[(k + w) % 3]!, severity: 'high', resolution: null }, { id: 'b', rule: RULES[(k + w + 1) % 3]!, severity: 'info', resolution: 'retest' }])})`;
            });
            await c.begin(async (tx) => {
              await tx`update applications set score_dimensions = ${tx.json(keys.map((key, n) => ({ key, ai: 50 + n, human: 40 + k })))} where id = ${id}`;
            });
            await c.begin(async (tx) => {
              await tx`update applications set score_dimensions = ${tx.json([...keys].reverse().map((key, n) => ({ key, ai: 55 + n, human: 60 - k })))},
                         discrepancies = (select jsonb_agg(x || '{"resolution": "confirmed"}'::jsonb) from jsonb_array_elements(discrepancies) x)
                       where id = ${id}`;
              await tx`insert into messages (key, application_id, channel, template, purpose, locale, recipient, recipient_kind, body_text, status, created_at)
                       values (${`c-${id}`}, ${id}, 'email', 'interview_acknowledgement', 'x', 'en', 'x', 'candidate', 'b', 'sent', ${day})`;
            });
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    const [n] = await t.handle.rows<{ evaluated: number; found: number; created: number }>(sql`
      select (select sum(evaluated) from quality_agreement_rollup where grain = 'month' and job_id = ${job} and period = '2026-03-01')::int as evaluated,
             (select sum(found) from quality_discrepancy_rollup where grain = 'day' and job_id = ${job} and period = ${day.slice(0, 10)}::date)::int as found,
             (select sum(created) from communication_rollup where grain = 'day' and job_id = ${job} and period = ${day.slice(0, 10)}::date)::int as created`);
    // 100 applications with 2 discrepancies and 2 or 3 competencies (half of each), and one message each, on top of the seed's.
    expect(n!.found).toBeGreaterThanOrEqual(200);
    expect(n!.created).toBeGreaterThanOrEqual(100);
    expect(n!.evaluated).toBeGreaterThanOrEqual(250);
    await expectReportsEqualFacts();
    await expectRollupsEqualRebuild();
  });
});
