/**
 * The plan times (EXPLAIN (ANALYZE, BUFFERS), JIT off, as the reports run) of report queries on
 * a kept database seeded by scripts/bench/reports-db.ts: every query a report function runs,
 * for the bench's three filters (last 30 days; one job over 90 days; a whole year), `runs`
 * times each, in turn, so that a loaded machine slows every report alike. Prints per report
 * and filter the median and largest sum of its queries' execution times, and with
 * PLANS=1 the last plans in full.
 *
 *   npx tsx scripts/bench/reports-plans.ts <database> [runs] [report,report,...]
 *
 * REPORTS_MODULE=<path> times another copy of db/queries/reports.ts (an A/B against the
 * queries before a change).
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { openDb } from '../../db/client';
import type * as Reports from '../../db/queries/reports';

const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DAY = 86_400_000;

async function main() {
  const [name, runsArg, namesArg] = process.argv.slice(2);
  if (!name) throw new Error('usage: reports-plans.ts <database> [runs] [reports]');
  const reports = (await import(process.env.REPORTS_MODULE ?? '../../db/queries/reports')) as typeof Reports;
  const runs = Number(runsArg ?? 5);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: url.toString(), dataDir: '.test-data', poolSize: 1 });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const runners: Record<string, (f: Reports.TReportFilter) => Promise<unknown>> = {
    funnel: (f) => reports.funnel(handle, f),
    'stage-times': (f) => reports.stageTimes(handle, f, new Date()),
    approvals: (f) => reports.approvals(handle, f),
  };
  const names = namesArg ? namesArg.split(',') : Object.keys(runners);
  const [job] = await sql<{ id: string }[]>`select id from jobs where title = 'Reports job 0'`;
  const now = Date.now();
  const filters: [string, Reports.TReportFilter][] = [
    ['30 days', { from: new Date(now - 30 * DAY), to: new Date(now) }],
    ['one job, 90 days', { from: new Date(now - 90 * DAY), to: new Date(now), jobId: job!.id }],
    ['365 days', { from: new Date(now - 365 * DAY), to: new Date(now) }],
  ];
  const dialect = new PgDialect();
  const times = new Map<string, number[]>();
  const plans = new Map<string, string[]>();
  try {
    for (let run = 0; run < runs + 1; run++) {
      for (const report of names) {
        for (const [label, f] of filters) {
          const seen: SQL[] = [];
          reports.observeReportQueries((q) => seen.push(q));
          try {
            await runners[report]!(f);
          } finally {
            reports.observeReportQueries(null);
          }
          let total = 0;
          const shown: string[] = [];
          for (const q of seen.map((s) => dialect.sqlToQuery(s))) {
            const plan = await sql.begin(async (tx) => {
              await tx`set local jit = off`;
              await tx`set local work_mem = '32MB'`;
              if (process.env.NO_BITMAP === '1') await tx`set local enable_bitmapscan = off`;
              return (await tx.unsafe(`explain (analyze, buffers) ${q.sql}`, q.params as never[])).map((r) => String(r['QUERY PLAN']));
            });
            total += Number(/Execution Time: ([\d.]+)/.exec(plan.at(-1)!)![1]);
            shown.push(plan.join('\n'));
          }
          const key = `${report} | ${label}`;
          if (run > 0) times.set(key, [...(times.get(key) ?? []), total]);
          plans.set(key, shown);
        }
      }
    }
    const [load] = await sql<{ l: string }[]>`select pg_read_file('/proc/loadavg') as l`.catch(() => [{ l: '?' }]);
    console.log(`runs ${runs} after one warm-up; load ${load?.l.trim() ?? '?'}`);
    for (const [key, t] of times) {
      const s = [...t].sort((a, b) => a - b);
      console.log(`${key}: median ${s[Math.floor(s.length / 2)]!.toFixed(1)} ms, max ${s.at(-1)!.toFixed(1)} ms (plan execution, all queries)`);
    }
    if (process.env.PLANS === '1') for (const [key, p] of plans) console.log(`\n### ${key}\n\n${p.map((x) => '```\n' + x + '\n```').join('\n')}`);
  } finally {
    await sql.end();
    await handle.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
