/**
 * How routes reach an application's workflow: start, updates (with idempotent ids), signals
 * and the status query. Every call has a deadline (TEMPORAL_RPC_TIMEOUT_MS): with Temporal
 * unreachable a request answers 503 promptly instead of waiting for it to come back.
 * An Update reaches its workflow within that deadline too, but its answer may take longer
 * (TEMPORAL_UPDATE_TIMEOUT_MS): it waits for the workflow's consequences, which take seconds
 * under load; meanwhile Temporal is probed (one cheap call per second per process), so one
 * that becomes unreachable still answers 503 within about TEMPORAL_RPC_TIMEOUT_MS.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UpdateDefinition } from '@temporalio/common';
import { statusQuery, type TApplicationStatus } from '../workflows/messages';
import type { applicationWorkflow } from '../workflows/application';
import { AppError, isUnavailable } from './errors';
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
    // Reaching the workflow (its validator accepts or refuses the Update): the ordinary
    // deadline, so an unreachable Temporal answers 503 here and nothing is retried after it.
    const update = await withTemporalDeadline(app, () =>
      handle.startUpdate(def, { args: [arg], waitForStage: WorkflowUpdateStage.ACCEPTED, ...(updateId ? { updateId } : {}) }),
    );
    // Its answer, once the workflow has applied what follows from it: the Update's deadline.
    return await withUpdateDeadline(app, () => update.result());
  } catch (e) {
    if (e instanceof WorkflowNotFoundError || isCompletedError(e)) {
      throw new AppError('wrong_stage', 'the application workflow has already finished');
    }
    throw e;
  }
}

/** How often a waiting Update checks that Temporal is still reachable (shared by every waiting Update of the process). */
const PROBE_EVERY_MS = 1_000;
const probes = new WeakMap<FastifyInstance, { at: number; reachable: Promise<boolean> }>();

/**
 * Whether Temporal answers a trivial call (GetSystemInfo) within TEMPORAL_RPC_TIMEOUT_MS:
 * a refused or lost connection (the client retries it until the deadline) or no answer is
 * unreachable; any answer, even an error, is reachable. One probe per PROBE_EVERY_MS.
 */
function temporalReachable(app: FastifyInstance): Promise<boolean> {
  const last = probes.get(app);
  if (last && Date.now() - last.at < PROBE_EVERY_MS) return last.reachable;
  const reachable = withTemporalDeadline(app, () => app.temporal.workflowService.getSystemInfo({})).then(
    () => true,
    (e: unknown) => !isUnavailable(e),
  );
  probes.set(app, { at: Date.now(), reachable });
  return reachable;
}

/** Rejects (503) once Temporal is found unreachable; returns quietly when `signal` aborts. */
async function failWhenUnreachable(app: FastifyInstance, signal: AbortSignal): Promise<never> {
  while (!signal.aborted) {
    const reachable = await temporalReachable(app);
    if (signal.aborted) break;
    if (!reachable) throw new ServiceError('Temporal is unreachable (connection failed or no answer)');
    await sleep(PROBE_EVERY_MS, undefined, { signal }).catch(() => undefined);
  }
  return new Promise<never>(() => {});
}

/**
 * Waits for an accepted Update's outcome up to TEMPORAL_UPDATE_TIMEOUT_MS (at least
 * TEMPORAL_RPC_TIMEOUT_MS): slowness is waited for, since the answer includes the
 * workflow's follow-on work. Unreachability is not: meanwhile Temporal is probed, and a
 * failed probe answers 503 at once and cancels the poll (the Update goes on in the
 * workflow; a resend with the same Idempotency-Key reaches it and answers its outcome).
 */
export async function withUpdateDeadline<T>(app: FastifyInstance, fn: () => Promise<T>): Promise<T> {
  const ms = Math.max(app.config.TEMPORAL_UPDATE_TIMEOUT_MS, app.config.TEMPORAL_RPC_TIMEOUT_MS);
  const done = new AbortController();
  try {
    return await Promise.race([withTemporalDeadline(app, () => app.temporal.withAbortSignal(done.signal, fn), ms), failWhenUnreachable(app, done.signal)]);
  } finally {
    done.abort();
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
