/**
 * POST /v1/applications/:id/erase: the erasure itself is privacy/erasure.ts (shared with
 * the retention schedule). An activity that was already running when the workflow ended
 * may still finish its database write; a second scrub ERASE_RESCRUB_MS later (past the
 * 10 s heartbeat timeout) catches it, and repeating the request scrubs again.
 */
import type { FastifyInstance } from 'fastify';
import { ActiveEmployeeError, eraseApplicationWith, scrubAndDeleteFiles, type TErasureOutcome } from '../privacy/erasure';
import { AppError, notFound } from './errors';
import { withTemporalDeadline } from './workflow-client';

export const ERASE_RESCRUB_MS = 15_000;

export async function eraseApplication(app: FastifyInstance, applicationId: string): Promise<TErasureOutcome> {
  const deps = {
    db: app.db,
    config: app.config,
    documents: app.documents,
    temporal: app.temporal,
    temporalCall: <T>(fn: () => Promise<T>) => withTemporalDeadline(app, fn),
  };
  const done = await eraseApplicationWith(deps, applicationId).catch((e: unknown) => {
    if (e instanceof ActiveEmployeeError) throw new AppError('conflict', e.message);
    throw e;
  });
  if (!done) throw notFound('application');
  const rescrub = setTimeout(() => {
    scrubAndDeleteFiles(deps, done.target).catch((err: unknown) => app.log.warn({ err, applicationId }, 'the second erasure scrub failed; repeat the erasure'));
  }, ERASE_RESCRUB_MS);
  rescrub.unref();
  return done;
}
