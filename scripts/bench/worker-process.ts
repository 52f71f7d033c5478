/**
 * The worker as the benchmark runs it: what `npm run worker` (worker.ts main) does, in a
 * process of its own, plus answers to the benchmark's stats/profile requests over IPC.
 * BENCH_WORKFLOW_BUNDLE names a pre-built workflow bundle (bundleWorkflowCode output) to
 * load instead of bundling workflows/ at start-up.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { openDb } from '../../db/client';
import { loadConfigOrExit } from '../../temporal.config';
import { createWorker } from '../../worker';
import { serveParent, tellParentReady } from './ipc';

const config = loadConfigOrExit({ requireDatabaseUrl: 'the worker' });
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const bundlePath = process.env.BENCH_WORKFLOW_BUNDLE;
const worker = await createWorker({
  config,
  db,
  connection,
  ...(bundlePath ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8') } } : {}),
});
serveParent({ state: () => worker.getState() });
const running = worker.run();
tellParentReady({ pid: process.pid });
console.log(`worker polling ${config.TEMPORAL_ADDRESS} queue=${config.TEMPORAL_TASK_QUEUE}`);
await running;
await connection.close();
await db.close();
process.exit(0);
