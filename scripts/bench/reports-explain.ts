/**
 * On a database seeded by reports-db.ts: `plans` (default) prints EXPLAIN (ANALYZE, BUFFERS)
 * of the decision-promise and offers functions' own SQL for the bench's three filters; `ab [n]`
 * times each function and its exact reference alternately, n rounds after one warm-up.
 *   npx tsx scripts/bench/reports-explain.ts <database> [plans | ab [n]]
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { openDb } from '../../db/client';
import * as reports from '../../db/queries/reports';
const name = process.argv[2];
if (!name) throw new Error('usage: reports-explain.ts <database> [plans | ab [n]]');
const mode = process.argv[3] ?? 'plans';
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const h = await openDb({ databaseUrl: url, dataDir: '.data', poolSize: 2 });
const sql = postgres(url, { max: 1, onnotice: () => {} });
const [job] = await sql<{ id: string }[]>`select id from jobs where title = 'Reports job 0'`;
const DAY = 86_400_000;
const now = Date.now();
const filters = [
  { label: '30 days', f: { from: new Date(now - 30 * DAY), to: new Date(now) } },
  { label: 'one job 90 days', f: { from: new Date(now - 90 * DAY), to: new Date(now), jobId: job!.id } },
  { label: '365 days', f: { from: new Date(now - 365 * DAY), to: new Date(now) } },
];
const fns = {
  'decision-promise': (f: reports.TReportFilter) => reports.decisionPromise(h, f, new Date()),
  'decision-promise exact': (f: reports.TReportFilter) => reports.decisionPromiseExact(h, f, new Date()),
  offers: (f: reports.TReportFilter) => reports.offers(h, f),
  'offers exact': (f: reports.TReportFilter) => reports.offersExact(h, f),
};
if (mode === 'plans') {
  for (const name of ['decision-promise', 'offers'] as const) {
    for (const { label, f } of filters) {
      const seen: SQL[] = [];
      reports.observeReportQueries((q) => seen.push(q));
      await fns[name](f);
      reports.observeReportQueries(null);
      for (const q of seen.map((x) => new PgDialect().sqlToQuery(x))) {
        const plan = await sql.begin(async (tx) => {
          await tx`set local jit = off`;
          await tx`set local work_mem = '32MB'`;
          return (await tx.unsafe(`explain (analyze, buffers) ${q.sql}`, q.params as never[])).map((r) => String(r['QUERY PLAN'])).join('\n');
        });
        console.log(`### ${name}, ${label}\n\`\`\`\n${plan}\n\`\`\`\n`);
      }
    }
  }
} else {
  // A/B: new and exact alternately, n rounds, per filter.
  const n = Number(process.argv[4] ?? 10);
  const times: Record<string, number[]> = {};
  for (let i = 0; i < n + 1; i++) {
    for (const [fname, fn] of Object.entries(fns)) {
      for (const { label, f } of filters) {
        const t0 = performance.now();
        await fn(f);
        const t = performance.now() - t0;
        if (i > 0) (times[`${fname} | ${label}`] ??= []).push(t);
      }
    }
  }
  const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
  for (const [k, xs] of Object.entries(times)) console.log(`${k}: p50 ${pct(xs, 0.5).toFixed(0)} ms, max ${pct(xs, 1).toFixed(0)} ms`);
}
await sql.end();
await h.close();
