/**
 * Erasing one candidate, for the erasure route (api/erasure.ts) and the retention schedule
 * (activities/retention.ts) alike, in an order that leaves nothing readable whatever step
 * a crash interrupts (a repeat finishes the job):
 *   1. end the workflow, so it writes nothing more;
 *   2. destroy the application's data key: every payload of its history is now
 *      unreadable, with or without the codec server (crypto-shredding);
 *   3. scrub the database (db/queries/erasure.ts) and delete the files no other row uses
 *      (each stored document's key is deleted with it: db/document-store.ts);
 *   4. delete the closed execution from Temporal (DeleteWorkflowExecution), so not even
 *      the ciphertext and the event list stay.
 */
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DbHandle } from '../db/client';
import type { DocumentStore } from '../db/document-store';
import { erasureTarget, scrubApplication, unusedStorageKeys, type TErasureTarget } from '../db/queries/erasure';
import type { Config } from '../temporal.config';
import { dataKeysFor } from './data-converter';

export interface ErasureDeps {
  db: DbHandle;
  config: Pick<Config, 'payloadKeys' | 'TEMPORAL_NAMESPACE' | 'documentsDir'>;
  documents: DocumentStore;
  temporal: Client;
  /** Wraps each Temporal call (the API's deadline); default: as is. */
  temporalCall?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export class ActiveEmployeeError extends Error {
  override name = 'ActiveEmployeeError';
}

export type TErasureOutcome = { target: TErasureTarget; erasedAt: Date; filesDeleted: number; repeat: boolean };

const isGone = (e: unknown) =>
  e instanceof WorkflowNotFoundError ||
  (e instanceof Error && (/already completed|not found/i.test(e.message) || (e as { code?: number }).code === 5));

const workflowIdOf = (applicationId: string) => `application-${applicationId}`;

/** Erases one application; undefined when there is no such application. */
export async function eraseApplicationWith(deps: ErasureDeps, applicationId: string): Promise<TErasureOutcome | undefined> {
  const call = deps.temporalCall ?? (<T>(fn: () => Promise<T>) => fn());
  const target = await erasureTarget(deps.db, applicationId);
  if (!target) return undefined;
  if (target.employeeStatus === 'active') {
    throw new ActiveEmployeeError(
      'this candidate is an active employee: their record falls under employment law and is kept; erase it through the HR system when that retention ends',
    );
  }
  const repeat = target.erasedAt !== null;
  const workflowId = workflowIdOf(applicationId);

  await call(() => deps.temporal.workflow.getHandle(workflowId).terminate('personal data erased')).catch((e: unknown) => {
    if (!isGone(e)) throw e;
  });
  if (deps.config.payloadKeys) await dataKeysFor(deps.db, deps.config.payloadKeys).destroy(applicationId);

  const filesDeleted = await scrubAndDeleteFiles(deps, target);

  await call(() =>
    deps.temporal.workflowService.deleteWorkflowExecution({ namespace: deps.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId } }),
  ).catch((e: unknown) => {
    if (!isGone(e)) throw e;
  });
  const erasedAt = (await erasureTarget(deps.db, applicationId))?.erasedAt ?? new Date();
  return { target, erasedAt, filesDeleted, repeat };
}

/** Step 3 alone (also the API's second scrub): returns how many files went. */
export async function scrubAndDeleteFiles(deps: Pick<ErasureDeps, 'db' | 'documents' | 'config'>, target: TErasureTarget): Promise<number> {
  const { storageKeys } = await scrubApplication(deps.db, target);
  const unused = await unusedStorageKeys(deps.db, storageKeys);
  for (const key of unused) {
    await deps.documents.delete(key);
    // A file from before documents moved into the database (npm run documents:import) goes too.
    await unlink(path.join(deps.config.documentsDir, key)).catch(() => {});
  }
  return unused.length;
}
