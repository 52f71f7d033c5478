/**
 * The decision-promise and offers reports read rollups kept by triggers (migration 0017). Here
 * both are held against the exact queries (decisionPromiseExact, offersExact: every fact of the
 * period) over ~200 seeded journeys, for periods made of partial days, whole days and whole
 * months, per job and per department, after each kind of change the facts see in production:
 * stage changes written by the real writer in shuffled order, promises set after the
 * application, decisions recorded late, withdrawals, offer versions going sent -> viewed ->
 * accepted/declined/expired, a revision inserted before the version it revises, a salary
 * edited (moving the next version's change), an erasure (every version's offer at once),
 * deleted transitions and deleted applications. The rollup tables must also equal a rebuild
 * from the facts, and concurrent writers moving the same rollup rows must not deadlock.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { writeTransition } from '../../db/queries/transitions';
import { erasureTarget, scrubApplication } from '../../db/queries/erasure';
import { decisionPromise, decisionPromiseExact, offers, offersExact, type TReportFilter } from '../../db/queries/reports';
import { PERCENTILE_MAX_RELATIVE_ERROR } from '../../domain/contracts/reports';
import { createTestDb, type TestDb } from '../helpers/db';
import { seededRandom as rng } from '../helpers/random';

let t: TestDb;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-02-03T00:00:00Z');
/** The request's "now" for decision-promise: some promises still ahead, some open and past due. */
const NOW = new Date('2026-03-25T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

const rand = rng(17);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

interface TApp {
  id: string;
  jobId: string;
  departmentId: string;
  created: number;
  due: number;
}
const apps: TApp[] = [];
let jobs: { id: string; departmentId: string }[] = [];

const q = (query: ReturnType<typeof sql>) => t.handle.db.execute(query);

async function offerVersion(app: TApp, version: number, v: { status: string; amount: number | null; sent: number | null; viewed?: number | null; reminded?: number | null; responded?: number | null }) {
  const offer = v.amount === null ? { position: 'Engineer' } : { position: 'Engineer', salary: { amount: v.amount, currency: 'CNY', period: 'month' } };
  const ts = (x: number | null | undefined) => (x === null || x === undefined ? null : at(x));
  // As recordOfferVersion writes it: an upsert of the whole version.
  await q(sql`
    insert into offer_versions (application_id, version, status, offer, sent_at, expires_at, viewed_at, reminded_at, responded_at)
    values (${app.id}, ${version}, ${v.status}, ${JSON.stringify(offer)}::jsonb, ${ts(v.sent)}, ${v.sent === null ? null : at(v.sent + 7 * 24 * HOUR)},
            ${ts(v.viewed)}, ${ts(v.reminded)}, ${ts(v.responded)})
    on conflict (application_id, version) do update set status = excluded.status, offer = excluded.offer, sent_at = excluded.sent_at,
      expires_at = excluded.expires_at, viewed_at = excluded.viewed_at, reminded_at = excluded.reminded_at, responded_at = excluded.responded_at`);
}

/** Periods that cut days and months in every way periodParts splits them, with and without filters. */
function filters(): [string, TReportFilter][] {
  const [job] = jobs;
  const out: [string, TReportFilter][] = [
    ['partial days, whole days and months', { from: new Date('2026-02-05T07:30:00Z'), to: new Date('2026-04-27T05:15:00Z') }],
    ['whole months', { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z') }],
    ['whole days inside a month', { from: new Date('2026-03-03T00:00:00Z'), to: new Date('2026-03-19T00:00:00Z') }],
    ['inside one day', { from: new Date('2026-03-10T03:00:00Z'), to: new Date('2026-03-10T21:00:00Z') }],
    ['across a month end, partial days', { from: new Date('2026-02-20T13:00:00Z'), to: new Date('2026-03-08T09:00:00Z') }],
  ];
  return [
    ...out,
    ['one job', { ...out[0]![1], jobId: job!.id }],
    ['one department', { ...out[0]![1], departmentId: job!.departmentId }],
    ['one job, whole days', { ...out[2]![1], jobId: jobs[1]!.id }],
  ];
}

const within = (approx: number | null, exact: number | null) => {
  if (exact === null) return approx === null;
  // Both are rounded to whole seconds after the histogram's bound.
  return approx !== null && Math.abs(approx - exact) <= PERCENTILE_MAX_RELATIVE_ERROR * Math.abs(exact) + 1;
};

async function expectReportsExact() {
  for (const [label, f] of filters()) {
    const { percentileMaxRelativeError, lateP50Seconds, ...dp } = await decisionPromise(t.handle, f, NOW);
    const { lateP50Seconds: exactP50, ...exactDp } = await decisionPromiseExact(t.handle, f, NOW);
    expect(percentileMaxRelativeError).toBe(PERCENTILE_MAX_RELATIVE_ERROR);
    expect(dp, `decision-promise, ${label}`).toEqual(exactDp);
    expect(within(lateP50Seconds, exactP50), `decision-promise lateness p50, ${label}: ${lateP50Seconds} against ${exactP50}`).toBe(true);

    const { percentileMaxRelativeError: _e, answerP50Seconds, answerP90Seconds, ...of } = await offers(t.handle, f);
    const { answerP50Seconds: e50, answerP90Seconds: e90, ...exactOf } = await offersExact(t.handle, f);
    expect(of, `offers, ${label}`).toEqual(exactOf);
    expect(within(answerP50Seconds, e50), `offers answer p50, ${label}: ${answerP50Seconds} against ${e50}`).toBe(true);
    expect(within(answerP90Seconds, e90), `offers answer p90, ${label}: ${answerP90Seconds} against ${e90}`).toBe(true);
  }
}

/** Every rollup and ledger row (sums of seconds to the microsecond: float sums of the same values in another order). */
async function snapshot() {
  const rows = (query: ReturnType<typeof sql>) => t.handle.rows<Record<string, unknown>>(query);
  return {
    promises: await rows(sql`select application_id, job_id, department_id, due_at, decided_at, withdrawn, late_seconds from decision_promises order by application_id`),
    promiseRollup: await rows(sql`
      select grain, period::text, job_id, department_id, kept, late, withdrawn, late_max_seconds from decision_promise_rollup
      where kept <> 0 or late <> 0 or withdrawn <> 0 order by 1, 2, 3, 4`),
    lateness: await rows(sql`
      select grain, period::text, job_id, department_id, bucket, n, round(sum_seconds::numeric, 3) as s from decision_lateness_histogram
      where n <> 0 order by 1, 2, 3, 4, 5`),
    offerFacts: await rows(sql`select * from offer_report_facts order by application_id, version`),
    offerRollup: await rows(sql`
      select grain, period::text, job_id, department_id, sent, viewed, accepted, declined, expired, superseded, answered_before_reminder,
             answered_after_reminder, accepted_before_reminder, accepted_after_reminder, revisions, salary_changes, salary_change_sum::text,
             salary_change_min, salary_change_max
      from offer_rollup where sent <> 0 order by 1, 2, 3, 4`),
    answers: await rows(sql`
      select grain, period::text, job_id, department_id, bucket, n, round(sum_seconds::numeric, 3) as s from offer_answer_histogram
      where n <> 0 order by 1, 2, 3, 4, 5`),
  };
}

async function expectRollupsEqualRebuild() {
  const kept = await snapshot();
  await q(sql`select report_promise_offer_rollups_rebuild()`);
  expect(await snapshot()).toEqual(kept);
}

/** The stage changes of a journey: decided (kept or late), rejected, withdrawn, or still open. */
function journey(a: TApp, kind: 'advance' | 'reject' | 'withdraw' | 'open', decideAfterHours: number): [string, string, number][] {
  const c = a.created;
  const steps: [string, string, number][] = [
    ['received', 'validating', c],
    ['validating', 'screening', c + 1 * HOUR],
    ['screening', 'evaluation', c + 2 * HOUR + 37_000],
  ];
  const decided = c + decideAfterHours * HOUR + Math.floor(rand() * 3_600_000);
  if (kind === 'advance') steps.push(['evaluation', 'decision', decided - HOUR], ['decision', 'offer_drafting', decided], ['offer_drafting', 'offer_approval', decided + HOUR]);
  if (kind === 'reject') steps.push(['evaluation', 'rejected', decided]);
  if (kind === 'withdraw') steps.push(['evaluation', 'withdrawn', decided]);
  return steps;
}

function write(a: TApp, steps: [string, string, number][], firstSeq = 1) {
  return steps.map(([from, to, when], i) => ({ applicationId: a.id, seq: firstSeq + i, from, to, at: at(when), actor: null, source: 'live' as const }));
}

beforeAll(async () => {
  t = await createTestDb('hwe_rollups_po');
  const [u] = await t.handle.rows<{ id: string }>(sql`insert into users (name, email, roles) values ('Hana', ${`${randomUUID()}@example.com`}, '{hr}') returning id`);
  const depts = await t.handle.rows<{ id: string }>(sql`
    insert into departments (name, manager_user_id) values ('Eng', ${u!.id}), ('Sales', ${u!.id}) returning id`);
  jobs = [];
  for (const [i, d] of [depts[0]!, depts[0]!, depts[1]!].entries()) {
    const [j] = await t.handle.rows<{ id: string }>(sql`insert into jobs (title, department_id, definition) values (${`Job ${i}`}, ${d.id}, '{}'::jsonb) returning id`);
    jobs.push({ id: j!.id, departmentId: d.id });
  }
  const transitions: ReturnType<typeof write> = [];
  for (let i = 0; i < 200; i++) {
    const job = pick(jobs);
    // Created over ~11 weeks at any second; the promise three days later.
    const created = T0 + Math.floor(rand() * 78 * 24) * HOUR + Math.floor(rand() * 3_600_000);
    const a: TApp = { id: randomUUID(), jobId: job.id, departmentId: job.departmentId, created, due: created + 72 * HOUR };
    apps.push(a);
    // A fifth get their promise only with a later stage change (as recordStage mirrors it).
    const dueNow = i % 5 !== 0;
    await q(sql`
      insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale, resume, interview,
                                accuracy, created_at, decision_due_at)
      values (${a.id}, 'h', ${a.jobId}, ${a.departmentId}, ${`wf-${a.id}`}, '张伟', ${`${a.id}@example.com`}, 'en', '{}'::jsonb, '{}'::jsonb, 0.5,
              ${at(created)}, ${dueNow ? at(a.due) : null})`);
    const kind = i % 10 === 9 ? 'open' : i % 10 === 8 ? 'withdraw' : i % 10 >= 6 ? 'reject' : 'advance';
    // Decided between 10 h and 110 h after creation: roughly half kept.
    transitions.push(...write(a, journey(a, kind, 10 + Math.floor(rand() * 100))));
  }
  // The real writer, in shuffled order (each stay closed by whichever neighbour comes second).
  for (const tr of transitions.sort(() => rand() - 0.5)) await writeTransition(t.handle.db, tr);
  for (const [i, a] of apps.entries()) {
    if (i % 5 === 0) await q(sql`update applications set decision_due_at = coalesce(decision_due_at, ${at(a.due)}::timestamptz) where id = ${a.id}`);
  }
  // Offers for those that advanced: sent, then viewed, then answered (or not), some revised.
  for (const [i, a] of apps.entries()) {
    if (i % 10 >= 6) continue;
    const sent = a.created + (80 + Math.floor(rand() * 100)) * HOUR + Math.floor(rand() * 3_600_000);
    const revised = i % 3 === 0;
    const base = 20_000 + Math.floor(rand() * 10_000);
    if (revised) {
      await offerVersion(a, 1, { status: 'approved', amount: base, sent: null });
      await offerVersion(a, 1, { status: 'superseded', amount: base, sent: null });
    }
    const v = revised ? 2 : 1;
    const amount = revised ? base + pick([-2000, -500, 1000, 3500]) : base;
    await offerVersion(a, v, { status: 'sent', amount, sent });
    if (i % 4 !== 3) await offerVersion(a, v, { status: 'viewed', amount, sent, viewed: sent + 5 * HOUR });
    const reminded = i % 2 === 0 ? sent + 72 * HOUR : null;
    const responded = sent + (6 + Math.floor(rand() * 120)) * HOUR + Math.floor(rand() * 3_600_000);
    const outcome = pick(['accepted', 'accepted', 'declined', 'expired', 'open'] as const);
    if (outcome === 'expired') await offerVersion(a, v, { status: 'expired', amount, sent, viewed: sent + 5 * HOUR, reminded });
    else if (outcome !== 'open') await offerVersion(a, v, { status: outcome, amount, sent, viewed: sent + 5 * HOUR, reminded, responded });
    // A third revision sent before the second one's row arrives (backfill order): its change waits for v2.
    if (i % 15 === 0) {
      await offerVersion(a, v + 1, { status: 'sent', amount: amount + 700, sent: sent + 2 * HOUR });
    }
  }
}, 240_000);

afterAll(async () => {
  await t?.drop();
});

describe('decision-promise and offers from their rollups', () => {
  it('match the exact queries over the seeded journeys, for every way a period is split', async () => {
    const [c] = await t.handle.rows<{ promises: number; offers: number; late: number; open: number }>(sql`
      select (select count(*) from decision_promises)::int as promises, (select count(*) from offer_report_facts)::int as offers,
             (select count(*) from decision_promises where decided_at > due_at)::int as late,
             (select count(*) from decision_promises where decided_at is null and not withdrawn)::int as open`);
    expect(c).toMatchObject({ promises: 200 });
    expect(c!.offers).toBeGreaterThan(100);
    expect(c!.late).toBeGreaterThan(20);
    expect(c!.open).toBeGreaterThan(10);
    await expectReportsExact();
    await expectRollupsEqualRebuild();
  });

  it('stay exact when decisions come late, promises are withdrawn, offers are answered, revised, erased and deleted', async () => {
    // Open promises decided now, some kept, most late; two more withdrawn after their decision.
    const open = apps.filter((_, i) => i % 10 === 9);
    for (const [k, a] of open.slice(0, 8).entries()) {
      await writeTransition(t.handle.db, { applicationId: a.id, seq: 4, from: 'evaluation', to: k % 2 ? 'rejected' : 'offer_drafting', at: at(a.created + (30 + k * 12) * HOUR), actor: null, source: 'live' });
    }
    for (const a of open.slice(8, 12)) {
      await writeTransition(t.handle.db, { applicationId: a.id, seq: 4, from: 'evaluation', to: 'withdrawn', at: at(a.created + 20 * HOUR), actor: null, source: 'live' });
    }
    const advanced = apps.filter((_, i) => i % 10 < 6);
    await writeTransition(t.handle.db, { applicationId: advanced[1]!.id, seq: 7, from: 'offer_approval', to: 'withdrawn', at: at(advanced[1]!.created + 200 * HOUR), actor: null, source: 'live' });
    // A decision transition deleted (a backfill starts over): the promise is open again.
    await q(sql`delete from stage_transitions where application_id = ${advanced[2]!.id} and to_stage = 'offer_drafting'`);
    // Offers: one answered after the reminder; a salary edited (moving the revision's change); one erased.
    const revisedApps = advanced.filter((_, k) => apps.indexOf(advanced[k]!) % 3 === 0);
    await q(sql`update offer_versions set status = 'accepted', responded_at = sent_at + interval '100 hours', reminded_at = sent_at + interval '72 hours'
                where application_id = ${advanced[4]!.id} and sent_at is not null`);
    await q(sql`update offer_versions set offer = jsonb_set(offer, '{salary,amount}', '12345') where application_id = ${revisedApps[0]!.id} and version = 1`);
    const target = await erasureTarget(t.handle, revisedApps[1]!.id);
    await scrubApplication(t.handle, target!);
    // A version deleted, and whole applications (every fact cascades).
    await q(sql`delete from offer_versions where application_id = ${revisedApps[2]!.id} and version = 1`);
    await q(sql`delete from applications where id in (${advanced[5]!.id}, ${open[12]!.id}, ${apps[6]!.id})`);
    await expectReportsExact();
    await expectRollupsEqualRebuild();
  });

  it('concurrent writers moving the same rollup rows (and the same histogram buckets, both ways) do not deadlock', async () => {
    // Offers of one job sent on two days: every write moves one offer from one day's rows to the
    // other's (and its answer time between two buckets), half of the writers one way and half the
    // other, so unordered upserts (old share out, then new in) would lock the two days' rows in
    // opposite orders.
    const job = jobs[0]!;
    const day = Date.parse('2026-03-12T09:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = randomUUID();
      ids.push(id);
      await q(sql`
        insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale, resume, interview,
                                  accuracy, created_at, decision_due_at)
        values (${id}, 'h', ${job.id}, ${job.departmentId}, ${`wf-${id}`}, 'A', ${`${id}@example.com`}, 'en', '{}'::jsonb, '{}'::jsonb, 0.5,
                ${at(day - 96 * HOUR)}, ${at(day - 24 * HOUR)})`);
      await q(sql`
        insert into offer_versions (application_id, version, status, offer, sent_at, responded_at)
        values (${id}, 1, 'accepted', '{"salary":{"amount":1000}}'::jsonb, ${at(day)}, ${at(day + (i % 2 ? 10 : 20) * HOUR)})`);
    }
    const clients = ids.map(() => postgres(t.url, { max: 1, onnotice: () => {} }));
    try {
      const errors: unknown[] = [];
      await Promise.all(
        clients.map(async (c, i) => {
          const id = ids[i]!;
          for (let round = 0; round < 15; round++) {
            const hours = (i + round) % 2 ? 10 : 20;
            try {
              // One fact per transaction, as the mirror activities write: its offer and a decision on its promise.
              await c.begin(async (tx) => {
                // Half the writers move their offer from one day to the next, the other half back.
                const sent = day + ((i + round) % 2) * 24 * HOUR;
                await tx`update offer_versions set sent_at = ${at(sent)}, responded_at = ${at(sent + hours * HOUR)},
                                offer = ${JSON.stringify({ salary: { amount: 1000 + round } })}::jsonb
                         where application_id = ${id} and version = 1`;
                await tx`insert into stage_transitions (application_id, seq, from_stage, to_stage, at, job_id, department_id)
                         values (${id}, ${round + 1}, 'evaluation', ${round % 2 ? 'rejected' : 'offer_drafting'}, ${at(day - (round % 3) * 30 * HOUR)}, ${job.id}, ${job.departmentId})`;
                if (round > 0) await tx`delete from stage_transitions where application_id = ${id} and seq = ${round}`;
              });
            } catch (e) {
              errors.push(e);
            }
          }
        }),
      );
      expect(errors).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    await expectReportsExact();
    await expectRollupsEqualRebuild();
  }, 120_000);
});
