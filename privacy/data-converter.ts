/**
 * The one data converter of every Temporal client and worker this project creates:
 * the encryption codec (privacy/codec.ts) and a failure converter that puts failure
 * messages into an encoded payload. The same failure converter must be bundled into the
 * workflow code: pass `bundleOptions` to every bundleWorkflowCode.
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { DbHandle } from '../db/client';
import type { Config, TPayloadKeys } from '../temporal.config';
import { EncryptionCodec } from './codec';
import { DataKeys, type DataKeysOptions } from './data-keys';

export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The workflow interceptors every bundle carries: tracing, a pass-through when untraced (ops/tracing.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES = [fileURLToPath(new URL('../workflows/tracing-interceptors.ts', import.meta.url))];

/**
 * Modules the SDK's reusable V8 context evaluates once, before any workflow, and shares
 * (deep-frozen) between all of them: the rest of @temporalio/workflow, all of workflows/ and
 * the domain/ rules it imports, and the interceptor factory. Any module not listed is
 * evaluated again for every workflow the worker caches (its module cache is per workflow):
 * 72 of the 115 KiB a workflow's first activation cost (bench/RESULTS.md, worker memory).
 * Safe only because these modules keep no state of their own: per-workflow state lives in
 * the workflow function's closures (workflows/context.ts). ESLint's module-state rule for
 * workflows/ and domain/ keeps it so. OpenTelemetry, which the interceptors require on the
 * first traced call, stays per workflow: it keeps a context of its own.
 */
export const WORKFLOW_PRELOAD_MODULES = ['@temporalio/workflow', fileURLToPath(new URL('../workflows/index.ts', import.meta.url)), ...WORKFLOW_INTERCEPTOR_MODULES];

/** For bundleWorkflowCode: the workflow side of the data converter, the workflow interceptors and the shared modules. */
export const bundleOptions = {
  failureConverterPath: FAILURE_CONVERTER_PATH,
  workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
  preloadModules: WORKFLOW_PRELOAD_MODULES,
} as const;

/**
 * With PAYLOAD_KEYS set: encrypted payloads, per-application data keys when `db` is given.
 * Without: Temporal's defaults (plain JSON), which only tests of old behaviour use.
 */
export function dataConverter(config: Pick<Config, 'payloadKeys'>, db?: DbHandle, opts?: DataKeysOptions): DataConverter {
  if (!config.payloadKeys) return { failureConverterPath: FAILURE_CONVERTER_PATH };
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    payloadCodecs: [new EncryptionCodec(config.payloadKeys, db ? dataKeysFor(db, config.payloadKeys, opts) : undefined)],
  };
}

/** A worker's key lookups wait this long for an unreachable database (a codec error would fail the worker). */
export const WORKER_KEYS: DataKeysOptions = { waitForDatabaseMs: 5 * 60_000 };

const perDb = new WeakMap<DbHandle, DataKeys>();

/**
 * One DataKeys per database handle in a process, so the API's client, its codec server and
 * its erasure share one cache (destroying a key drops it from the cache every codec uses).
 * The first call for a handle sets its options.
 */
export function dataKeysFor(db: DbHandle, ring: TPayloadKeys, opts?: DataKeysOptions): DataKeys {
  let keys = perDb.get(db);
  if (!keys) perDb.set(db, (keys = new DataKeys(db, ring, opts)));
  return keys;
}
