/** The open-tracking pixel that every HTML e-mail ends with. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { markOpenedByToken } from '../../activities/notifications';
import { messageOpenedSignal } from '../../workflows/messages';
import { applicationHandle, withTemporalDeadline } from '../workflow-client';

/** A transparent 1x1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export default async function trackingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/t/:file',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['candidates'],
        summary: 'Open-tracking pixel (signed token)',
        description:
          'Always answers the image, so a forged or expired token learns nothing; a valid token marks its message opened once and tells the workflow.',
        security: [],
        params: z.object({ file: z.string().max(600) }),
      },
    },
    async (req, reply) => {
      const m = /^([A-Za-z0-9_-]+)\.gif$/.exec(req.params.file);
      if (m) {
        const opened = await markOpenedByToken({ db: app.db, config: app.config, now: () => new Date() }, m[1]!);
        if (opened?.firstOpen && opened.applicationId) {
          try {
            await withTemporalDeadline(app, () =>
              applicationHandle(app, opened.applicationId!).signal(messageOpenedSignal, {
                messageId: opened.messageId,
                template: opened.template,
                purpose: opened.purpose,
                at: new Date().toISOString(),
              }),
            );
          } catch (e) {
            // A finished workflow has nothing left to learn from an open.
            if (!(e instanceof WorkflowNotFoundError)) req.log.warn({ err: e }, 'could not signal a message open');
          }
        }
      }
      return reply
        .header('content-type', 'image/gif')
        .header('cache-control', 'no-store, max-age=0')
        .send(PIXEL);
    },
  );
}
