import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { withTemporalDeadline } from '../workflow-client';

const CHECK_TIMEOUT_MS = 2000;

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

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
      const check = async (fn: () => Promise<unknown>) => {
        try {
          await within(CHECK_TIMEOUT_MS, fn());
          return { ok: true };
        } catch (e) {
          return { ok: false, error: e instanceof Error ? e.message.split('\n')[0]!.slice(0, 200) : 'unreachable' };
        }
      };
      const [database, temporal] = await Promise.all([
        check(() => app.db.ping()),
        check(() => withTemporalDeadline(app, () => app.temporal.workflowService.getSystemInfo({}), CHECK_TIMEOUT_MS)),
      ]);
      const ready = database.ok && temporal.ok;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, temporal });
    },
  );
}
