/**
 * The error bound the stage-times and approvals reports state (PERCENTILE_MAX_RELATIVE_ERROR):
 * their p50 and p90 come from the rollups' duration histograms (report_duration_bucket of
 * migration 0013, summed by histogramPercentiles). Here both run on known distributions in
 * PostgreSQL and are held against percentile_cont over the same values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../db/client';
import { histogramPercentiles } from '../../db/queries/reports';
import { PERCENTILE_MAX_RELATIVE_ERROR } from '../../domain/contracts/reports';
import { createTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb('hwe_histogram');
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

/** Values in seconds, drawn reproducibly (setseed) in SQL. */
const DISTRIBUTIONS: Record<string, string> = {
  'uniform, 1 s to 28 h': 'select 1 + random() * 100000 as v from generate_series(1, 20000)',
  // Box–Muller: exp(N(9, 1.5)), median about 2.25 h, a long right tail.
  lognormal: 'select exp(9 + 1.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) as v from generate_series(1, 20000)',
  'exponential, mean 1 h': 'select -3600 * ln(1 - random()) as v from generate_series(1, 20000)',
  'bimodal: minutes and days': 'select case when g % 2 = 0 then 30 + random() * 60 else 345600 + random() * 86400 end as v from generate_series(1, 10001) g',
  'whole hours (stays of a workflow waiting on people)': 'select 3600 * (1 + floor(random() * 72)) as v from generate_series(1, 5000)',
  'a handful': 'select v from unnest(array[7, 42.5, 3600, 86400.25, 90000]::float8[]) v',
  'two values': 'select v from unnest(array[120, 7200]::float8[]) v',
  'one value': 'select 12345.678::float8 as v',
  'under a second and around it': 'select random() * 3 as v from generate_series(1, 3000)',
};

type P = { p50: number; p90: number };
async function compare(values: string): Promise<{ exact: P; approx: P }> {
  return t.handle.db.transaction(async (tx) => {
    await tx.execute(sql`select setseed(0.42)`);
    await tx.execute(sql.raw(`create temp table d on commit drop as ${values}`));
    const [exact] = rowsOf<P>(await tx.execute(sql`select percentile_cont(0.5) within group (order by v) as p50, percentile_cont(0.9) within group (order by v) as p90 from d`));
    const hist: SQL = sql`select 'all' as k, report_duration_bucket(v) as bucket, count(*) as n, sum(v) as s from d group by 2`;
    const [approx] = rowsOf<P>(await tx.execute(histogramPercentiles(hist, ['k'])));
    return { exact: exact!, approx: approx! };
  });
}

/** 1 %; where durations under a second (bucket 0) are among the two ranks, one second more. */
const bound = (exact: number, subSecond: boolean) => PERCENTILE_MAX_RELATIVE_ERROR * exact + (subSecond ? 1 : 0);

describe('percentiles from the duration histogram', () => {
  it.each(Object.entries(DISTRIBUTIONS))('%s: p50 and p90 within the stated bound of percentile_cont', async (name, values) => {
    const { exact, approx } = await compare(values);
    for (const q of ['p50', 'p90'] as const) {
      const e = Number(exact[q]);
      const a = Number(approx[q]);
      expect(Math.abs(a - e), `${q}: histogram ${a}, exact ${e}`).toBeLessThanOrEqual(bound(e, name.startsWith('under a second')) + 1e-9);
    }
  });

  it('are exact when every bucket holds equal durations', async () => {
    const { exact, approx } = await compare(DISTRIBUTIONS['whole hours (stays of a workflow waiting on people)']!);
    expect(Number(approx.p50)).toBeCloseTo(Number(exact.p50), 6);
    expect(Number(approx.p90)).toBeCloseTo(Number(exact.p90), 6);
  });

  it('uses buckets 1 % wide: a bucket never spans more than its bottom plus 1 %', async () => {
    const [r] = await t.handle.rows<{ below: number; one: number; same: number; next: number }>(sql`
      select report_duration_bucket(0.999) as below, report_duration_bucket(1) as one, report_duration_bucket(1.0099) as same,
             report_duration_bucket(1.0101) as next`);
    expect(r).toEqual({ below: 0, one: 1, same: 1, next: 2 });
    // Any value and 1.01 % more are never in one bucket, from a second to 700 years.
    const [w] = await t.handle.rows<{ always_next: boolean }>(sql`
      select bool_and(report_duration_bucket(v * 1.0101) > report_duration_bucket(v)) as always_next
      from (select exp(random() * 23) as v from generate_series(1, 10000)) x where v >= 1`);
    expect(w!.always_next).toBe(true);
  });
});
