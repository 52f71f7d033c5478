/** The open-tracking pixel that every HTML e-mail ends with. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { markOpenedByToken } from '../../db/queries/messages';
import { signalOpen } from '../open-signals';
import { fileOf } from '../response-schemas';

/** A transparent 1x1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export default async function trackingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/t/:file',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { operationId: 'trackMessageOpen', response: { 200: fileOf('A 1x1 transparent GIF', 'image/gif') },
        tags: ['candidates'],
        summary: 'Open-tracking pixel (signed token)',
        description:
          'Always answers the image, so a forged or expired token learns nothing; a valid token marks its message opened once and tells the workflow (later, if Temporal is unreachable then).',
        security: [],
        params: z.object({ file: z.string().max(600) }),
      },
    },
    async (req, reply) => {
      const m = /^([A-Za-z0-9_-]+)\.gif$/.exec(req.params.file);
      if (m) {
        const opened = await markOpenedByToken({ db: app.db, config: app.config, now: () => new Date() }, m[1]!);
        // Told in the background: the image does not wait for Temporal. Until the workflow
        // has taken it, every load of the pixel tells it again, and so does the API's sweep:
        // an open while Temporal is down arrives late, never lost.
        if (opened && !opened.signalled && opened.applicationId) {
          void signalOpen(app, { ...opened, applicationId: opened.applicationId }).catch((e: unknown) =>
            req.log.warn({ err: e }, 'could not tell the workflow of a message open; the sweep will'),
          );
        }
      }
      return reply
        .header('content-type', 'image/gif')
        .header('cache-control', 'no-store, max-age=0')
        .send(PIXEL);
    },
  );
}
