/**
 * Erasing one candidate (POST /v1/applications/:id/erase), in an order that leaves
 * nothing readable whatever step a crash interrupts (a repeat finishes the job):
 *   1. end the workflow, so it writes nothing more;
 *   2. destroy the application's data key: every payload of its history is now
 *      unreadable, with or without the codec server (crypto-shredding);
 *   3. scrub the database (db/queries/erasure.ts) and delete the files no other row uses;
 *   4. delete the closed execution from Temporal (DeleteWorkflowExecution), so not even
 *      the ciphertext and the event list stay.
 * An activity that was already running when the workflow ended may still finish its
 * database write; a second scrub ERASE_RESCRUB_MS later (past the 10 s heartbeat timeout)
 * catches it, and repeating the request scrubs again.
 */
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { erasureTarget, scrubApplication, unusedStorageKeys, type TErasureTarget } from '../db/queries/erasure';
import { dataKeysFor } from '../privacy/data-converter';
import { AppError, notFound } from './errors';
import { applicationHandle, withTemporalDeadline, workflowIdFor } from './workflow-client';

export const ERASE_RESCRUB_MS = 15_000;

const isGone = (e: unknown) =>
  e instanceof WorkflowNotFoundError ||
  (e instanceof Error && (/already completed|not found/i.test(e.message) || (e as { code?: number }).code === 5));

export async function eraseApplication(app: FastifyInstance, applicationId: string): Promise<{ target: TErasureTarget; erasedAt: Date; filesDeleted: number; repeat: boolean }> {
  const target = await erasureTarget(app.db, applicationId);
  if (!target) throw notFound('application');
  if (target.employeeStatus === 'active') {
    throw new AppError(
      'conflict',
      'this candidate is an active employee: their record falls under employment law and is kept; erase it through the HR system when that retention ends',
    );
  }
  const repeat = target.erasedAt !== null;
  const workflowId = workflowIdFor(applicationId);

  await withTemporalDeadline(app, () => applicationHandle(app, applicationId).terminate('personal data erased')).catch((e: unknown) => {
    if (!isGone(e)) throw e;
  });
  if (app.config.payloadKeys) await dataKeysFor(app.db, app.config.payloadKeys).destroy(applicationId);

  const filesDeleted = await scrubAndDeleteFiles(app, target);
  const rescrub = setTimeout(() => {
    scrubAndDeleteFiles(app, target).catch((err: unknown) => app.log.warn({ err, applicationId }, 'the second erasure scrub failed; repeat the erasure'));
  }, ERASE_RESCRUB_MS);
  rescrub.unref();

  await withTemporalDeadline(app, () =>
    app.temporal.workflowService.deleteWorkflowExecution({ namespace: app.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId } }),
  ).catch((e: unknown) => {
    if (!isGone(e)) throw e;
  });
  const erasedAt = (await erasureTarget(app.db, applicationId))?.erasedAt ?? new Date();
  return { target, erasedAt, filesDeleted, repeat };
}

async function scrubAndDeleteFiles(app: FastifyInstance, target: TErasureTarget): Promise<number> {
  const { storageKeys } = await scrubApplication(app.db, target);
  const unused = await unusedStorageKeys(app.db, storageKeys);
  for (const key of unused) {
    await app.documents.delete(key);
    // A file from before documents moved into the database (npm run documents:import) goes too.
    await unlink(path.join(app.config.documentsDir, key)).catch(() => {});
  }
  return unused.length;
}
