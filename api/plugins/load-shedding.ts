/**
 * Load shedding: past the event-loop or memory limits of PRESSURE_*, every request is
 * answered at once with 503, Retry-After and the common error body, so an overloaded
 * replica sheds work (and its /readyz fails, so the load balancer moves traffic away)
 * instead of queueing requests until they time out. `/healthz` is never shed: a busy
 * process is alive, and an orchestrator that restarted it would only add load.
 */
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../temporal.config';
import { errorBody } from '../errors';

type PressureConfig = Pick<
  Config,
  | 'PRESSURE_MAX_EVENT_LOOP_DELAY_MS'
  | 'PRESSURE_MAX_EVENT_LOOP_UTILIZATION'
  | 'PRESSURE_MAX_HEAP_USED_BYTES'
  | 'PRESSURE_MAX_RSS_BYTES'
  | 'PRESSURE_RETRY_AFTER_SECONDS'
>;

/** Route config for a route that must answer under pressure too: the handler lets the request through. */
export const NEVER_SHED = { pressureHandler: () => undefined };

export default fp<{ config: PressureConfig }>(
  async (app, { config }) => {
    const retryAfter = config.PRESSURE_RETRY_AFTER_SECONDS;
    await app.register(underPressure, {
      maxEventLoopDelay: config.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: config.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
      maxHeapUsedBytes: config.PRESSURE_MAX_HEAP_USED_BYTES,
      maxRssBytes: config.PRESSURE_MAX_RSS_BYTES,
      retryAfter,
      pressureHandler: (req: FastifyRequest, reply: FastifyReply, type: string) => {
        void reply
          .status(503)
          .header('retry-after', String(retryAfter))
          .send(errorBody(req.id, 'unavailable', `the server is overloaded (${type}); retry in ${retryAfter}s`));
      },
    });
  },
  { name: 'load-shedding' },
);
