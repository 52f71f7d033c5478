/**
 * How routes reach an application's workflow: start, updates (with idempotent ids), signals
 * and the status query. Every call has a deadline (TEMPORAL_RPC_TIMEOUT_MS): with Temporal
 * unreachable a request answers 503 promptly instead of waiting for it to come back.
 */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UpdateDefinition } from '@temporalio/common';
import { statusQuery, type TApplicationStatus } from '../workflows/messages';
import type { applicationWorkflow } from '../workflows/application';
import { AppError } from './errors';
import { updateIdFor } from './plugins/idempotency';

export const workflowIdFor = (applicationId: string) => `application-${applicationId}`;

/** Runs `fn`'s Temporal calls with a deadline `ms` from now; missing it is a 503 (see isUnavailable). */
export function withTemporalDeadline<T>(app: FastifyInstance, fn: () => Promise<T>, ms = app.config.TEMPORAL_RPC_TIMEOUT_MS): Promise<T> {
  return app.temporal.withDeadline(Date.now() + ms, fn);
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
