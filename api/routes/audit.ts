/** The audit log, for admins: who did what, filtered, newest first. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditPage } from '../../db/queries/audit';
import { authenticate, requireRoles } from '../auth';
import { ERROR_RESPONSES, validationFailed } from '../errors';
import { decodeCursor, encodeCursor, ZLimitSchema } from '../pagination';

const ZAuditEntrySchema = z.object({
  id: z.number(),
  at: z.date(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  apiKeyId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  status: z.number().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()).nullable(),
});

const ZCursorSchema = z.object({ id: z.number().int() });

export default async function auditRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/v1/audit',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: {
        tags: ['organisation'],
        operationId: 'listAudit',
        summary: 'The audit log, newest first',
        description:
          'Every mutation, failed authentication and read of sensitive data. `action` is `METHOD /route/:param` (e.g. `PATCH /v1/users/:id`) or a named event such as `auth.failed`; `since` is inclusive, `until` exclusive. Keyset pagination: pass nextCursor back as cursor.',
        querystring: z.object({
          actorId: z.uuid().optional(),
          targetId: z.string().min(1).max(200).optional(),
          action: z.string().min(1).max(200).optional(),
          since: z.iso.datetime({ offset: true }).optional(),
          until: z.iso.datetime({ offset: true }).optional(),
          limit: ZLimitSchema,
          cursor: z.string().max(500).optional(),
        }),
        response: { 200: z.object({ items: z.array(ZAuditEntrySchema), nextCursor: z.string().nullable() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.since && q.until && Date.parse(q.since) >= Date.parse(q.until)) {
        throw validationFailed([{ path: 'querystring.until', message: 'must be after since' }]);
      }
      const cursor = decodeCursor(q.cursor, ZCursorSchema);
      const rows = await auditPage(app.db.db, { ...q, beforeId: cursor?.id, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { items: page, nextCursor: rows.length > q.limit && last ? encodeCursor({ id: last.id }) : null };
    },
  );
}
