/**
 * What the worker wraps around every activity attempt (worker.ts registers them).
 *
 * Keep-alive: a heartbeat every KEEP_ALIVE_EVERY_MS while the attempt runs. The workflows
 * give each attempt a heartbeat timeout (ACTIVITY_HEARTBEAT_TIMEOUT_MS), so an attempt whose
 * worker was killed, or whose result a restarting Temporal server lost, is retried after
 * ~10 s instead of its one-minute start-to-close timeout. Attempts shorter than the
 * interval (nearly all) send nothing.
 *
 * Retry when free: an error that knows when a retry can succeed (retryAfterMs: another
 * attempt's lease on a message or a webhook delivery runs out then) goes to Temporal as an
 * ApplicationFailure of the same type with that as the next retry's delay, so the retry
 * neither spins against the lease nor backs off far past it.
 */
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { retryAfterOf } from './errors';

/** Well under the heartbeat timeout: the SDK may hold a heartbeat back for 80 % of it. */
export const KEEP_ALIVE_EVERY_MS = 2_000;

type Execute = NonNullable<ActivityInboundCallsInterceptor['execute']>;

class AttemptInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: Parameters<Execute>[0], next: Parameters<Execute>[1]): Promise<unknown> {
    const timer = setInterval(() => this.ctx.heartbeat(), KEEP_ALIVE_EVERY_MS);
    try {
      return await next(input);
    } catch (err) {
      const after = retryAfterOf(err);
      if (after === undefined || err instanceof ApplicationFailure) throw err;
      const e = err as Error;
      throw ApplicationFailure.create({ type: e.name, message: e.message, nextRetryDelay: after, cause: e });
    } finally {
      clearInterval(timer);
    }
  }
}

export const attemptInterceptors: ActivityInterceptorsFactory = (ctx) => ({ inbound: new AttemptInterceptor(ctx) });
