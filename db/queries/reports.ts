/**
 * The reports HR is judged by (docs/reports.md), each one SQL statement or two over indexed
 * rows: `stage_transitions` (one row per stay in a stage), `applications`, `approval_items`,
 * `offer_versions`, `messages` and `employees`. Nothing is aggregated in Node: the rows that
 * come back are the report's own lines (a stage, a template, a level), plus capped lists of
 * the cases HR follows up (late decisions, rejected approvals).
 *
 * The funnel, stage-times and approvals reports read the rollups of migrations 0013 and 0015
 * (per UTC day, ISO week and month, and per job, department or everything), and the
 * communications, onboarding and hiring-quality reports those of migration 0016, and the
 * decision-promise and offers reports those of migration 0017 (per UTC day and month, per job
 * and department); all are kept by triggers. A report reads them for the
 * period's whole days, weeks and months, and the facts' indexes only for its partial first and
 * last days (rollupParts, periodParts); percentiles come from the rollups' duration histograms
 * (histogramPercentiles), within PERCENTILE_MAX_RELATIVE_ERROR.
 *
 * Periods are half-open, [from, to). Which facts fall in a period:
 *   funnel, stage-times  the stays that began in it
 *   decision-promise     the promises that fell due in it
 *   approvals            the approval requests made in it
 *   offers               the offer versions sent in it
 *   communications       the messages created in it
 *   onboarding           the new hires created (offer accepted) in it
 *   hiring-quality       the applications received in it
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbHandle } from '../client';
import { STAGES } from '../../domain/stages';
import { EXIT_STAGES } from '../schema/stage-transitions';
import { PERCENTILE_MAX_RELATIVE_ERROR } from '../../domain/contracts/reports';
import { ROLLUP_ALL } from '../schema/report-rollups';
import { nonEmptyJsonArray } from '../schema/applications';
import type {
  TApprovalTimes,
  TApprovalsReport,
  TCommunicationRow,
  TDecisionPromiseReport,
  TFunnelRow,
  THiringQualityReport,
  TOffersReport,
  TOnboardingReport,
  TStageTimesReport,
} from '../../domain/contracts/reports';

export interface TReportFilter {
  from: Date;
  to: Date;
  jobId?: string | undefined;
  departmentId?: string | undefined;
}

/** How many late decisions and rejected approvals a report lists (the counts cover all). */
export const LIST_LIMIT = 200;

/** Leaving probation by failing it is an exit too: the probation's pass-through is its pass rate. */
const FUNNEL_EXITS = [...EXIT_STAGES, 'probation_failed'];
/** Where an application stays for good (`hired` for workflows from before probation). */
const FINAL_STAGES = [...FUNNEL_EXITS, 'hired', 'confirmed'];
const EXITS = sql.raw(FUNNEL_EXITS.map((s) => `'${s}'`).join(', '));
const ENDED = sql.raw(FINAL_STAGES.map((s) => `'${s}'`).join(', '));

/** `and <alias>.job_id = … and <alias>.department_id = …` for the filters given. */
function scope(f: TReportFilter, alias: string): SQL {
  const a = sql.raw(alias);
  return sql`${f.jobId ? sql` and ${a}.job_id = ${f.jobId}::uuid` : sql``}${f.departmentId ? sql` and ${a}.department_id = ${f.departmentId}::uuid` : sql``}`;
}
/**
 * For tables without job and department: `and <alias>.application_id in (the filter's
 * applications)`, nothing without a filter, so the period index is read alone.
 */
function inScope(f: TReportFilter, alias: string): SQL {
  if (!f.jobId && !f.departmentId) return sql``;
  return sql` and ${sql.raw(alias)}.application_id in (select a.id from applications a where true${scope(f, 'a')})`;
}
const period = (f: TReportFilter, column: string) =>
  sql`${sql.raw(column)} >= ${f.from.toISOString()}::timestamptz and ${sql.raw(column)} < ${f.to.toISOString()}::timestamptz`;

let observer: ((query: SQL) => void) | null = null;
/** For `npm run bench`, which prints the plan of every report query: sees each query run, until called with null. */
export function observeReportQueries(fn: ((query: SQL) => void) | null): void {
  observer = fn;
}

/**
 * Runs one report query. JIT off: the planner's cost for per-application look-ups crosses
 * the JIT threshold, and compiling then takes longer than the query (hundreds of ms).
 * work_mem raised for the percentiles' sorts, which otherwise spill to disk at a year's data.
 */
async function read<T extends Record<string, unknown>>(db: DbHandle, query: SQL): Promise<T[]> {
  observer?.(query);
  return db.db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '32MB'`);
    return rowsOf<T>(await tx.execute(query));
  });
}


// ---- rollups -----------------------------------------------------------------------

const DAY_MS = 86_400_000;
const ymd = (d: Date) => d.toISOString().slice(0, 10);
const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));

/**
 * A period split for the rollups: `facts`, the partial days at either end (read from the
 * facts); `days` and `months`, the whole UTC days and months between them (read from the
 * rollups' `day` and `month` rows). All half-open; days and months as YYYY-MM-DD.
 */
export interface TPeriodParts {
  facts: [Date, Date][];
  days: [string, string][];
  months: [string, string][];
}

export function periodParts(from: Date, to: Date): TPeriodParts {
  const d0 = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const d1 = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
  if (d0 >= d1) return { facts: [[from, to]], days: [], months: [] };
  const facts: [Date, Date][] = [];
  if (from < d0) facts.push([from, d0]);
  if (d1 < to) facts.push([d1, to]);
  let m0 = monthStart(d0);
  if (m0 < d0) m0 = new Date(Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + 1, 1));
  const m1 = monthStart(d1);
  if (m0 >= m1) return { facts, days: [[ymd(d0), ymd(d1)]], months: [] };
  const days: [string, string][] = [];
  if (d0 < m0) days.push([ymd(d0), ymd(m0)]);
  if (m1 < d1) days.push([ymd(m1), ymd(d1)]);
  return { facts, days, months: [[ymd(m0), ymd(m1)]] };
}

const anyOf = (parts: SQL[]) => (parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`);
/** The rollup rows (`<alias>.grain`, `<alias>.period`) of the period's whole days and months. */
export function inRollup(p: TPeriodParts, alias: string): SQL {
  const a = sql.raw(alias);
  const range = (grain: string) => ([x, y]: [string, string]) =>
    sql`(${a}.grain = ${grain} and ${a}.period >= ${x}::date and ${a}.period < ${y}::date)`;
  return anyOf([...p.days.map(range('day')), ...p.months.map(range('month'))]);
}
/** The facts of the period's partial days. */
export function inFacts(p: TPeriodParts, column: string): SQL {
  const c = sql.raw(column);
  return anyOf(p.facts.map(([x, y]) => sql`(${c} >= ${x.toISOString()}::timestamptz and ${c} < ${y.toISOString()}::timestamptz)`));
}

/**
 * p50 and p90 per group from a duration histogram: `hist` yields rows (the `keys`, bucket, n,
 * s: how many durations fell in the bucket and their sum). Buckets of the same group are added
 * up; each bucket stands for its mean (s / n), and the percentile is percentile_cont's
 * interpolation between the two ranks around q·(n − 1), each taken as its bucket's mean, so it
 * is within the bucket width (1 %) of the exact figure, and exact when a bucket holds equal
 * durations. Yields the keys, `total` and `p50`, `p90`.
 */
export function histogramPercentiles(hist: SQL, keys: string[]): SQL {
  const k = sql.raw(keys.join(', '));
  const at = (q: number, name: string) => {
    const rank = sql.raw(`${q} * (total - 1)`);
    return sql`(array_agg(v order by bucket) filter (where cum > floor(${rank})))[1] as ${sql.raw(`${name}_lo`)},
               (array_agg(v order by bucket) filter (where cum > floor(${rank}) + 1))[1] as ${sql.raw(`${name}_hi`)}`;
  };
  const value = (q: number, name: string) =>
    sql.raw(`${name}_lo + (${q} * (total - 1) - floor(${q} * (total - 1))) * (coalesce(${name}_hi, ${name}_lo) - ${name}_lo) as ${name}`);
  return sql`
    select ${k}, total::int as total, ${value(0.5, 'p50')}, ${value(0.9, 'p90')}
    from (
      select ${k}, total, ${at(0.5, 'p50')}, ${at(0.9, 'p90')}
      from (
        select ${k}, bucket, s / n as v,
               sum(n) over (partition by ${k} order by bucket) as cum,
               sum(n) over (partition by ${k}) as total
        from (select ${k}, bucket, sum(n) as n, sum(s) as s from (${hist}) hist group by ${k}, bucket having sum(n) > 0) hb
      ) c
      group by ${k}, total
    ) r`;
}

// ---- scoped rollups (migration 0015) -----------------------------------------------

/**
 * A period split for the scoped rollups: as periodParts, with the ISO weeks (from Monday)
 * inside the whole days outside the months, so that a period reads at most six day rows on
 * either side of its weeks: `weeks` as YYYY-MM-DD of their Mondays, half-open.
 */
export interface TRollupParts extends TPeriodParts {
  weeks: [string, string][];
}

const mondayOnOrAfter = (d: Date) => new Date(d.getTime() + ((8 - (d.getUTCDay() || 7)) % 7) * DAY_MS);
const mondayOnOrBefore = (d: Date) => new Date(d.getTime() - (((d.getUTCDay() || 7) - 1) % 7) * DAY_MS);

export function rollupParts(from: Date, to: Date): TRollupParts {
  const p = periodParts(from, to);
  const days: [string, string][] = [];
  const weeks: [string, string][] = [];
  for (const [x, y] of p.days) {
    const [a, b] = [new Date(`${x}T00:00:00Z`), new Date(`${y}T00:00:00Z`)];
    const w0 = mondayOnOrAfter(a);
    const w1 = mondayOnOrBefore(b);
    if (w0 >= w1) {
      days.push([x, y]);
      continue;
    }
    if (a < w0) days.push([x, ymd(w0)]);
    weeks.push([ymd(w0), ymd(w1)]);
    if (w1 < b) days.push([ymd(w1), y]);
  }
  return { facts: p.facts, days, weeks, months: p.months };
}

/**
 * The rows of a scoped rollup for the period's whole days, weeks and months and the filter: a
 * job's own rows, else the department's (job ROLLUP_ALL), else everything's (both ROLLUP_ALL).
 * One select per part (`select <columns> from <table> r where …`), to be joined by union all:
 * each is one range of the table's scope or job index, read index-only (an OR of the parts
 * would be a bitmap scan that visits the heap).
 */
function scopedRollup(p: TRollupParts, f: TReportFilter, table: string, columns: SQL): SQL[] {
  const all = sql`${ROLLUP_ALL}::uuid`;
  const who = f.jobId
    ? sql`r.job_id = ${f.jobId}::uuid${f.departmentId ? sql` and r.department_id = ${f.departmentId}::uuid` : sql``}`
    : sql`r.department_id = ${f.departmentId ? sql`${f.departmentId}::uuid` : all} and r.job_id = ${all}`;
  const part = (grain: string) => ([x, y]: [string, string]) =>
    sql`select ${columns} from ${sql.raw(table)} r where ${who} and r.grain = ${grain} and r.period >= ${x}::date and r.period < ${y}::date`;
  return [...p.days.map(part('day')), ...p.weeks.map(part('week')), ...p.months.map(part('month'))];
}

/** One select per partial day of the period over the facts (`where <column> in the part<and>`), as scopedRollup. */
function partialDays(p: TRollupParts, column: string, select: (range: SQL) => SQL): SQL[] {
  const c = sql.raw(column);
  return p.facts.map(([x, y]) => select(sql`${c} >= ${x.toISOString()}::timestamptz and ${c} < ${y.toISOString()}::timestamptz`));
}

const unionAll = (parts: SQL[]) => sql.join(parts, sql` union all `);

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const order = (stage: string) => STAGES.indexOf(stage as (typeof STAGES)[number]);

// ---- funnel ------------------------------------------------------------------------

export async function funnel(db: DbHandle, f: TReportFilter): Promise<TFunnelRow[]> {
  const p = rollupParts(f.from, f.to);
  const rows = await read<{ stage: string; entered: number; moved_on: number; rejected: number; withdrawn: number; declined: number; expired: number; still_there: number }>(db, sql`
    select stage, sum(entered)::int as entered, sum(moved_on)::int as moved_on, sum(rejected)::int as rejected,
           sum(withdrawn)::int as withdrawn, sum(declined)::int as declined, sum(expired)::int as expired,
           sum(entered - "left")::int as still_there
    from (${unionAll([
      ...scopedRollup(p, f, 'stage_rollup', sql`r.stage, r.entered, r."left", r.moved_on, r.rejected, r.withdrawn, r.declined, r.expired`),
      ...partialDays(p, 't.at', (range) => sql`
        select to_stage as stage, count(*) as entered, count(next_stage) as "left",
               count(*) filter (where next_stage not in (${EXITS})) as moved_on,
               count(*) filter (where next_stage = 'rejected') as rejected,
               count(*) filter (where next_stage = 'withdrawn') as withdrawn,
               count(*) filter (where next_stage = 'declined') as declined,
               count(*) filter (where next_stage = 'expired') as expired
        from stage_transitions t
        where ${range}${scope(f, 't')}
        group by to_stage`),
    ])}
    ) x
    group by stage
    having sum(entered) > 0`);
  return rows
    .map((r) => ({
      stage: r.stage,
      entered: r.entered,
      movedOn: r.moved_on,
      // A stage nobody leaves except by ending has no pass-through.
      passThrough: FINAL_STAGES.includes(r.stage) ? null : ratio(r.moved_on, r.entered),
      rejected: r.rejected,
      withdrawn: r.withdrawn,
      declined: r.declined,
      expired: r.expired,
      stillThere: r.still_there,
    }))
    .sort((a, b) => order(a.stage) - order(b.stage));
}

// ---- stage-times -------------------------------------------------------------------

export async function stageTimes(db: DbHandle, f: TReportFilter, now: Date): Promise<TStageTimesReport> {
  // Finished stays: the histogram of the period's whole days and months, and the partial days'
  // stays bucketed the same way (report_duration_bucket, migration 0013); the maximum is exact.
  const p = rollupParts(f.from, f.to);
  // Finished and open stays are independent queries: run at once (as approvals' three).
  const [done, open] = await Promise.all([
    read<{ stage: string; completed: number; p50: number | null; p90: number | null; max: number | null }>(db, sql`
    with pct as (${histogramPercentiles(
      unionAll([
        ...scopedRollup(p, f, 'stage_stay_histogram', sql`r.stage, r.bucket, r.n, r.sum_seconds as s`),
        ...partialDays(p, 't.at', (range) => sql`
          select to_stage as stage, report_duration_bucket(stay_seconds) as bucket, count(*) as n, sum(stay_seconds) as s
          from stage_transitions t where ${range}${scope(f, 't')} and stay_seconds is not null
          group by 1, 2`),
      ]),
      ['stage'],
    )}),
    mx as (
      select stage, max(m) as max from (${unionAll([
        ...scopedRollup(p, f, 'stage_rollup', sql`r.stage, r.max_seconds as m`),
        ...partialDays(p, 't.at', (range) => sql`select to_stage as stage, stay_seconds as m from stage_transitions t where ${range}${scope(f, 't')}`),
      ])}) x group by stage
    )
    select pct.stage, pct.total as completed, pct.p50, pct.p90, mx.max from pct join mx on mx.stage = pct.stage`),
    read<{ stage: string; current: number; p50: number | null; max: number | null }>(db, sql`
    with stays as (
      select to_stage, extract(epoch from ${now.toISOString()}::timestamptz - at)::float8 as secs
      from stage_transitions t
      where left_at is null and to_stage not in (${ENDED})${scope(f, 't')}
    )
    select to_stage as stage, count(*)::int as current,
           percentile_cont(0.5) within group (order by secs) as p50,
           max(secs) as max
    from stays group by to_stage`),
  ]);
  const round = (n: number | null) => (n === null ? null : Math.round(Number(n) * 1000) / 1000);
  const stages = [...new Set([...done.map((r) => r.stage), ...open.map((r) => r.stage)])].sort((a, b) => order(a) - order(b));
  const rows = stages.map((stage) => {
    const d = done.find((r) => r.stage === stage);
    const o = open.find((r) => r.stage === stage);
    return {
      stage,
      completed: d?.completed ?? 0,
      p50Seconds: round(d?.p50 ?? null),
      p90Seconds: round(d?.p90 ?? null),
      maxSeconds: round(d?.max ?? null),
      current: o?.current ?? 0,
      currentP50Seconds: round(o?.p50 ?? null),
      currentMaxSeconds: round(o?.max ?? null),
    };
  });
  return { percentileMaxRelativeError: PERCENTILE_MAX_RELATIVE_ERROR, stages: rows };
}

// ---- decision-promise --------------------------------------------------------------

/**
 * The decision is the stage change out of evaluation or decision into rejected or offer drafting.
 * The CTE below is MATERIALIZED: inlined, its look-up ran once per mention, some 20 times a row.
 */
const DECIDED = sql`select min(d.at) from stage_transitions d
  where d.application_id = a.id and d.from_stage in ('evaluation', 'decision') and d.to_stage in ('rejected', 'offer_drafting')`;

/**
 * The decision-promise report computed from every application of the period, as before the
 * rollups (exact lateness p50): the reference the rollup-backed decisionPromise is tested and
 * benchmarked against.
 */
export async function decisionPromiseExact(db: DbHandle, f: TReportFilter, now: Date): Promise<Omit<TDecisionPromiseReport, 'percentileMaxRelativeError'>> {
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const base = sql`
    select a.id, a.job_id, a.decision_due_at as due_at, (${DECIDED}) as decided_at,
           exists (select 1 from stage_transitions w where w.application_id = a.id and w.to_stage = 'withdrawn') as withdrawn
    from applications a
    where a.decision_due_at is not null and ${period(f, 'a.decision_due_at')}${scope(f, 'a')}`;
  const [summary] = await read<TPromiseSummary>(db, sql`
    with p as materialized (${base}),
    c as (
      select *, case
        when decided_at is not null and decided_at <= due_at then 'kept'
        when decided_at is not null then 'late'
        when withdrawn then 'withdrawn'
        when due_at < ${nowSql} then 'late_open'
        else 'pending' end as outcome,
        extract(epoch from coalesce(decided_at, ${nowSql}) - due_at)::float8 as late_secs
      from p
    )
    select count(*)::int as due,
           count(*) filter (where outcome = 'kept')::int as kept,
           count(*) filter (where outcome in ('late', 'late_open'))::int as late,
           count(*) filter (where outcome = 'late_open')::int as late_open,
           count(*) filter (where outcome = 'pending')::int as pending,
           count(*) filter (where outcome = 'withdrawn')::int as withdrawn,
           percentile_cont(0.5) within group (order by late_secs) filter (where outcome in ('late', 'late_open')) as late_p50,
           max(late_secs) filter (where outcome in ('late', 'late_open')) as late_max
    from c`);
  const late = await read<{ id: string; job_id: string; due_at: string | Date; decided_at: string | Date | null; late_secs: number }>(db, sql`
    with p as materialized (${base})
    select id, job_id, due_at, decided_at, extract(epoch from coalesce(decided_at, ${nowSql}) - due_at)::float8 as late_secs
    from p
    where (decided_at is not null and decided_at > due_at) or (decided_at is null and not withdrawn and due_at < ${nowSql})
    order by late_secs desc, id
    limit ${LIST_LIMIT}`);
  return promiseReport(summary!, late);
}

type TPromiseSummary = {
  due: number;
  kept: number;
  /** Decided late, or undecided past the promise (late_open). */
  late: number;
  late_open: number;
  pending: number;
  withdrawn: number;
  late_p50: number | null;
  late_max: number | null;
};
type TLateRow = { id: string; job_id: string; due_at: string | Date; decided_at: string | Date | null; late_secs: number };

/** The decision-promise report from its figures and its late rows (both the exact and the rollup query). */
function promiseReport(s: TPromiseSummary, late: TLateRow[]): Omit<TDecisionPromiseReport, 'percentileMaxRelativeError'> {
  return {
    due: s.due,
    keptInTime: s.kept,
    late: s.late,
    lateOpen: s.late_open,
    pending: s.pending,
    withdrawn: s.withdrawn,
    keptRate: ratio(s.kept, s.kept + s.late),
    lateP50Seconds: s.late_p50 === null ? null : Math.round(Number(s.late_p50)),
    lateMaxSeconds: s.late_max === null ? null : Math.round(Number(s.late_max)),
    lateList: late.map((r) => ({
      applicationId: r.id,
      jobId: r.job_id,
      dueAt: iso(r.due_at)!,
      decidedAt: iso(r.decided_at),
      lateSeconds: Math.round(Number(r.late_secs)),
    })),
  };
}

/**
 * Decision promises from the rollups of migration 0017: the settled ones (kept, late with their
 * lateness, withdrawn before a decision) from decision_promise_rollup and its lateness histogram
 * for the period's whole days and months, and from the decision_promises ledger for its partial
 * days; the open ones (undecided, not withdrawn), whose outcome depends on `now`, from the
 * ledger's partial index of open promises. Lateness p50 from the histogram (open promises'
 * lateness bucketed at the request's now), within PERCENTILE_MAX_RELATIVE_ERROR; counts and the
 * maximum exact. The late list: the 200 most late decided promises from decision_promises_late_idx
 * (a decided promise's lateness is fixed) and the 200 oldest open ones past due, merged.
 */
export async function decisionPromise(db: DbHandle, f: TReportFilter, now: Date): Promise<TDecisionPromiseReport> {
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const p = periodParts(f.from, f.to);
  const openRows = sql`decision_promises o where o.decided_at is null and not o.withdrawn and ${period(f, 'o.due_at')}${scope(f, 'o')}`;
  const [summary] = await read<{
    kept: number;
    late: number;
    withdrawn: number;
    late_open: number;
    pending: number;
    late_p50: number | null;
    late_max: number | null;
  }>(db, sql`
    with settled as (
      select coalesce(sum(kept), 0)::int as kept, coalesce(sum(late), 0)::int as late, coalesce(sum(withdrawn), 0)::int as withdrawn,
             max(late_max) as late_max
      from (
        select r.kept, r.late, r.withdrawn, r.late_max_seconds as late_max from decision_promise_rollup r where ${inRollup(p, 'r')}${scope(f, 'r')}
        union all
        select count(*) filter (where s.decided_at <= s.due_at), count(*) filter (where s.decided_at > s.due_at),
               count(*) filter (where s.decided_at is null), max(s.late_seconds)
        from decision_promises s where (s.decided_at is not null or s.withdrawn) and ${inFacts(p, 's.due_at')}${scope(f, 's')}
      ) x
    ),
    open as (
      select count(*) filter (where o.due_at < ${nowSql})::int as late_open, count(*) filter (where o.due_at >= ${nowSql})::int as pending,
             extract(epoch from ${nowSql} - min(o.due_at) filter (where o.due_at < ${nowSql}))::float8 as late_max
      from ${openRows}
    ),
    pct as (${histogramPercentiles(
      sql`
        select 'all' as k, r.bucket, r.n, r.sum_seconds as s from decision_lateness_histogram r where ${inRollup(p, 'r')}${scope(f, 'r')}
        union all
        select 'all', report_duration_bucket(s.late_seconds), count(*), sum(s.late_seconds)
        from decision_promises s where s.decided_at > s.due_at and ${inFacts(p, 's.due_at')}${scope(f, 's')}
        group by 2
        union all
        select 'all', report_duration_bucket(x.secs), count(*), sum(x.secs)
        from (select extract(epoch from ${nowSql} - o.due_at)::float8 as secs from ${openRows} and o.due_at < ${nowSql}) x
        group by 2`,
      ['k'],
    )})
    select settled.kept, settled.late, settled.withdrawn, open.late_open, open.pending,
           pct.p50 as late_p50, greatest(settled.late_max, open.late_max) as late_max
    from settled cross join open left join pct on true`);
  const late = await read<TLateRow>(db, sql`
    select * from (
      (select d.application_id as id, d.job_id, d.due_at, d.decided_at, d.late_seconds as late_secs
       from decision_promises d
       where d.decided_at > d.due_at and ${period(f, 'd.due_at')}${scope(f, 'd')}
       -- nulls last as the index has it (a late row's lateness is never null), so a long period
       -- reads its most late rows off decision_promises_late_idx and stops at 200 in the period.
       order by d.late_seconds desc nulls last, d.application_id
       limit ${LIST_LIMIT})
      union all
      (select o.application_id, o.job_id, o.due_at, null, extract(epoch from ${nowSql} - o.due_at)::float8
       from ${openRows} and o.due_at < ${nowSql}
       order by o.due_at, o.application_id
       limit ${LIST_LIMIT})
    ) l
    order by late_secs desc, id
    limit ${LIST_LIMIT}`);
  const s = summary!;
  return {
    percentileMaxRelativeError: PERCENTILE_MAX_RELATIVE_ERROR,
    ...promiseReport({ ...s, due: s.kept + s.late + s.withdrawn + s.late_open + s.pending, late: s.late + s.late_open }, late),
  };
}

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

// ---- approvals ---------------------------------------------------------------------

export async function approvals(db: DbHandle, f: TReportFilter): Promise<TApprovalsReport> {
  // Counts and request-to-decision times from the approval rollups for the whole days and
  // months, from approval_items_requested_idx for the partial days.
  const p = rollupParts(f.from, f.to);
  const counts = unionAll([
    ...scopedRollup(p, f, 'approval_rollup', sql`r.level, r.user_id, r.requested, r.approved, r.rejected, r.delegated`),
    ...partialDays(p, 'i.requested_at', (range) => sql`
      select i.level, i.user_id, count(*) as requested, count(*) filter (where i.status = 'approved') as approved,
             count(*) filter (where i.status = 'rejected') as rejected, count(*) filter (where i.status = 'delegated') as delegated
      from approval_items i where i.requested_at is not null and ${range}${inScope(f, 'i')}
      group by 1, 2`),
  ]);
  const hist = unionAll([
    ...scopedRollup(p, f, 'approval_time_histogram', sql`r.level, r.user_id, r.bucket, r.n, r.sum_seconds as s`),
    ...partialDays(p, 'i.requested_at', (range) => sql`
      select i.level, i.user_id, report_duration_bucket(x.secs) as bucket, count(*) as n, sum(x.secs) as s
      from approval_items i cross join lateral (select extract(epoch from i.decided_at - i.requested_at)::float8 as secs) x
      where i.requested_at is not null and ${range}${inScope(f, 'i')}
        and i.status in ('approved', 'rejected') and i.decided_at is not null
      group by 1, 2, 3`),
  ]);
  const times = (key: string) => sql`
    with c as (
      select ${sql.raw(key)}, sum(requested) as requested, sum(approved)::int as approved, sum(rejected)::int as rejected,
             sum(delegated)::int as delegated
      from (${counts}) x group by ${sql.raw(key)} having sum(requested) > 0
    ),
    pct as (${histogramPercentiles(sql`select ${sql.raw(key)}, bucket, n, s from (${hist}) h`, [key])})
    select c.*, pct.p50, pct.p90 from c left join pct using (${sql.raw(key)})`;
  type Times = { approved: number; rejected: number; delegated: number; p50: number | null; p90: number | null };
  // The three queries are independent: run on three connections at once, the report waits for
  // the slowest instead of their sum (with three round trips each, most of it latency when loaded).
  const [levels, byUser, rejections] = await Promise.all([
    read<Times & { level: number }>(db, sql`${times('level')} order by level`),
    read<Times & { user_id: string; name: string | null; reminders: number }>(db, sql`
    with t as (${times('user_id')}),
    r as (
      select m.recipient_user_id as user_id, count(*)::int as reminders
      from messages m
      where m.purpose = 'offer_approval_reminder' and ${period(f, 'm.created_at')}${inScope(f, 'm')}
      group by m.recipient_user_id
    )
    select t.*, u.name, coalesce(r.reminders, 0)::int as reminders
    from t left join users u on u.id = t.user_id left join r on r.user_id = t.user_id
    order by u.name nulls last, t.user_id`),
    read<{ application_id: string; version: number; level: number; user_id: string; name: string | null; comment: string | null; decided_at: string | Date }>(db, sql`
    select i.application_id, i.version, i.level, i.user_id, u.name, i.comment, i.decided_at
    from approval_items i left join users u on u.id = i.user_id
    where i.status = 'rejected' and i.requested_at is not null and ${period(f, 'i.requested_at')}${inScope(f, 'i')}
    order by i.decided_at desc, i.application_id
    limit ${LIST_LIMIT}`),
  ]);
  const t = (r: Times): TApprovalTimes => ({
    decided: r.approved + r.rejected,
    approved: r.approved,
    rejected: r.rejected,
    delegated: r.delegated,
    p50Seconds: r.p50 === null ? null : Math.round(Number(r.p50)),
    p90Seconds: r.p90 === null ? null : Math.round(Number(r.p90)),
  });
  return {
    percentileMaxRelativeError: PERCENTILE_MAX_RELATIVE_ERROR,
    levels: levels.map((r) => ({ level: r.level + 1, ...t(r) })),
    approvers: byUser.map((r) => ({ userId: r.user_id, name: r.name, remindersSent: r.reminders, ...t(r) })),
    rejections: rejections.map((r) => ({
      applicationId: r.application_id,
      version: r.version,
      level: r.level + 1,
      userId: r.user_id,
      name: r.name,
      comment: r.comment,
      decidedAt: iso(r.decided_at)!,
    })),
  };
}

// ---- offers ------------------------------------------------------------------------

/** The offers report from every offer version of the period, as before the rollups (exact percentiles): the reference for offers. */
export async function offersExact(db: DbHandle, f: TReportFilter): Promise<Omit<TOffersReport, 'percentileMaxRelativeError'>> {
  const [r] = await read<TOfferFigures>(db, sql`
    with v as (
      select o.status, o.sent_at, o.viewed_at, o.reminded_at, o.responded_at, o.version,
             extract(epoch from o.responded_at - o.sent_at)::float8 as answer_secs,
             (o.offer->'salary'->>'amount')::float8 - (p.offer->'salary'->>'amount')::float8 as salary_change
      from offer_versions o
      join applications a on a.id = o.application_id
      left join offer_versions p on p.application_id = o.application_id and p.version = o.version - 1
      where o.sent_at is not null and ${period(f, 'o.sent_at')}${scope(f, 'a')}
    )
    select count(*)::int as sent,
           count(*) filter (where viewed_at is not null or status in ('viewed', 'accepted', 'declined'))::int as viewed,
           count(*) filter (where status = 'accepted')::int as accepted,
           count(*) filter (where status = 'declined')::int as declined,
           count(*) filter (where status = 'expired')::int as expired,
           count(*) filter (where status = 'superseded')::int as superseded,
           percentile_cont(0.5) within group (order by answer_secs) filter (where responded_at is not null) as answer_p50,
           percentile_cont(0.9) within group (order by answer_secs) filter (where responded_at is not null) as answer_p90,
           count(*) filter (where responded_at is not null and (reminded_at is null or responded_at < reminded_at))::int as before_reminder,
           count(*) filter (where responded_at is not null and responded_at >= reminded_at)::int as after_reminder,
           count(*) filter (where status = 'accepted' and (reminded_at is null or responded_at < reminded_at))::int as accepted_before,
           count(*) filter (where status = 'accepted' and responded_at >= reminded_at)::int as accepted_after,
           count(*) filter (where version > 1)::int as revisions,
           avg(salary_change) filter (where version > 1) as change_mean,
           min(salary_change) filter (where version > 1) as change_min,
           max(salary_change) filter (where version > 1) as change_max
    from v`);
  return offersReport(r!);
}

type TOfferFigures = {
  sent: number;
  viewed: number;
  accepted: number;
  declined: number;
  expired: number;
  superseded: number;
  answer_p50: number | null;
  answer_p90: number | null;
  before_reminder: number;
  after_reminder: number;
  accepted_before: number;
  accepted_after: number;
  revisions: number;
  change_mean: number | null;
  change_min: number | null;
  change_max: number | null;
};

/** The offers report from its figures (both the exact and the rollup query). */
function offersReport(r: TOfferFigures): Omit<TOffersReport, 'percentileMaxRelativeError'> {
  const num = (n: number | null) => (n === null ? null : Math.round(Number(n) * 100) / 100);
  return {
    sent: r.sent,
    viewed: r.viewed,
    accepted: r.accepted,
    declined: r.declined,
    expired: r.expired,
    superseded: r.superseded,
    acceptanceRate: ratio(r.accepted, r.accepted + r.declined + r.expired),
    answerP50Seconds: r.answer_p50 === null ? null : Math.round(Number(r.answer_p50)),
    answerP90Seconds: r.answer_p90 === null ? null : Math.round(Number(r.answer_p90)),
    answeredBeforeReminder: r.before_reminder,
    answeredAfterReminder: r.after_reminder,
    acceptedBeforeReminder: r.accepted_before,
    acceptedAfterReminder: r.accepted_after,
    revisions: r.revisions,
    salaryChangeMean: num(r.change_mean),
    salaryChangeMin: num(r.change_min),
    salaryChangeMax: num(r.change_max),
  };
}

/**
 * Offers from the rollups of migration 0017: counts, reminder splits, revisions and the salary
 * changes' count, sum, min and max from offer_rollup for the period's whole days and months, and
 * from the offer_report_facts ledger for its partial days; time to answer from the answer-time
 * histogram, within PERCENTILE_MAX_RELATIVE_ERROR. Everything but the percentiles is exact.
 */
export async function offers(db: DbHandle, f: TReportFilter): Promise<TOffersReport> {
  const p = periodParts(f.from, f.to);
  const [r] = await read<Omit<TOfferFigures, 'change_mean'> & { changes: number; change_sum: string }>(db, sql`
    with c as (
      select coalesce(sum(sent), 0)::int as sent, coalesce(sum(viewed), 0)::int as viewed, coalesce(sum(accepted), 0)::int as accepted,
             coalesce(sum(declined), 0)::int as declined, coalesce(sum(expired), 0)::int as expired,
             coalesce(sum(superseded), 0)::int as superseded, coalesce(sum(before_reminder), 0)::int as before_reminder,
             coalesce(sum(after_reminder), 0)::int as after_reminder, coalesce(sum(accepted_before), 0)::int as accepted_before,
             coalesce(sum(accepted_after), 0)::int as accepted_after, coalesce(sum(revisions), 0)::int as revisions,
             coalesce(sum(changes), 0)::int as changes, coalesce(sum(change_sum), 0)::text as change_sum,
             min(change_min) as change_min, max(change_max) as change_max
      from (
        select r.sent, r.viewed, r.accepted, r.declined, r.expired, r.superseded, r.answered_before_reminder as before_reminder,
               r.answered_after_reminder as after_reminder, r.accepted_before_reminder as accepted_before,
               r.accepted_after_reminder as accepted_after, r.revisions, r.salary_changes as changes, r.salary_change_sum as change_sum,
               r.salary_change_min as change_min, r.salary_change_max as change_max
        from offer_rollup r where ${inRollup(p, 'r')}${scope(f, 'r')}
        union all
        select count(*), count(*) filter (where o.viewed), count(*) filter (where o.status = 'accepted'),
               count(*) filter (where o.status = 'declined'), count(*) filter (where o.status = 'expired'),
               count(*) filter (where o.status = 'superseded'), count(*) filter (where o.answered_before_reminder),
               count(*) filter (where o.answered_after_reminder), count(*) filter (where o.accepted_before_reminder),
               count(*) filter (where o.accepted_after_reminder), count(*) filter (where o.version > 1), count(o.salary_change),
               coalesce(sum(o.salary_change::numeric), 0), min(o.salary_change), max(o.salary_change)
        from offer_report_facts o where ${inFacts(p, 'o.sent_at')}${scope(f, 'o')}
      ) x
    ),
    pct as (${histogramPercentiles(
      sql`
        select 'all' as k, r.bucket, r.n, r.sum_seconds as s from offer_answer_histogram r where ${inRollup(p, 'r')}${scope(f, 'r')}
        union all
        select 'all', report_duration_bucket(o.answer_seconds), count(*), sum(o.answer_seconds)
        from offer_report_facts o where o.answer_seconds is not null and ${inFacts(p, 'o.sent_at')}${scope(f, 'o')}
        group by 2`,
      ['k'],
    )})
    select c.*, pct.p50 as answer_p50, pct.p90 as answer_p90 from c left join pct on true`);
  const { changes, change_sum, ...o } = r!;
  return {
    percentileMaxRelativeError: PERCENTILE_MAX_RELATIVE_ERROR,
    // The sum is numeric (exact); the mean as avg() gives it, over the changes.
    ...offersReport({ ...o, change_mean: changes > 0 ? Number(change_sum) / changes : null }),
  };
}

// ---- communications ----------------------------------------------------------------

/**
 * From communication_rollup (migration 0016) for the whole days and months, from the
 * messages' period index for the partial days, counted by the same share function the
 * rollup's trigger uses. Exact: counts only.
 */
export async function communications(db: DbHandle, f: TReportFilter): Promise<TCommunicationRow[]> {
  const p = periodParts(f.from, f.to);
  const rows = await read<{ template: string; locale: string; channel: string; created: number; sent: number; failed: number; opened: number }>(db, sql`
    select template, locale, channel, sum(created)::int as created, sum(sent)::int as sent, sum(failed)::int as failed,
           sum(opened)::int as opened
    from (
      select r.template, r.locale, r.channel, r.created, r.sent, r.failed, r.opened
      from communication_rollup r where ${inRollup(p, 'r')}${scope(f, 'r')}
      union all
      select s.template, s.locale, s.channel, count(*), sum(s.sent), sum(s.failed), sum(s.opened)
      from messages m cross join lateral communication_share(m) s where ${inFacts(p, 'm.created_at')}${scope(f, 's')}
      group by 1, 2, 3
    ) x
    group by template, locale, channel
    having sum(created) > 0
    order by template, locale, channel`);
  return rows.map((r) => ({ ...r, openRate: r.channel === 'email' ? ratio(r.opened, r.sent) : null }));
}

/** The communications report straight from every message of the period: the reference its rollup is held to (tests, bench). */
export async function communicationsFromFacts(db: DbHandle, f: TReportFilter): Promise<TCommunicationRow[]> {
  const join = f.jobId || f.departmentId ? sql`join applications a on a.id = m.application_id` : sql``;
  const rows = await read<{ template: string; locale: string; channel: string; created: number; sent: number; failed: number; opened: number }>(db, sql`
    select m.template, m.locale, m.channel,
           count(*)::int as created,
           count(*) filter (where m.status in ('sent', 'opened'))::int as sent,
           count(*) filter (where m.status = 'failed')::int as failed,
           count(*) filter (where m.opened_at is not null)::int as opened
    from messages m ${join}
    where ${period(f, 'm.created_at')}${f.jobId || f.departmentId ? scope(f, 'a') : sql``}
    group by m.template, m.locale, m.channel
    order by m.template, m.locale, m.channel`);
  return rows.map((r) => ({ ...r, openRate: r.channel === 'email' ? ratio(r.opened, r.sent) : null }));
}

// ---- onboarding --------------------------------------------------------------------

type TOnboardingSummary = { started: number; hired: number; docs_rejected: number; first: number; retake: number; not_passed: number; p50: number | null; p90: number | null };
type TOnboardingTasks = { assignee: string; on_time: number; late: number; open: number };
/** The report from its summary row (p50 and p90 in days) and its rows per assignee. */
function onboardingReport(s: TOnboardingSummary, tasks: TOnboardingTasks[], percentileMaxRelativeError: number | null): TOnboardingReport {
  const days = (n: number | null) => (n === null ? null : Math.round(Number(n) * 100) / 100);
  return {
    percentileMaxRelativeError,
    started: s.started,
    hired: s.hired,
    tasks: tasks.map((r) => ({ assignee: r.assignee, onTime: r.on_time, late: r.late, open: r.open })),
    documentsRejected: s.docs_rejected,
    courses: { passedFirstAttempt: s.first, passedAfterRetake: s.retake, notPassed: s.not_passed },
    acceptedToHiredP50Days: days(s.p50),
    acceptedToHiredP90Days: days(s.p90),
  };
}

/**
 * From the onboarding rollups (migration 0016) for the whole days and months and the
 * employees' period index for the partial days, each new hire counted by the share functions
 * the rollups' triggers use. Counts are exact; the acceptance-to-hired p50 and p90 come from
 * a 1 % histogram (histogramPercentiles), within PERCENTILE_MAX_RELATIVE_ERROR.
 */
export async function onboarding(db: DbHandle, f: TReportFilter): Promise<TOnboardingReport> {
  const p = periodParts(f.from, f.to);
  // The partial days' new hires, through one of the share functions (onboarding_*_share, migration 0016).
  const hires = (share: string) => sql`employees e cross join lateral ${sql.raw(share)}(e) s where ${inFacts(p, 'e.created_at')}${scope(f, 'e')}`;
  const [s] = await read<TOnboardingSummary>(db, sql`
    with c as (
      select coalesce(sum(started), 0)::int as started, coalesce(sum(hired), 0)::int as hired,
             coalesce(sum(documents_rejected), 0)::int as docs_rejected, coalesce(sum(first), 0)::int as first,
             coalesce(sum(retake), 0)::int as retake, coalesce(sum(not_passed), 0)::int as not_passed
      from (
        select r.started, r.hired, r.documents_rejected, r.courses_first_attempt as first, r.courses_after_retake as retake,
               r.courses_not_passed as not_passed
        from onboarding_rollup r where ${inRollup(p, 'r')}${scope(f, 'r')}
        union all
        select 1, s.hired, s.documents_rejected, s.courses_first_attempt, s.courses_after_retake, s.courses_not_passed
        from ${hires('onboarding_hire_share')}
      ) x
    ),
    pct as (${histogramPercentiles(
      sql`
        select 'all'::text as k, r.bucket, r.n, r.sum_seconds as s from onboarding_hired_histogram r where ${inRollup(p, 'r')}${scope(f, 'r')}
        union all
        select 'all'::text, report_duration_bucket(s.secs), count(*), sum(s.secs)
        from ${hires('onboarding_hired_share')} group by 2`,
      ['k'],
    )})
    select c.*, pct.p50 / 86400 as p50, pct.p90 / 86400 as p90 from c left join pct on true`);
  const tasks = await read<TOnboardingTasks>(db, sql`
    select assignee, sum(on_time)::int as on_time, sum(late)::int as late, sum(open)::int as open
    from (
      select r.assignee, r.on_time, r.late, r.open from onboarding_task_rollup r where ${inRollup(p, 'r')}${scope(f, 'r')}
      union all
      select s.assignee, s.on_time, s.late, s.open from ${hires('onboarding_task_share')}
    ) x
    group by assignee
    having sum(on_time) + sum(late) + sum(open) > 0
    order by assignee`);
  return onboardingReport(s!, tasks, PERCENTILE_MAX_RELATIVE_ERROR);
}

/** The onboarding report straight from every new hire of the period, exact percentiles: the reference its rollups are held to (tests, bench). */
export async function onboardingFromFacts(db: DbHandle, f: TReportFilter): Promise<TOnboardingReport> {
  const hires = sql`select e.id, e.application_id, e.created_at, e.hired_at, e.task_outcomes, e.course_outcomes from employees e where ${period(f, 'e.created_at')}${scope(f, 'e')}`;
  const [s] = await read<TOnboardingSummary>(db, sql`
    with h as (${hires}),
    courses as (select (c->>'attempts')::int as attempts, (c->>'passed')::boolean as passed from h, jsonb_array_elements(coalesce(h.course_outcomes, '[]'::jsonb)) c),
    -- The employee row is created by the acceptance (convertToEmployee), hired_at set with 'hired'.
    days as (select extract(epoch from hired_at - created_at)::float8 / 86400 as d from h where hired_at is not null)
    select (select count(*) from h)::int as started,
           (select count(*) from h where hired_at is not null)::int as hired,
           (select count(*) from employee_documents d join h on h.id = d.employee_id where d.status = 'rejected')::int as docs_rejected,
           (select count(*) from courses where passed and attempts = 1)::int as first,
           (select count(*) from courses where passed and attempts > 1)::int as retake,
           (select count(*) from courses where not passed)::int as not_passed,
           (select percentile_cont(0.5) within group (order by d) from days) as p50,
           (select percentile_cont(0.9) within group (order by d) from days) as p90`);
  const tasks = await read<TOnboardingTasks>(db, sql`
    with h as (${hires}),
    t as (select t->>'assignee' as assignee, (t->>'dueDate')::date as due, (t->>'completedAt')::timestamptz as done
          from h, jsonb_array_elements(coalesce(h.task_outcomes, '[]'::jsonb)) t)
    select assignee,
           count(*) filter (where done is not null and done < (due + 1)::timestamp at time zone 'UTC')::int as on_time,
           count(*) filter (where done is not null and done >= (due + 1)::timestamp at time zone 'UTC')::int as late,
           count(*) filter (where done is null)::int as open
    from t group by assignee order by assignee`);
  return onboardingReport(s!, tasks, null);
}

// ---- hiring-quality ----------------------------------------------------------------

type TAgreementRow = { competency: string; evaluated: number; mean_ai: number | null; mean_human: number; mean_gap: number | null; mean_abs_gap: number | null; higher: number; lower: number; equal: number };
type TDiscrepancyRow = { rule: string; found: number; high: number; confirmed: number; dismissed: number; retest: number; unresolved: number };
/** The report from its rows per competency (means rounded to two decimals) and per rule. */
function hiringQualityReport(agreement: TAgreementRow[], discrepancies: TDiscrepancyRow[]): THiringQualityReport {
  const r2 = (n: number | null) => Math.round(Number(n) * 100) / 100;
  return {
    agreement: agreement.map((r) => ({
      competency: r.competency,
      evaluated: r.evaluated,
      meanAi: r2(r.mean_ai),
      meanHuman: r2(r.mean_human),
      meanGap: r2(r.mean_gap),
      meanAbsGap: r2(r.mean_abs_gap),
      humanHigher: r.higher,
      humanLower: r.lower,
      equal: r.equal,
    })),
    discrepancies,
  };
}

/**
 * From the quality rollups (migration 0016) for the whole days and months and the
 * applications' period index for the partial days, by the share functions the rollups'
 * triggers use. Exact: counts, and means as exact (numeric) sums over counts.
 */
export async function hiringQuality(db: DbHandle, f: TReportFilter): Promise<THiringQualityReport> {
  const p = periodParts(f.from, f.to);
  // The partial days' applications that can count, each partial day read as a range of the
  // partial index of migration 0019 whose predicate the statement repeats (the rollup's
  // triggers', 0018). Not one scan with the two days OR-ed: the planner filtered the whole
  // index by them (100,000 rows for 1,160 in the bench, 130 ms).
  const apps = (share: string, column: string) => {
    // (an empty range when the period has no partial day)
    const ranges = p.facts.length ? p.facts : [[f.to, f.to] as [Date, Date]];
    const each = ranges.map(
      ([x, y]) => sql`select s.* from applications a cross join lateral ${sql.raw(share)}(a) s
        where a.created_at >= ${x.toISOString()}::timestamptz and a.created_at < ${y.toISOString()}::timestamptz${scope(f, 'a')}
          and ${nonEmptyJsonArray(column)}`,
    );
    return sql`(${sql.join(each, sql` union all `)}) s`;
  };
  const agreement = await read<TAgreementRow>(db, sql`
    select competency, sum(evaluated)::int as evaluated,
           (sum(sum_ai) / nullif(sum(n_ai), 0))::float8 as mean_ai, (sum(sum_human) / sum(evaluated))::float8 as mean_human,
           (sum(sum_gap) / nullif(sum(n_ai), 0))::float8 as mean_gap, (sum(sum_abs_gap) / nullif(sum(n_ai), 0))::float8 as mean_abs_gap,
           sum(human_higher)::int as higher, sum(human_lower)::int as lower, sum(equal)::int as equal
    from (
      select r.competency, r.evaluated, r.n_ai, r.sum_ai, r.sum_human, r.sum_gap, r.sum_abs_gap, r.human_higher, r.human_lower, r.equal
      from quality_agreement_rollup r where ${inRollup(p, 'r')}${scope(f, 'r')}
      union all
      select s.competency, count(*), count(s.ai), coalesce(sum(s.ai), 0), sum(s.human), coalesce(sum(s.human - s.ai), 0),
             coalesce(sum(abs(s.human - s.ai)), 0), count(*) filter (where s.human > s.ai), count(*) filter (where s.human < s.ai),
             count(*) filter (where s.human = s.ai)
      from ${apps('quality_agreement_share', 'a.score_dimensions')}
      group by 1
    ) x
    group by competency
    having sum(evaluated) > 0
    order by competency`);
  const discrepancies = await read<TDiscrepancyRow>(db, sql`
    select rule, sum(found)::int as found, sum(high)::int as high, sum(confirmed)::int as confirmed, sum(dismissed)::int as dismissed,
           sum(retest)::int as retest, sum(unresolved)::int as unresolved
    from (
      select r.rule, r.found, r.high, r.confirmed, r.dismissed, r.retest, r.unresolved
      from quality_discrepancy_rollup r where ${inRollup(p, 'r')}${scope(f, 'r')}
      union all
      select s.rule, count(*), count(*) filter (where s.severity = 'high'), count(*) filter (where s.resolution = 'confirmed'),
             count(*) filter (where s.resolution = 'dismissed'), count(*) filter (where s.resolution = 'retest'),
             count(*) filter (where s.resolution is null)
      from ${apps('quality_discrepancy_share', 'a.discrepancies')}
      group by 1
    ) x
    group by rule
    having sum(found) > 0
    order by rule`);
  return hiringQualityReport(agreement, discrepancies);
}

/** The hiring-quality report straight from every application of the period: the reference its rollups are held to (tests, bench). */
export async function hiringQualityFromFacts(db: DbHandle, f: TReportFilter): Promise<THiringQualityReport> {
  const apps = sql`select a.score_dimensions, a.discrepancies from applications a where ${period(f, 'a.created_at')}${scope(f, 'a')}`;
  const agreement = await read<TAgreementRow>(db, sql`
    with p as (${apps}),
    d as (select x->>'key' as competency, (x->>'ai')::float8 as ai, (x->>'human')::float8 as human
          from p, jsonb_array_elements(p.score_dimensions) x
          where p.score_dimensions is not null and x->>'human' is not null)
    select competency, count(*)::int as evaluated,
           avg(ai) as mean_ai, avg(human) as mean_human, avg(human - ai) as mean_gap, avg(abs(human - ai)) as mean_abs_gap,
           count(*) filter (where human > ai)::int as higher,
           count(*) filter (where human < ai)::int as lower,
           count(*) filter (where human = ai)::int as equal
    from d group by competency order by competency`);
  const discrepancies = await read<TDiscrepancyRow>(db, sql`
    with p as (${apps}),
    d as (select x->>'rule' as rule, x->>'severity' as severity, x->>'resolution' as resolution
          from p, jsonb_array_elements(p.discrepancies) x where p.discrepancies is not null)
    select rule, count(*)::int as found,
           count(*) filter (where severity = 'high')::int as high,
           count(*) filter (where resolution = 'confirmed')::int as confirmed,
           count(*) filter (where resolution = 'dismissed')::int as dismissed,
           count(*) filter (where resolution = 'retest')::int as retest,
           count(*) filter (where resolution is null)::int as unresolved
    from d group by rule order by rule`);
  return hiringQualityReport(agreement, discrepancies);
}
