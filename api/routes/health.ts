import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { check as checkWithin } from '../../ops/ops-server';
import { NEVER_SHED } from '../plugins/load-shedding';
import { withTemporalDeadline } from '../workflow-client';

export const CHECK_TIMEOUT_MS = 2000;

const ZCheckSchema = z.object({ ok: z.boolean(), error: z.string().optional() });

export default async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/healthz',
    { config: NEVER_SHED, schema: { operationId: 'health', tags: ['operations'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  const ZReadySchema = z.object({ status: z.enum(['ready', 'unavailable']), database: ZCheckSchema, temporal: ZCheckSchema, load: ZCheckSchema });
  app.get(
    '/readyz',
    {
      // Not shed: under pressure it answers 503 in its own shape (load.ok false), so the load
      // balancer takes this replica out until it recovers.
      config: NEVER_SHED,
      schema: { operationId: 'readiness', tags: ['operations'], security: [], response: { 200: ZReadySchema, 503: ZReadySchema } },
    },
    async (_req, reply) => {
      if (app.isUnderPressure()) {
        const skipped = { ok: false, error: 'not checked: the API is overloaded' };
        return reply.status(503).send({ status: 'unavailable', database: skipped, temporal: skipped, load: { ok: false, error: 'overloaded' } });
      }
      const check = (fn: () => Promise<unknown>) => checkWithin(CHECK_TIMEOUT_MS, fn);
      const [database, temporal] = await Promise.all([
        check(() => app.db.ping()),
        check(() => withTemporalDeadline(app, () => app.temporal.workflowService.getSystemInfo({}), CHECK_TIMEOUT_MS)),
      ]);
      const ready = database.ok && temporal.ok;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, temporal, load: { ok: true } });
    },
  );
}
