/**
 * Builds and runs the Temporal worker: the application workflow plus every activity,
 * wired to the database and the outside world. Run alone with `npm run worker`, or
 * in-process by the dev stack (scripts/dev.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import type { ActivityDeps } from './activities/deps';
import type { ExtraActivityDeps } from './activities';
import { attemptInterceptors } from './activities/interceptors';
import { openDb, type DbHandle } from './db/client';
import { temporalConnectionOptions } from './ops/temporal-connection';
import { startTracing, workerTracingOptions, type Tracing } from './ops/tracing';
import { startIdleCollector, type Collection, type IdleCollector } from './ops/idle-gc';
import { installWorkerRuntime, startWorkerOps } from './ops/worker-ops';
import { loadConfigOrExit, type Config } from './temporal.config';
import { dataConverter, WORKER_KEYS, WORKFLOW_INTERCEPTOR_MODULES, WORKFLOW_PRELOAD_MODULES } from './privacy/data-converter';

/** The workflows' entry: bundled here, or once by scripts/build-workflows.ts (run as a child process, never imported). */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
const BUILD_WORKFLOWS_SCRIPT = fileURLToPath(new URL('./scripts/build-workflows.ts', import.meta.url));

/**
 * Workflows cached when WORKER_MAX_CACHED_WORKFLOWS is unset. The SDK's default grows with
 * the heap limit (~2,300 here) and each cached workflow holds ~0.4 MiB of resident memory; a
 * workflow touched after it was evicted replays its whole history. The cache must hold the
 * journeys that are active at once: with 100, 500 journeys at once replayed on nearly every
 * step and took 872 s with 6,368 workflow task timeouts; with 600, 223 s and none
 * (RELIABILITY.md, Load). 250 instead of 500 saves ~90 MiB in a worker with 1,000 open
 * workflows (bench line 6) and does not slow 50 journeys at once (line 5); a worker that
 * takes bursts of more journeys at once needs a larger cache (README, Configuration).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;

export interface WorkerBuildOptions {
  config: Config;
  db: DbHandle;
  connection: NativeConnection;
  /** A pre-built bundle (tests bundle once per file; main() always passes one). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  /** Extra activity dependencies (tests inject fault points and transports). */
  extraDeps?: Partial<ActivityDeps> & ExtraActivityDeps;
  log?: ActivityDeps['log'];
  /** Workflows on the worker's main thread (the SDK's debugMode): the benchmark's memory diagnosis. */
  debugMode?: boolean;
  /** OpenTelemetry (ops/tracing.ts): activity spans, and the sink for the workflows' spans. */
  tracing?: Tracing;
}

const consoleLog: ActivityDeps['log'] = {
  info: (o, m) => console.log(JSON.stringify({ level: 'info', msg: m, ...o })),
  warn: (o, m) => console.warn(JSON.stringify({ level: 'warn', msg: m, ...o })),
  error: (o, m) => console.error(JSON.stringify({ level: 'error', msg: m, ...o })),
};

export async function createWorker(opts: WorkerBuildOptions): Promise<Worker> {
  // The offer-letter fonts are read and parsed by the first letter (~0.7 s once), not here:
  // a worker that renders no letter keeps ~30 MiB less (bench/RESULTS.md).
  const deps: ActivityDeps = {
    db: opts.db,
    config: opts.config,
    log: opts.log ?? consoleLog,
    now: () => new Date(),
    ...opts.extraDeps,
  };
  // Read by the workflow thread the SDK starts in Worker.create (its environment is a copy
  // of this one), through patches/@temporalio+worker+1.24.0.patch: stack traces, and the
  // thread's own idle collection (as the main thread's, ops/idle-gc.ts; needs --expose-gc).
  process.env.TEMPORAL_WORKFLOW_STACK_TRACES = opts.config.WORKFLOW_STACK_TRACES ? '1' : '0';
  process.env.TEMPORAL_WORKFLOW_IDLE_GC_S = String(opts.config.WORKER_IDLE_GC_S);
  const tracing = workerTracingOptions(opts.tracing);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.TEMPORAL_NAMESPACE,
    taskQueue: opts.taskQueue ?? opts.config.TEMPORAL_TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(deps),
    // A pre-built bundle carries the workflow interceptors and shared modules already (bundleOptions); one made here needs them named.
    interceptors: {
      activity: [attemptInterceptors, ...tracing.activityInterceptors],
      ...(opts.workflowBundle ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }),
    },
    ...(opts.workflowBundle ? {} : { bundlerOptions: { preloadModules: WORKFLOW_PRELOAD_MODULES } }),
    sinks: tracing.sinks,
    dataConverter: dataConverter(opts.config, opts.db, WORKER_KEYS),
    maxCachedWorkflows: opts.config.WORKER_MAX_CACHED_WORKFLOWS ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    shutdownGraceTime: '10s',
    ...(opts.debugMode ? { debugMode: true } : {}),
  });
}

/**
 * The workflow code for a worker process: the file WORKFLOW_BUNDLE_PATH names (built by
 * `npm run build:workflows`), or else a bundle of workflows/ made now in a short-lived child
 * process. Either way webpack never runs in the worker, which would otherwise keep its
 * memory for the worker's whole life (~90 MiB of RSS, bench/RESULTS.md).
 */
export async function loadWorkflowBundle(config: Pick<Config, 'WORKFLOW_BUNDLE_PATH'>): Promise<{ code: string }> {
  if (config.WORKFLOW_BUNDLE_PATH) {
    if (!existsSync(config.WORKFLOW_BUNDLE_PATH)) {
      throw new Error(`WORKFLOW_BUNDLE_PATH: no file at ${config.WORKFLOW_BUNDLE_PATH}; build it with \`npm run build:workflows\``);
    }
    return { code: readFileSync(config.WORKFLOW_BUNDLE_PATH, 'utf8') };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hwe-workflows-'));
  try {
    const out = path.join(dir, 'workflows.js');
    // The same node and loader (tsx) this process runs under.
    const child = spawn(process.execPath, [...process.execArgv, BUILD_WORKFLOWS_SCRIPT, out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`bundling the workflows failed (exit code ${code})`);
    return { code: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The worker process's idle collector (ops/idle-gc.ts), logging each collection. */
export function startWorkerIdleCollector(config: Pick<Config, 'WORKER_IDLE_GC_S'>, record?: (c: Collection) => void): IdleCollector {
  const mib = (b: number) => Math.round(b / 1048576);
  return startIdleCollector({
    idleSeconds: config.WORKER_IDLE_GC_S,
    warn: (msg) => consoleLog.warn({}, msg),
    onCollect: (c) => {
      record?.(c);
      consoleLog.info({ heapBeforeMiB: mib(c.heapBeforeBytes), heapAfterMiB: mib(c.heapAfterBytes), ms: Math.round(c.durationMs) }, 'idle: heap collected');
    },
  });
}

export async function main() {
  const config = loadConfigOrExit({ requireDatabaseUrl: 'the worker' });
  const sdkMetricsAddress = await installWorkerRuntime(config);
  const tracing = startTracing(config, 'hiring-worker');
  if (tracing) console.log(`tracing: spans to ${tracing.url}`);
  const workflowBundle = await loadWorkflowBundle(config);
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const worker = await createWorker({ config, db, connection, workflowBundle, tracing });
  const ops = await startWorkerOps({ config, db, connection, worker, sdkMetricsAddress });
  if (ops) console.log(`worker metrics and probes on http://${ops.address}`);
  const idle = startWorkerIdleCollector(config, (c) => ops?.metrics.recordIdleCollection(c));
  // The Temporal runtime shuts the worker down on SIGINT/SIGTERM by itself.
  console.log(`worker polling ${config.TEMPORAL_ADDRESS} namespace=${config.TEMPORAL_NAMESPACE} queue=${config.TEMPORAL_TASK_QUEUE}`);
  await worker.run();
  idle.stop();
  await ops?.close();
  await tracing?.shutdown();
  await connection.close();
  await db.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
