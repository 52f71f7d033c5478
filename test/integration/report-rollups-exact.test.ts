/**
 * The rollups behind funnel, stage-times and approvals (migrations 0013 and 0015: per job,
 * department and everything; per day, ISO week and month) against the facts they roll up.
 * Sixty journeys over three jobs in two departments, written through the mirror's own writer in
 * shuffled order across a month and several week boundaries, then corrected (a stay shortened),
 * partly deleted (an application and its facts), and their approval items requested, decided,
 * re-requested and deleted. Every report is then held against the exact query over the same
 * facts, for each filter and for periods cut into partial days, days, weeks and months; and the
 * rollup tables against a rebuild from the facts.
 *
 * Then the deadlock question: writers whose statements touch the same rollup rows in opposite
 * orders (as a mirror update closing two stays, or a multi-row insert, can), many at once.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../db/client';
import { writeTransition } from '../../db/queries/transitions';
import { approvals, funnel, histogramPercentiles, stageTimes, type TReportFilter } from '../../db/queries/reports';
import { createTestDb, type TestDb } from '../helpers/db';
import { seededRandom as rng } from '../helpers/random';

let t: TestDb;
const ids = { users: [] as string[], depts: [] as string[], jobs: [] as { id: string; dept: string }[], apps: [] as string[] };
const T0 = Date.parse('2026-02-20T00:00:00Z');


const JOURNEYS = [
  ['validating', 'screening', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed', 'accepted', 'onboarding', 'hired'],
  ['validating', 'screening', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'offer_drafting', 'offer_approval', 'offer_sent', 'declined'],
  ['validating', 'screening', 'evaluation', 'decision', 'rejected'],
  ['validating', 'screening', 'evaluation', 'withdrawn'],
  ['validating', 'screening', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'offer_sent', 'expired'],
  ['validating', 'screening', 'evaluation'],
];

beforeAll(async () => {
  t = await createTestDb('hwe_rollups_exact');
  const db = t.handle.db;
  const random = rng(17);
  for (const name of ['Mei', 'Gao', 'Ian']) {
    const [u] = await t.handle.rows<{ id: string }>(sql`insert into users (name, email, roles) values (${name}, ${`${name}@example.com`}, array['approver']) returning id`);
    ids.users.push(u!.id);
  }
  for (const name of ['Engineering', 'Sales']) {
    const [d] = await t.handle.rows<{ id: string }>(sql`insert into departments (name, manager_user_id) values (${name}, ${ids.users[0]}) returning id`);
    ids.depts.push(d!.id);
  }
  for (const dept of [ids.depts[0]!, ids.depts[0]!, ids.depts[1]!]) {
    const [j] = await t.handle.rows<{ id: string }>(sql`insert into jobs (title, department_id, definition) values ('Job', ${dept}, '{}'::jsonb) returning id`);
    ids.jobs.push({ id: j!.id, dept });
  }
  const facts: Parameters<typeof writeTransition>[1][] = [];
  for (let k = 0; k < 60; k++) {
    const job = ids.jobs[k % 3]!;
    const id = randomUUID();
    ids.apps.push(id);
    await db.execute(sql`
      insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale, resume, interview, accuracy)
      values (${id}, 'seed', ${job.id}, ${job.dept}, ${`application-${id}`}, 'n', ${`${id}@example.com`}, 'en', '{}'::jsonb, '{}'::jsonb, 0.5)`);
    const stages = JOURNEYS[k % JOURNEYS.length]!;
    // Starts over 26 days; stays of 10 minutes to 4 days with seconds, some of equal length.
    let at = T0 + Math.floor(random() * 26 * 86_400_000);
    stages.forEach((to, i) => {
      facts.push({ applicationId: id, seq: i + 1, from: i ? stages[i - 1]! : 'received', to, at: new Date(at).toISOString(), actor: null, source: 'live' });
      at += k % 7 === 0 ? 3_600_000 : Math.floor(600_000 + random() * 4 * 86_400_000);
    });
  }
  for (const f of facts.sort(() => random() - 0.5)) await writeTransition(db, f);

  // A stay corrected after it was closed: the longest screening stay made one second long
  // (the rollups' maximum must come again from the facts).
  await db.execute(sql`
    update stage_transitions set left_at = at + interval '1 second'
    where (application_id, seq) = (select application_id, seq from stage_transitions where to_stage = 'screening' and stay_seconds is not null
                                   order by stay_seconds desc limit 1)`);

  // Approval items: requested pending, then decided (approved, rejected, delegated); one
  // re-requested later; one deleted.
  for (const [k, app] of ids.apps.entries()) {
    const [s] = await t.handle.rows<{ at: string }>(sql`select at from stage_transitions where application_id = ${app} and to_stage = 'offer_approval' order by seq limit 1`);
    if (!s) continue;
    const base = Date.parse(String(new Date(s.at).toISOString()));
    for (const level of [0, 1]) {
      const requested = new Date(base + level * 7_200_000 + k * 61_000).toISOString();
      await db.execute(sql`insert into approval_items (application_id, version, level, user_id, status, requested_at)
                           values (${app}, 1, ${level}, ${ids.users[level + (k % 2)]}, 'pending', ${requested})`);
    }
  }
  await db.execute(sql`
    update approval_items set status = case when (hashtext(application_id::text) + level) % 5 = 0 then 'rejected'
                                            when (hashtext(application_id::text) + level) % 5 = 1 then 'delegated' else 'approved' end,
                              decided_at = requested_at + ((abs(hashtext(application_id::text)) % 3000) + level * 97) * interval '1 minute'
    where application_id in (select application_id from approval_items order by application_id limit 40)`);
  await db.execute(sql`update approval_items set requested_at = requested_at + interval '3 days', decided_at = decided_at + interval '3 days'
                       where (application_id, level) = (select application_id, level from approval_items where status = 'approved' order by application_id, level limit 1)`);
  await db.execute(sql`delete from approval_items where (application_id, level) = (select application_id, level from approval_items where status = 'rejected' order by application_id, level limit 1)`);
  // An application deleted with its facts (its approval items first, then its transitions by the cascade).
  await db.execute(sql`delete from applications where id = (select application_id from approval_items where status = 'approved' order by application_id limit 1)`);
}, 240_000);

afterAll(async () => {
  await t?.drop();
});

const DAY = 86_400_000;
const PERIODS: [string, Date, Date][] = [
  ['partial days, days, weeks and a whole month', new Date(T0 - 13 * DAY + 5 * 3_600_000), new Date(T0 + 45 * DAY + 7_200_000)],
  ['weeks across a month boundary', new Date(T0 + 3 * DAY + 18_000_000), new Date(T0 + 19 * DAY + 61_000_000)],
  ['whole days only', new Date(T0 + 2 * DAY), new Date(T0 + 9 * DAY)],
  ['inside one day', new Date(T0 + 10 * DAY + 3_600_000), new Date(T0 + 10 * DAY + 80_000_000)],
];

function filters(): [string, Partial<TReportFilter>][] {
  return [
    ['everything', {}],
    ['a department', { departmentId: ids.depts[0] }],
    ['the other department', { departmentId: ids.depts[1] }],
    ['a job', { jobId: ids.jobs[1]!.id }],
    ['a job and its department', { jobId: ids.jobs[2]!.id, departmentId: ids.depts[1] }],
    ['a job and another department', { jobId: ids.jobs[0]!.id, departmentId: ids.depts[1] }],
  ];
}

async function rows<T>(q: SQL): Promise<T[]> {
  return rowsOf<T>(await t.handle.db.execute(q));
}
const where = (f: TReportFilter, at: string, alias: string) =>
  sql`${sql.raw(at)} >= ${f.from.toISOString()}::timestamptz and ${sql.raw(at)} < ${f.to.toISOString()}::timestamptz${f.jobId ? sql` and ${sql.raw(alias)}.job_id = ${f.jobId}::uuid` : sql``}${f.departmentId ? sql` and ${sql.raw(alias)}.department_id = ${f.departmentId}::uuid` : sql``}`;

/** The funnel straight from the facts. */
async function exactFunnel(f: TReportFilter) {
  const r = await rows<Record<string, number | string>>(sql`
    select to_stage as stage, count(*)::int as entered,
           count(*) filter (where next_stage not in ('rejected', 'withdrawn', 'declined', 'expired', 'probation_failed'))::int as "movedOn",
           count(*) filter (where next_stage = 'rejected')::int as rejected, count(*) filter (where next_stage = 'withdrawn')::int as withdrawn,
           count(*) filter (where next_stage = 'declined')::int as declined, count(*) filter (where next_stage = 'expired')::int as expired,
           count(*) filter (where next_stage is null)::int as "stillThere"
    from stage_transitions t where ${where(f, 't.at', 't')} group by to_stage order by to_stage`);
  return r;
}

/** Finished stays straight from the facts: count, max, percentile_cont, and the histogram percentiles of those facts. */
async function exactStays(f: TReportFilter) {
  const facts = sql`select to_stage as stage, report_duration_bucket(stay_seconds) as bucket, count(*) as n, sum(stay_seconds) as s
                    from stage_transitions t where ${where(f, 't.at', 't')} and stay_seconds is not null group by 1, 2`;
  return rows<{ stage: string; completed: number; max: number; p50: number; p90: number; exact50: number; exact90: number }>(sql`
    with h as (${histogramPercentiles(facts, ['stage'])})
    select t.to_stage as stage, count(*)::int as completed, max(stay_seconds) as max, h.p50, h.p90,
           percentile_cont(0.5) within group (order by stay_seconds) as exact50, percentile_cont(0.9) within group (order by stay_seconds) as exact90
    from stage_transitions t join h on h.stage = t.to_stage
    where ${where(f, 't.at', 't')} and stay_seconds is not null group by t.to_stage, h.p50, h.p90 order by 1`);
}

/** Approvals per level straight from the items. */
async function exactApprovals(f: TReportFilter, key: 'level' | 'user_id') {
  const items = sql`select i.level, i.user_id, i.status, extract(epoch from i.decided_at - i.requested_at)::float8 as secs
                    from approval_items i join applications a on a.id = i.application_id
                    where i.requested_at is not null and ${where(f, 'i.requested_at', 'a')}`;
  const k = sql.raw(key);
  return rows<{ key: string | number; approved: number; rejected: number; delegated: number; p50: number | null; p90: number | null }>(sql`
    with i as (${items}),
    h as (${histogramPercentiles(sql`select ${k}, report_duration_bucket(secs) as bucket, count(*) as n, sum(secs) as s from i
                                     where status in ('approved', 'rejected') and secs is not null group by 1, 2`, [key])})
    select i.${k} as key, count(*) filter (where status = 'approved')::int as approved, count(*) filter (where status = 'rejected')::int as rejected,
           count(*) filter (where status = 'delegated')::int as delegated, h.p50, h.p90
    from i left join h using (${k}) group by i.${k}, h.p50, h.p90 order by 1`);
}

const close = (a: number | null, b: number | null, digits = 3) => {
  if (a === null || b === null) return a === b;
  return Math.abs(Number(a) - Number(b)) <= 10 ** -digits + 1e-9 * Math.abs(Number(b));
};

describe('the rollups against the facts they roll up (after updates and deletes)', () => {
  it('the seed has what the comparisons need', async () => {
    const [c] = await rows<{ apps: number; closed: number; items: number; decided: number; months: number; weeks: number }>(sql`
      select (select count(*) from applications)::int as apps, (select count(stay_seconds) from stage_transitions)::int as closed,
             (select count(*) from approval_items)::int as items, (select count(decided_at) from approval_items)::int as decided,
             (select count(distinct date_trunc('month', at)) from stage_transitions)::int as months,
             (select count(distinct date_trunc('week', at)) from stage_transitions)::int as weeks`);
    expect(c).toMatchObject({ apps: 59 });
    expect(c!.closed).toBeGreaterThan(300);
    expect(c!.decided).toBeGreaterThan(20);
    expect(c!.months).toBeGreaterThanOrEqual(2);
    expect(c!.weeks).toBeGreaterThanOrEqual(5);
  });

  it('funnel: every count equal to the facts, for every filter and period', async () => {
    for (const [p, from, to] of PERIODS) {
      for (const [name, fl] of filters()) {
        const f = { from, to, ...fl };
        const got = (await funnel(t.handle, f)).map(({ passThrough: _, ...r }) => r).sort((a, b) => a.stage.localeCompare(b.stage));
        expect(got, `${p}, ${name}`).toEqual(await exactFunnel(f));
      }
    }
  });

  it('stage-times: completed and max exact; p50 and p90 equal to the histogram of the facts and within 1 % of percentile_cont', async () => {
    let compared = 0;
    for (const [p, from, to] of PERIODS) {
      for (const [name, fl] of filters()) {
        const f = { from, to, ...fl };
        const got = (await stageTimes(t.handle, f, new Date(T0 + 60 * DAY))).stages.filter((r) => r.completed > 0);
        const exact = await exactStays(f);
        expect(got.map((r) => r.stage).sort(), `${p}, ${name}`).toEqual(exact.map((r) => r.stage));
        for (const e of exact) {
          const g = got.find((r) => r.stage === e.stage)!;
          const what = `${p}, ${name}, ${e.stage}`;
          expect(g.completed, what).toBe(e.completed);
          expect(close(g.maxSeconds, e.max), `${what}: max ${g.maxSeconds} against ${e.max}`).toBe(true);
          expect(close(g.p50Seconds, e.p50), `${what}: p50 ${g.p50Seconds} against ${e.p50}`).toBe(true);
          expect(close(g.p90Seconds, e.p90), `${what}: p90 ${g.p90Seconds} against ${e.p90}`).toBe(true);
          expect(Math.abs(g.p50Seconds! - e.exact50)).toBeLessThanOrEqual(0.01 * e.exact50 + 0.001);
          expect(Math.abs(g.p90Seconds! - e.exact90)).toBeLessThanOrEqual(0.01 * e.exact90 + 0.001);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('approvals: per level and per approver, counts exact and times equal to the histogram of the items', async () => {
    for (const [p, from, to] of PERIODS) {
      for (const [name, fl] of filters()) {
        const f = { from, to, ...fl };
        const got = await approvals(t.handle, f);
        const levels = await exactApprovals(f, 'level');
        const users = await exactApprovals(f, 'user_id');
        const strip = (e: (typeof levels)[number]) => ({
          approved: e.approved,
          rejected: e.rejected,
          delegated: e.delegated,
          decided: e.approved + e.rejected,
          p50Seconds: e.p50 === null ? null : Math.round(Number(e.p50)),
          p90Seconds: e.p90 === null ? null : Math.round(Number(e.p90)),
        });
        expect(got.levels, `${p}, ${name}`).toEqual(levels.map((e) => ({ level: Number(e.key) + 1, ...strip(e) })));
        expect(
          got.approvers.map(({ name: _n, remindersSent: _r, ...r }) => r).sort((a, b) => a.userId.localeCompare(b.userId)),
          `${p}, ${name}`,
        ).toEqual(users.map((e) => ({ userId: String(e.key), ...strip(e) })));
      }
    }
  });

  it('the rollup tables equal a rebuild from the facts', async () => {
    const snapshot = async () => ({
      stages: await rows(sql`select * from stage_rollup where entered <> 0 or "left" <> 0 order by grain, period, job_id, department_id, stage`),
      stays: await rows(sql`select grain, period, job_id, department_id, stage, bucket, n, round(sum_seconds::numeric, 3) as s
                            from stage_stay_histogram where n <> 0 order by grain, period, job_id, department_id, stage, bucket`),
      approvals: await rows(sql`select * from approval_rollup where requested <> 0 order by grain, period, job_id, department_id, level, user_id`),
      times: await rows(sql`select grain, period, job_id, department_id, level, user_id, bucket, n, round(sum_seconds::numeric, 3) as s
                            from approval_time_histogram where n <> 0 order by grain, period, job_id, department_id, level, user_id, bucket`),
    });
    const kept = await snapshot();
    expect(kept.stages.length).toBeGreaterThan(100);
    await t.handle.db.execute(sql`select report_rollups_rebuild()`);
    expect(await snapshot()).toEqual(kept);
  });

  it("an application's job and department cannot change (the rollups are filed under them)", async () => {
    // One that still exists in the first department (the seed deletes one application,
    // chosen by its random id, so a fixed index could name a row that is gone).
    const [{ id: app } = { id: '' }] = await t.handle.rows<{ id: string }>(
      sql`select id from applications where job_id = ${ids.jobs[0]!.id} order by id limit 1`,
    );
    expect(app).not.toBe('');
    const refused = (q: SQL) => t.handle.db.execute(q).then(() => 'allowed', (e: { cause?: unknown }) => String(e.cause));
    expect(await refused(sql`update applications set department_id = ${ids.depts[1]} where id = ${app}`)).toMatch(/job and department cannot change/);
    expect(await refused(sql`update applications set job_id = ${ids.jobs[2]!.id} where id = ${app}`)).toMatch(/job and department cannot change/);
    // Writing the same values (as a whole-row update would) is allowed.
    const [kept] = await t.handle.rows<{ n: number }>(
      sql`update applications set job_id = job_id, department_id = department_id where id = ${app} returning 1 as n`,
    );
    expect(kept).toEqual({ n: 1 });
  });
});

describe('concurrent writers', () => {
  it('statements touching the same rollup rows in opposite orders never deadlock, and the rollups stay exact', async () => {
    const WRITERS = 8;
    const ROUNDS = 25;
    const clients = Array.from({ length: WRITERS }, () => postgres(t.url, { max: 1, onnotice: () => {} }));
    const job = ids.jobs[0]!;
    const apps: string[] = [];
    for (let k = 0; k < WRITERS * ROUNDS; k++) {
      const id = randomUUID();
      apps.push(id);
      await t.handle.db.execute(sql`
        insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale, resume, interview, accuracy)
        values (${id}, 'c', ${job.id}, ${job.dept}, ${`application-${id}`}, 'n', ${`${id}@c.example.com`}, 'en', '{}'::jsonb, '{}'::jsonb, 0.5)`);
    }
    // As the mirror writes (each statement its own transaction), every statement touches the
    // rollup rows of two stages on the same day (and their week, month, department and
    // everything rows), half of the writers in one order, half in the other; some writers
    // delete an application meanwhile (its approval items, then its transitions).
    const day = '2026-05-05T';
    try {
      const errors: unknown[] = [];
      await Promise.all(
        clients.map(async (c, w) => {
          for (let r = 0; r < ROUNDS; r++) {
            const app = apps[w * ROUNDS + r]!;
            const [a, b] = w % 2 ? ['offer_drafting', 'offer_approval'] : ['offer_approval', 'offer_drafting'];
            try {
              await c`insert into stage_transitions (application_id, seq, from_stage, to_stage, at, job_id, department_id, left_at, next_stage)
                      values (${app}, 1, 'decision', ${a}, ${`${day}01:00:00Z`}, ${job.id}, ${job.dept}, null, null),
                             (${app}, 2, ${a}, ${b}, ${`${day}02:00:00Z`}, ${job.id}, ${job.dept}, null, null),
                             (${app}, 3, ${b}, ${a}, ${`${day}03:${String(r).padStart(2, '0')}:00Z`}, ${job.id}, ${job.dept}, null, null)`;
              // One statement closing two stays of different stages, in the writer's order.
              await c`update stage_transitions p set left_at = q.at, next_stage = q.to_stage
                      from stage_transitions q where p.application_id = ${app} and q.application_id = p.application_id and q.seq = p.seq + 1`;
              await c`insert into approval_items (application_id, version, level, user_id, status, requested_at, decided_at)
                      values (${app}, 1, ${w % 2}, ${ids.users[w % 2]!}, 'approved', ${`${day}04:00:00Z`}, ${`${day}05:${String(w).padStart(2, '0')}:00Z`}),
                             (${app}, 1, ${1 - (w % 2)}, ${ids.users[1 - (w % 2)]!}, 'rejected', ${`${day}04:00:00Z`}, ${`${day}06:00:00Z`})`;
              await c`update approval_items set decided_at = decided_at + interval '1 minute' where application_id = ${app}`;
              if (r % 5 === 4) await c`delete from applications where id = ${app}`;
            } catch (e) {
              errors.push(e);
            }
          }
        }),
      );
      expect(errors.map((e) => String(e))).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    const [n] = await rows<{ n: number }>(sql`select count(*)::int as n from stage_transitions where at >= ${`${day}00:00:00Z`}::timestamptz and at < ${`${day}23:00:00Z`}::timestamptz`);
    expect(n!.n).toBe(WRITERS * (ROUNDS - ROUNDS / 5) * 3);
    const f = { from: new Date(`${day}00:00:00Z`), to: new Date('2026-05-06T00:00:00Z') };
    for (const fl of [{}, { departmentId: job.dept }, { jobId: job.id }]) {
      expect((await funnel(t.handle, { ...f, ...fl })).map(({ passThrough: _, ...r }) => r).sort((a, b) => a.stage.localeCompare(b.stage))).toEqual(
        await exactFunnel({ ...f, ...fl }),
      );
      const levels = (await approvals(t.handle, { ...f, ...fl })).levels;
      expect(levels.map((l) => [l.level, l.approved, l.rejected])).toEqual(
        (await exactApprovals({ ...f, ...fl }, 'level')).map((e) => [Number(e.key) + 1, e.approved, e.rejected]),
      );
    }
  }, 180_000);
});
