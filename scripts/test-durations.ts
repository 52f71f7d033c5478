/**
 * Rewrites test/durations.json, the order the two-at-a-time test run starts its files in
 * (longest first: test/helpers/sequencer.ts), from a JSON report of a run of it:
 *
 *   npx vitest run --config vitest.parallel.config.ts --reporter=json --outputFile=/tmp/run.json
 *   npx tsx scripts/test-durations.ts /tmp/run.json
 *
 * Worth redoing when a file's time changes by much or files are added; a file missing from
 * the list still runs (first). Only the order changes with it, never what runs. Files the
 * report does not have (a partial run), or has without a time (it failed in its set-up), keep
 * their listed time; files that no longer exist are dropped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'test/durations.json');

interface TReport {
  testResults: { name: string; startTime: number; endTime: number }[];
}

const report = process.argv[2];
if (!report) {
  console.error('usage: tsx scripts/test-durations.ts <vitest JSON report>');
  process.exit(2);
}
const { testResults } = JSON.parse(readFileSync(report, 'utf8')) as TReport;
const previous: Record<string, number> = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as { seconds: Record<string, number> }).seconds : {};
const seconds: Record<string, number> = { ...previous };
for (const r of testResults) {
  const file = path.relative(ROOT, r.name).split(path.sep).join('/');
  const ms = r.endTime - r.startTime;
  // A file that failed before its tests ran reports no time: it keeps the one listed.
  if (ms <= 0) continue;
  // At least 0.1 s: a file whose tests all finish within a tick still has a place in the order.
  seconds[file] = Math.max(0.1, Math.round(ms / 100) / 10);
}
for (const file of Object.keys(seconds)) if (!existsSync(path.join(ROOT, file))) delete seconds[file];
const sorted = Object.fromEntries(Object.entries(seconds).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)));
writeFileSync(
  OUT,
  `${JSON.stringify({ about: 'Seconds per test file in a run of vitest.parallel.config.ts: only the order files start in (longest first). Rewritten by scripts/test-durations.ts.', seconds: sorted }, null, 2)}\n`,
);
console.log(`${Object.keys(sorted).length} files -> ${path.relative(ROOT, OUT)}`);
