/**
 * The worker as the benchmark runs it: what `npm run worker` (worker.ts main) does, in a
 * process of its own, plus answers to the benchmark's stats/profile requests over IPC.
 * BENCH_WORKFLOW_BUNDLE names a pre-built workflow bundle (bundleWorkflowCode output) to
 * load, as WORKFLOW_BUNDLE_PATH does; BENCH_BUNDLE_IN_WORKER=1 makes the worker run webpack
 * itself, as it did before worker.ts bundled in a child process (for before/after figures).
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import v8 from 'node:v8';
import type { Worker as NodeThread } from 'node:worker_threads';
import type { Worker } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import { openDb } from '../../db/client';
import { loadConfigOrExit } from '../../temporal.config';
import { createWorker, loadWorkflowBundle, startWorkerIdleCollector } from '../../worker';
import { serveParent, tellParentReady } from './ipc';

const config = loadConfigOrExit({ requireDatabaseUrl: 'the worker' });
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createWorker({
  config,
  db,
  connection,
  // Workflows on the main thread, so a heap snapshot (BENCH_HEAP_SNAPSHOT_DIR) holds them.
  debugMode: process.env.BENCH_WORKER_DEBUG_MODE === '1',
  ...(process.env.BENCH_BUNDLE_IN_WORKER === '1'
    ? {}
    : { workflowBundle: await loadWorkflowBundle({ WORKFLOW_BUNDLE_PATH: process.env.BENCH_WORKFLOW_BUNDLE ?? config.WORKFLOW_BUNDLE_PATH }) }),
});
serveParent({
  state: () => worker.getState(),
  'heap-snapshot': (file) => v8.writeHeapSnapshot(file),
  'thread-heap-snapshot': (file) => writeThreadHeapSnapshot(worker, file!),
});
const idle = startWorkerIdleCollector(config);
const running = worker.run();
tellParentReady({ pid: process.pid });
console.log(`worker polling ${config.TEMPORAL_ADDRESS} queue=${config.TEMPORAL_TASK_QUEUE}`);
await running;
idle.stop();
await connection.close();
await db.close();
process.exit(0);

/**
 * A heap snapshot of the SDK's workflow thread (where the cached workflows live unless
 * debugMode), through Node's Worker.getHeapSnapshot. The thread is the SDK's private field
 * (workflowCreator.workerThreadClients[0].workerThread in 1.24.0): a bench tool, not an API.
 */
async function writeThreadHeapSnapshot(w: Worker, file: string): Promise<string> {
  const creator = (w as unknown as { workflowCreator?: { workerThreadClients?: { workerThread: NodeThread }[] } }).workflowCreator;
  const thread = creator?.workerThreadClients?.[0]?.workerThread;
  if (!thread) throw new Error('no workflow thread (debugMode, or another SDK version)');
  await pipeline(await thread.getHeapSnapshot(), createWriteStream(file));
  return file;
}
