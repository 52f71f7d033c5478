/**
 * The fault-test harness (scripts/harness/chaos.ts; scripts use it too and may not import
 * test/), with the run's shared parts (test/helpers/global-setup.ts): spawned `tsx worker.ts`
 * processes load the run's workflow bundle (WORKFLOW_BUNDLE_PATH) instead of running webpack
 * at each start, and the chaos stack's database is copied from the run's migrated template.
 * A test that wants a worker to bundle for itself at start, as `npm run worker` does without
 * a build, passes `WORKFLOW_BUNDLE_PATH: ''`.
 */
import { inject } from 'vitest';
import {
  spawnWorker as spawnWorkerProcess,
  startChaosStack as startStack,
  TSX_WORKER_COMMAND,
  type ChaosStack,
  type ChaosStackOptions,
  type WorkerChild,
} from '../../scripts/harness/chaos';

export * from '../../scripts/harness/chaos';

/** The run's bundle for a `tsx worker.ts` (the compiled worker loads the one built beside it). */
function withRunBundle(env: Record<string, string>, command: readonly string[]): Record<string, string> {
  return command === TSX_WORKER_COMMAND ? { WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'), ...env } : env;
}

export function spawnWorker(env: Record<string, string>, readyTimeoutMs?: number, command: readonly string[] = TSX_WORKER_COMMAND): Promise<WorkerChild> {
  return spawnWorkerProcess(withRunBundle(env, command), readyTimeoutMs, command);
}

export function startChaosStack(opts: ChaosStackOptions = {}): Promise<ChaosStack> {
  return startStack({ dbTemplate: inject('dbTemplate'), ...opts, env: withRunBundle(opts.env ?? {}, TSX_WORKER_COMMAND) });
}
