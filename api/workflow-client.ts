/**
 * How routes reach an application's workflow: start, updates (with idempotent ids), signals
 * and the status query. Every call has a deadline (TEMPORAL_RPC_TIMEOUT_MS): with Temporal
 * unreachable a request answers 503 promptly instead of waiting for it to come back.
 */
import { ServiceError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UpdateDefinition } from '@temporalio/common';
import { statusQuery, type TApplicationStatus } from '../workflows/messages';
import type { applicationWorkflow } from '../workflows/application';
import { AppError } from './errors';
import { updateIdFor } from './plugins/idempotency';

export const workflowIdFor = (applicationId: string) => `application-${applicationId}`;

/**
 * Runs `fn`'s Temporal calls with a deadline `ms` from now; missing it is a 503 (see
 * isUnavailable). The gRPC deadline alone is not enough: the client's retry interceptor
 * sleeps between attempts without looking at it (up to seconds past the deadline), so the
 * answer does not wait for `fn` beyond the deadline either. A later attempt of `fn` fails
 * at once (its deadline has passed), so nothing reaches Temporal after the 503.
 */
export async function withTemporalDeadline<T>(app: FastifyInstance, fn: () => Promise<T>, ms = app.config.TEMPORAL_RPC_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const work = app.temporal.withDeadline(Date.now() + ms, fn);
  // Tracked until it settles (one more retry attempt at most, ≤ 5 s after the deadline), so
  // closing the API can wait for it before the connection goes: the retry interceptor's
  // timer would otherwise call into a closed channel and throw where nobody catches it.
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  inFlight.add(settled);
  void settled.then(() => inFlight.delete(settled));
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ServiceError(`Temporal did not answer within ${ms} ms (deadline exceeded)`)), ms + 100);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const inFlight = new Set<Promise<undefined>>();

/** Resolves when every Temporal call made through withTemporalDeadline has settled (for shutdown). */
export async function temporalCallsSettled(): Promise<void> {
  await Promise.all([...inFlight]);
}

export function applicationHandle(app: FastifyInstance, applicationId: string): WorkflowHandle<typeof applicationWorkflow> {
  return app.temporal.workflow.getHandle(workflowIdFor(applicationId));
}

/** Runs a human action as an Update; a closed workflow is a 409 (the application has moved on), not a 404. */
export async function runUpdate<Ret, Arg>(
  app: FastifyInstance,
  req: FastifyRequest,
  applicationId: string,
  def: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  const handle = applicationHandle(app, applicationId);
  try {
    const updateId = updateIdFor(req);
    return await withTemporalDeadline(app, () => handle.executeUpdate(def, { args: [arg], ...(updateId ? { updateId } : {}) }));
  } catch (e) {
    if (e instanceof WorkflowNotFoundError || isCompletedError(e)) {
      throw new AppError('wrong_stage', 'the application workflow has already finished');
    }
    throw e;
  }
}

function isCompletedError(e: unknown): boolean {
  return e instanceof Error && /workflow execution already completed/i.test(e.message);
}

export async function queryStatus(app: FastifyInstance, applicationId: string): Promise<TApplicationStatus> {
  try {
    return await withTemporalDeadline(app, () => applicationHandle(app, applicationId).query(statusQuery));
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new AppError('not_found', 'application workflow not found');
    throw e;
  }
}
