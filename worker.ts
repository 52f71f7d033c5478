/**
 * Builds and runs the Temporal worker: the application workflow plus every activity,
 * wired to the database and the outside world. Run alone with `npm run worker`, or
 * in-process by the dev stack (scripts/dev.ts).
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import { loadOfferFont } from './activities/offers/fonts';
import type { ActivityDeps } from './activities/deps';
import type { ExtraActivityDeps } from './activities';
import { openDb, type DbHandle } from './db/client';
import { loadConfigOrExit, type Config } from './temporal.config';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface WorkerBuildOptions {
  config: Config;
  db: DbHandle;
  connection: NativeConnection;
  /** A pre-built bundle (tests bundle once per file); otherwise the worker bundles WORKFLOWS_PATH. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  /** Extra activity dependencies (tests inject fault points and transports). */
  extraDeps?: Partial<ActivityDeps> & ExtraActivityDeps;
  log?: ActivityDeps['log'];
}

const consoleLog: ActivityDeps['log'] = {
  info: (o, m) => console.log(JSON.stringify({ level: 'info', msg: m, ...o })),
  warn: (o, m) => console.warn(JSON.stringify({ level: 'warn', msg: m, ...o })),
  error: (o, m) => console.error(JSON.stringify({ level: 'error', msg: m, ...o })),
};

export async function createWorker(opts: WorkerBuildOptions): Promise<Worker> {
  // Parse the offer letter fonts now, so the first letter does not pay for it (~0.4 s).
  loadOfferFont('regular');
  loadOfferFont('bold');
  const deps: ActivityDeps = {
    db: opts.db,
    config: opts.config,
    log: opts.log ?? consoleLog,
    now: () => new Date(),
    ...opts.extraDeps,
  };
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.TEMPORAL_NAMESPACE,
    taskQueue: opts.taskQueue ?? opts.config.TEMPORAL_TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(deps),
    ...(opts.config.WORKER_MAX_CACHED_WORKFLOWS !== undefined
      ? { maxCachedWorkflows: opts.config.WORKER_MAX_CACHED_WORKFLOWS }
      : {}),
    shutdownGraceTime: '10s',
  });
}

async function main() {
  const config = loadConfigOrExit({ requireDatabaseUrl: 'the worker' });
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({ config, db, connection });
  // The Temporal runtime shuts the worker down on SIGINT/SIGTERM by itself.
  console.log(`worker polling ${config.TEMPORAL_ADDRESS} namespace=${config.TEMPORAL_NAMESPACE} queue=${config.TEMPORAL_TASK_QUEUE}`);
  await worker.run();
  await connection.close();
  await db.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
