/**
 * `npm run bench`: how much the engine adds to Temporal, measured on this machine.
 *
 * Starts its own stack (an in-memory Temporal dev server, a fresh PostgreSQL database on
 * the local server, the worker and the API as separate processes, the API on a real
 * port), seeds an organisation through the API, runs each measurement against its
 * reference taken in the same run, prints a table and writes bench/RESULTS.md (only the
 * generated part between its markers; the analysis below them is kept). Everything it
 * started is stopped and the database dropped at the end, also on Ctrl-C.
 *
 * BENCH_QUICK=1 runs every measurement at about a fifth of its size (a few minutes less).
 * Sizes (defaults in brackets):
 *   BENCH_STARTS [2000]  BENCH_START_CONCURRENCY [32]  BENCH_START_WARMUP [64] (per side, not measured)
 *   BENCH_START_ROUNDS [one per 250 starts, at least 4] (per side, alternating)  BENCH_EVALUATIONS [300]
 *   BENCH_READS [500]  BENCH_RANKING_SIZES [10000,100000]  BENCH_RANKING_SAMPLES [300]
 *   BENCH_OPEN_WORKFLOWS [1000]  BENCH_JOURNEYS [200]  BENCH_JOURNEY_CONCURRENCY [50]
 *   BENCH_PDF_LETTERS [200]  BENCH_BATCH_ITEMS [500]  BENCH_REPORT_APPLICATIONS [100000] (10 stage transitions each)  BENCH_REPORT_SAMPLES [30]
 *   BENCH_MEMORY_VARIANTS [1]  0: measure the worker as shipped only, not also as shipped
 *                 before (webpack in the worker, the SDK's cache size), with the SDK's cache,
 *                 with the deployment flags README suggests, and with the cache sizes below
 *   BENCH_CACHE_VARIANTS [500]  worker cache sizes the memory phase also measures ('' for none; 500 was the default before 250)
 *   BENCH_COMPILED [1]  0: measure the tsx worker only, not also the compiled one (npm run build,
 *                 npm run worker:prod) in the memory phase and again in the journeys phase
 *   BENCH_COMPILED_API [1]  0: run the API through tsx (npm run api) instead of compiled (npm run api:prod,
 *                 what production runs)
 *   BENCH_EARLIER_API  a dist/ built (npm run build) from earlier code: the starts and evaluations phases
 *                 also measure that compiled API against the same stack, for a before/after of the API in one run
 *   BENCH_BARE_FRONT [1]  0: the starts phase leaves out its third side, the bare HTTP front
 *                 (scripts/bench/bare-front.ts), which shows what an HTTP hop costs a start by itself
 *   BENCH_WORKFLOW_BUNDLE  a pre-built workflow bundle for every worker (see scripts/bench/build-bundle.ts)
 *   BENCH_MEMORY_EXTRA  more memory variants, ';' between variants, each a list of NAME=value settings
 *                 for its worker, e.g. 'BENCH_COMPILED=1 WORKER_MAX_CACHED_WORKFLOWS=250;BENCH_COMPILED=1 MALLOC_ARENA_MAX=2'
 *   BENCH_EARLIER_BUNDLE  a workflow bundle built from earlier code: the memory phase also measures a
 *                 worker loading it, for a before/after of workflow code in one run
 *   BENCH_WORKER_NODE_ARGS, BENCH_API_NODE_ARGS  extra node options for the worker / API processes
 *                 (e.g. --cpu-prof --cpu-prof-dir=DIR, --max-semi-space-size=32)
 *   BENCH_PHASES  a subset of pdf,starts,batch,evaluations,status,ranking,reports,memory,journeys
 *   BENCH_PROFILE e.g. api:evaluations,worker:journeys — CPU-profiles that process during
 *                 that phase (.cpuprofile in .data/bench/<run>/, summary printed)
 *   BENCH_OUT     where to write the results; a run with other sizes, fewer phases or a
 *                 profile writes into .data/bench/<run>/ unless this is set
 *   BENCH_PG_URL  the PostgreSQL server (default TEST_PG_URL or postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_LOG_LEVEL  the API's and worker's LOG_LEVEL [info, as deployed]
 *   BENCH_WORKER_DEBUG_MODE=1  workflows on the worker's main thread (the SDK's debugMode), so that
 *                 BENCH_HEAP_SNAPSHOT_DIR=DIR (memory phase: a full GC, then a .heapsnapshot per
 *                 variant) holds them too
 * Benchmarks are never tests: nothing here fails on a missed target.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import type { BenchContext, PhaseResult, Row } from './bench/context';
import { verdict } from './bench/context';
import { benchEvaluations, benchStatus } from './bench/phases/round-trips';
import { benchJourneys, journeysResult, runJourneys, type JourneyRun } from './bench/phases/journeys';
import { benchMemory, type MemoryVariant } from './bench/phases/memory';
import { benchPdf } from './bench/phases/pdf';
import { benchConsole } from './bench/phases/console';
import { benchRanking } from './bench/phases/ranking';
import { benchReports } from './bench/phases/reports';
import { benchStarts } from './bench/phases/starts';
import { benchBatch } from './bench/phases/batch';
import { summarizeProfile } from './bench/profile';
import { seedOrg } from './bench/seed';
import { BenchStack, ROOT, StageWatcher } from './bench/stack';
import { prepareRawApplications, startRaw } from './bench/context';
import { application } from './bench/fixtures';
import { buildWorkflowBundle } from './bench/build-bundle';
import { envInt, envList, log, pool } from './bench/util';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../worker';

const ALL_PHASES = ['console', 'pdf', 'starts', 'batch', 'evaluations', 'status', 'ranking', 'reports', 'memory', 'journeys'];
const QUICK = process.env.BENCH_QUICK === '1';
const DEFAULTS = {
  starts: QUICK ? 200 : 2000,
  startConcurrency: 32,
  evaluations: QUICK ? 100 : 300,
  reads: QUICK ? 200 : 500,
  rankingSizes: '10000,100000',
  rankingSamples: QUICK ? 100 : 300,
  openWorkflows: QUICK ? 300 : 1000,
  journeys: QUICK ? 40 : 200,
  journeyConcurrency: QUICK ? 20 : 50,
  pdfLetters: QUICK ? 50 : 200,
  reportApplications: QUICK ? 20000 : 100000,
  reportSamples: QUICK ? 10 : 30,
  batchItems: 500,
};
const cfg = {
  phases: envList('BENCH_PHASES', ALL_PHASES),
  starts: envInt('BENCH_STARTS', DEFAULTS.starts),
  startConcurrency: envInt('BENCH_START_CONCURRENCY', DEFAULTS.startConcurrency),
  evaluations: envInt('BENCH_EVALUATIONS', DEFAULTS.evaluations),
  reads: envInt('BENCH_READS', DEFAULTS.reads),
  rankingSizes: envList('BENCH_RANKING_SIZES', DEFAULTS.rankingSizes.split(',')).map(Number),
  rankingSamples: envInt('BENCH_RANKING_SAMPLES', DEFAULTS.rankingSamples),
  openWorkflows: envInt('BENCH_OPEN_WORKFLOWS', DEFAULTS.openWorkflows),
  journeys: envInt('BENCH_JOURNEYS', DEFAULTS.journeys),
  journeyConcurrency: envInt('BENCH_JOURNEY_CONCURRENCY', DEFAULTS.journeyConcurrency),
  pdfLetters: envInt('BENCH_PDF_LETTERS', DEFAULTS.pdfLetters),
  reportApplications: envInt('BENCH_REPORT_APPLICATIONS', DEFAULTS.reportApplications),
  reportSamples: envInt('BENCH_REPORT_SAMPLES', DEFAULTS.reportSamples),
  batchItems: envInt('BENCH_BATCH_ITEMS', DEFAULTS.batchItems),
  cacheVariants: process.env.BENCH_CACHE_VARIANTS === '' ? [] : envList('BENCH_CACHE_VARIANTS', ['500']).map(Number),
  memoryVariants: process.env.BENCH_MEMORY_VARIANTS !== '0',
  profile: envList('BENCH_PROFILE', []),
  compiled: process.env.BENCH_COMPILED !== '0',
};
const COMPILED_LABEL = 'compiled worker (npm run build; npm run worker:prod)';
for (const p of cfg.phases) if (!ALL_PHASES.includes(p)) throw new Error(`BENCH_PHASES: unknown phase ${p} (know ${ALL_PHASES.join(', ')})`);
const isFullRun =
  !QUICK &&
  cfg.phases.length === ALL_PHASES.length &&
  !cfg.profile.length &&
  !process.env.BENCH_WORKFLOW_BUNDLE &&
  !process.env.BENCH_EARLIER_BUNDLE &&
  !process.env.BENCH_EARLIER_API &&
  process.env.BENCH_BARE_FRONT !== '0' &&
  !process.env.BENCH_MEMORY_EXTRA &&
  !process.env.BENCH_WORKER_NODE_ARGS &&
  !process.env.BENCH_API_NODE_ARGS &&
  !process.env.BENCH_START_WARMUP &&
  !process.env.BENCH_START_ROUNDS &&
  process.env.BENCH_COMPILED_API !== '0' &&
  process.env.BENCH_COMPILED !== '0' &&
  !process.env.BENCH_WORKER_DEBUG_MODE &&
  !process.env.WORKFLOW_STACK_TRACES &&
  Object.keys(DEFAULTS).every((k) => process.env[`BENCH_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] === undefined);

const EVAL_WARMUP = 20;
/** V8's young generation at 2 MiB semi-spaces instead of 16 (a process flag, so through NODE_OPTIONS). */
const SMALL_YOUNG_GEN = '--max-semi-space-size=2';

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = new BenchStack();
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    log('interrupted: stopping the stack and dropping the database');
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: { name: string; result: PhaseResult }[] = [];
  const started = new Date();
  // Reads only the web build: no stack, so `BENCH_PHASES=console` takes seconds.
  if (cfg.phases.includes('console')) {
    log('── console ──');
    results.push({ name: 'console', result: await benchConsole() });
  }
  if (cfg.phases.every((p) => p === 'console')) {
    finish(results, started, stack);
    return;
  }
  try {
    await stack.start();
    const org = await seedOrg(stack.http, stack.adminToken);
    const ctx: BenchContext = { stack, org, watcher: new StageWatcher(stack.sql) };
    log(`stack up: Temporal ${stack.temporal.address}, database ${stack.dbName}, API ${stack.http.base}`);

    /** Applications in evaluation that nobody has evaluated yet, for the round-trip measurements. */
    let fresh: string[] = [];
    let inEvaluation: string[] = [];
    const ensureFresh = async (k: number) => {
      if (fresh.length >= k) return;
      const need = k - fresh.length;
      log(`preparing ${need} more applications in evaluation (raw starts, not measured)`);
      const inputs = await prepareRawApplications(
        ctx,
        Array.from({ length: need }, (_, i) => application(org.jobId, i + 1, `pool${fresh.length}`)),
      );
      await pool(inputs, 32, (input) => startRaw(ctx, input));
      const ids = inputs.map((x) => x.applicationId);
      await stack.waitAllInStage(ids, 'evaluation');
      await stack.quiesce();
      fresh.push(...ids);
      inEvaluation.push(...ids);
    };

    const run = async (name: string, fn: () => Promise<PhaseResult>) => {
      if (!cfg.phases.includes(name)) return;
      log(`── ${name} ──`);
      const targets = cfg.profile.filter((p) => p.endsWith(`:${name}`)).map((p) => p.split(':')[0]!);
      for (const t of targets) await (t === 'api' ? stack.api : stack.worker).request('profile-start');
      const result = await fn();
      for (const t of targets) {
        const file = path.join(stack.runDir, `${t}-${name}.cpuprofile`);
        await (t === 'api' ? stack.api : stack.worker).request('profile-stop', file);
        const summary = summarizeProfile(file, 25);
        console.log(summary);
        result.details += `\n\nCPU profile of the ${t} during this phase (the numbers above were taken under the profiler):\n\n\`\`\`\n${summary}\n\`\`\``;
      }
      results.push({ name, result });
      const w = await stack.worker.stats().catch(() => null);
      if (w) log(`worker now: RSS ${w.rssMb.toFixed(0)} MiB, heap ${w.heapUsedMb.toFixed(0)} MiB`);
    };

    await run('pdf', () => benchPdf(cfg.pdfLetters));
    await run('starts', async () => {
      const r = await benchStarts(ctx, cfg.starts, cfg.startConcurrency);
      fresh.push(...r.apiIds, ...r.rawIds);
      inEvaluation.push(...r.apiIds, ...r.rawIds);
      return r;
    });
    await run('batch', () => benchBatch(ctx, cfg.batchItems));
    await run('evaluations', async () => {
      const k = (process.env.BENCH_EARLIER_API ? 3 : 2) * (cfg.evaluations + EVAL_WARMUP);
      await ensureFresh(k);
      const ids = fresh.slice(0, k);
      fresh = fresh.slice(k);
      return benchEvaluations(ctx, ids, cfg.evaluations, EVAL_WARMUP);
    });
    await run('status', async () => {
      if (!inEvaluation.length) await ensureFresh(Math.min(cfg.reads, 500));
      return benchStatus(ctx, inEvaluation, cfg.reads);
    });
    await run('ranking', () => benchRanking(ctx, cfg.rankingSizes, cfg.rankingSamples));
    await run('reports', () => benchReports(ctx, cfg.reportApplications, cfg.reportSamples));
    await run('memory', async () => {
      if (inEvaluation.length < cfg.openWorkflows) await ensureFresh(fresh.length + cfg.openWorkflows - inEvaluation.length);
      const global = process.env.BENCH_WORKFLOW_BUNDLE;
      const variants: MemoryVariant[] = [{ label: global ? `BENCH_WORKFLOW_BUNDLE=${path.basename(global)}` : 'as shipped', env: {} }];
      if (cfg.compiled) variants.push({ label: COMPILED_LABEL, env: { BENCH_COMPILED: '1' } });
      for (const spec of (process.env.BENCH_MEMORY_EXTRA ?? '').split(';').map((x) => x.trim()).filter(Boolean)) {
        const env = Object.fromEntries(spec.split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        variants.push({ label: spec.replace('BENCH_COMPILED=1', 'compiled worker +'), env });
      }
      const earlier = process.env.BENCH_EARLIER_BUNDLE;
      if (earlier) variants.push({ label: `tsx worker loading ${path.basename(earlier)} (BENCH_EARLIER_BUNDLE)`, env: { BENCH_WORKFLOW_BUNDLE: earlier } });
      const built = await buildWorkflowBundle(path.join(stack.runDir, 'workflow-bundle.js'));
      const pkgs = Object.entries(built.packages).map(([p, n]) => `${p} ${n}`).join(', ');
      const bundles = `\n\nThe workflow bundle: ${built.kib.toFixed(0)} KiB, modules from ${pkgs}${built.packages.zod ? ' — zod is back in the bundle: every cached workflow evaluates it again' : ''}.`;
      if (cfg.memoryVariants) {
        const sdkCache = sdkDefaultMaxCachedWorkflows();
        variants.push(
          {
            label: `as shipped before: webpack in the worker, the SDK's cache (${sdkCache}), stack traces, no idle collection`,
            env: { BENCH_BUNDLE_IN_WORKER: '1', WORKER_MAX_CACHED_WORKFLOWS: String(sdkCache), WORKFLOW_STACK_TRACES: 'true', WORKER_IDLE_GC_S: '0' },
          },
          ...(cfg.compiled ? [{ label: 'compiled worker, but no idle collection (WORKER_IDLE_GC_S=0)', env: { BENCH_COMPILED: '1', WORKER_IDLE_GC_S: '0' } }] : []),
          { label: `as shipped, but the SDK's cache (${sdkCache})`, env: { WORKER_MAX_CACHED_WORKFLOWS: String(sdkCache) } },
          { label: 'as shipped before: WORKFLOW_STACK_TRACES=true', env: { WORKFLOW_STACK_TRACES: 'true' } },
          { label: `as shipped + NODE_OPTIONS=${SMALL_YOUNG_GEN}`, env: { NODE_OPTIONS: SMALL_YOUNG_GEN } },
          { label: `as shipped + NODE_OPTIONS=${SMALL_YOUNG_GEN} MALLOC_ARENA_MAX=2`, env: { NODE_OPTIONS: SMALL_YOUNG_GEN, MALLOC_ARENA_MAX: '2' } },
        );
        variants.push(
          ...cfg.cacheVariants.map((size) => ({
            label: `WORKER_MAX_CACHED_WORKFLOWS=${size}`,
            env: { WORKER_MAX_CACHED_WORKFLOWS: String(size) },
          })),
        );
      }
      const r = await benchMemory(ctx, inEvaluation.slice(0, cfg.openWorkflows), variants);
      r.details += bundles;
      return r;
    });
    await run('journeys', async () => {
      inEvaluation = [];
      if (!cfg.compiled) {
        // A fresh worker, so its peak memory is the journeys' own.
        await stack.restartWorker();
        return benchJourneys(ctx, cfg.journeys, cfg.journeyConcurrency);
      }
      // Each worker runs half its journeys first and half second (tsx, compiled, compiled,
      // tsx), each half on a fresh worker: with the compiled worker always second, it ran on
      // a database and a Temporal server 200 journeys fuller, and four full runs disagreed on
      // which was faster (bench/RESULTS.md, 2026-12-06).
      const half = [Math.ceil(cfg.journeys / 2), Math.floor(cfg.journeys / 2)];
      const runs: Record<'tsx' | 'compiled', JourneyRun[]> = { tsx: [], compiled: [] };
      for (const [worker, k] of [['tsx', 0], ['compiled', 0], ['compiled', 1], ['tsx', 1]] as const) {
        await stack.restartWorker(worker === 'compiled' ? { BENCH_COMPILED: '1' } : {});
        runs[worker].push(await runJourneys(ctx, half[k]!, cfg.journeyConcurrency, `journey-${worker}-${k}`));
      }
      const tsx = journeysResult(runs.tsx, cfg.journeyConcurrency, 'tsx worker (npm run worker)');
      const compiled = journeysResult(runs.compiled, cfg.journeyConcurrency, COMPILED_LABEL);
      return { rows: [...tsx.rows, ...compiled.rows], details: `${tsx.details}

${compiled.details}` };
    });
  } finally {
    if (!stopping) {
      stopping = true;
      log('stopping the stack and dropping the database');
      await stack.stop();
    }
  }

  finish(results, started, stack);
}

function finish(results: { name: string; result: PhaseResult }[], started: Date, stack: BenchStack) {
  const rows = results.flatMap((r) => r.result.rows);
  printTable(rows);
  const out = process.env.BENCH_OUT ?? (isFullRun ? path.join(ROOT, 'bench/RESULTS.md') : path.join(stack.runDir, 'RESULTS.md'));
  writeResults(out, started, stack, rows, results);
  log(`wrote ${path.relative(process.cwd(), out)}${isFullRun || process.env.BENCH_OUT ? '' : ' (not a full default run, so not bench/RESULTS.md)'}`);
}

function cells(r: Row): string[] {
  return [r.measure, r.ours, r.reference, r.comparison, r.target, verdict(r.met)];
}
const HEAD = ['measure', 'ours (through the engine)', 'reference (same run)', 'difference', 'target', ''];

function printTable(rows: Row[]) {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' │ ');
  console.log(`\n${line(HEAD)}\n${widths.map((w) => '─'.repeat(w)).join('─┼─')}\n${rows.map((r) => line(cells(r))).join('\n')}\n`);
}

function machine(stack: BenchStack, started: Date): string {
  const cpus = os.cpus();
  return [
    `- Date: ${started.toISOString()}`,
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (${os.availableParallelism()} available to Node)`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node ${process.version}; ${stack.versions.temporalCli} (in-memory dev server); PostgreSQL ${stack.versions.postgres}; @temporalio/* ${temporalSdkVersion()}`,
    `- Sizes: starts ${cfg.starts} at c=${cfg.startConcurrency}, evaluations ${cfg.evaluations}, reads ${cfg.reads}, ranking ${cfg.rankingSizes.join('/')} × ${cfg.rankingSamples}, reports over ${cfg.reportApplications} applications × ${cfg.reportSamples}, open workflows ${cfg.openWorkflows}, journeys ${cfg.journeys} at c=${cfg.journeyConcurrency}, letters ${cfg.pdfLetters}, batch ${cfg.batchItems}`,
    `- Worker and API: separate Node processes, the worker started as \`npm run worker\` starts it (the memory and journeys phases also measure the compiled one) and the API as \`npm run ${process.env.BENCH_COMPILED_API === '0' ? 'api' : 'api:prod'}\` does (LOG_LEVEL=${stack.env.LOG_LEVEL}, DATABASE_POOL_SIZE=${process.env.DATABASE_POOL_SIZE ?? '10 (default)'}, WORKER_MAX_CACHED_WORKFLOWS=${process.env.WORKER_MAX_CACHED_WORKFLOWS ?? `${DEFAULT_MAX_CACHED_WORKFLOWS} (default)`}; workflows bundled in a child process at start-up); the load generator and the raw client in a third.`,
  ].join('\n');
}

/** What @temporalio/worker 1.24 caches without maxCachedWorkflows (worker-options.js), for a process with this one's heap limit. */
function sdkDefaultMaxCachedWorkflows(): number {
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 1024 ** 2;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

function temporalSdkVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@temporalio/client/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

const BEGIN = '<!-- bench:begin (generated by npm run bench; rewritten by each full run) -->';
const END = '<!-- bench:end -->';

function writeResults(out: string, started: Date, stack: BenchStack, rows: Row[], results: { name: string; result: PhaseResult }[]) {
  const table = [
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).join(' | ')} |`),
  ].join('\n');
  const generated = [
    BEGIN,
    '## Latest run',
    '',
    machine(stack, started),
    '',
    table,
    '',
    ...results.flatMap(({ name, result }) => [`### ${name}`, '', result.details.trim(), '']),
    END,
  ].join('\n');
  mkdirSync(path.dirname(out), { recursive: true });
  let text: string;
  if (existsSync(out)) {
    const old = readFileSync(out, 'utf8');
    const a = old.indexOf(BEGIN.slice(0, 20));
    const b = old.indexOf(END);
    text = a >= 0 && b > a ? old.slice(0, a) + generated + old.slice(b + END.length) : `${old.trimEnd()}\n\n${generated}\n`;
  } else {
    text = `# Benchmark results\n\n\`npm run bench\` — see scripts/bench.ts for what each line measures and how to size a quick run.\n\n${generated}\n`;
  }
  writeFileSync(out, text);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
