import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { check as checkWithin } from '../../ops/ops-server';
import { withTemporalDeadline } from '../workflow-client';

export const CHECK_TIMEOUT_MS = 2000;

const ZCheckSchema = z.object({ ok: z.boolean(), error: z.string().optional() });

export default async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        security: [],
        response: {
          200: z.object({ status: z.enum(['ready', 'unavailable']), database: ZCheckSchema, temporal: ZCheckSchema }),
          503: z.object({ status: z.enum(['ready', 'unavailable']), database: ZCheckSchema, temporal: ZCheckSchema }),
        },
      },
    },
    async (_req, reply) => {
      const check = (fn: () => Promise<unknown>) => checkWithin(CHECK_TIMEOUT_MS, fn);
      const [database, temporal] = await Promise.all([
        check(() => app.db.ping()),
        check(() => withTemporalDeadline(app, () => app.temporal.workflowService.getSystemInfo({}), CHECK_TIMEOUT_MS)),
      ]);
      const ready = database.ok && temporal.ok;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, temporal });
    },
  );
}
