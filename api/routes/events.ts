/**
 * Pull sync for integrators who cannot receive webhooks: the same events, with the same
 * ids and bodies, in the order they were recorded, kept EVENT_RETENTION_DAYS (30).
 *
 * Order is the events' recording sequence. A sequence number is taken when an insert
 * starts and becomes visible when it commits, so two inserts can commit out of order; the
 * feed therefore stops short of events recorded in the last SETTLE_MS, by which time any
 * insert begun before has committed (each is one short statement). A cursor never skips.
 */
import { and, asc, gt, inArray, ne, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PING_EVENT_TYPE, WEBHOOK_EVENT_TYPES, webhookDataFor, ZWebhookEventTypeSchema } from '../../domain/contracts/webhooks';
import { webhookEvents } from '../../db/schema';
import { authenticate, hasRole, principalOf, requireRoles } from '../auth';
import { ERROR_RESPONSES, validationFailed } from '../errors';
import { decodeCursor, encodeCursor, ZLimitSchema } from '../pagination';

export const SETTLE_MS = 2_000;

const ZEventCursorSchema = z.object({ s: z.number().int().min(0) });

export const ZEventSchema = z.object({
  id: z.string(),
  type: ZWebhookEventTypeSchema,
  occurredAt: z.string(),
  applicationId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const ZEventPageSchema = z.object({
  items: z.array(ZEventSchema),
  /** Where to continue from: pass it back as `after`. Present even when nothing new came, so polling keeps its place. */
  nextCursor: z.string(),
  /** More events are ready now: ask again at once rather than after the polling interval. */
  hasMore: z.boolean(),
});

const ZTypesSchema = z
  .string()
  .max(2000)
  .optional()
  .describe(`Comma-separated event types to keep (default: all): ${WEBHOOK_EVENT_TYPES.join(', ')}`);

function parseTypes(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const types = raw.split(',').map((t) => t.trim());
  const bad = types.flatMap((t, i) => {
    const r = ZWebhookEventTypeSchema.safeParse(t);
    return r.success ? [] : [{ path: `querystring.types.${i}`, message: r.error.issues[0]?.message ?? 'unknown event type' }];
  });
  if (bad.length) throw validationFailed(bad);
  return [...new Set(types)];
}

export default async function eventRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  app.get(
    '/v1/events',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      schema: {
        tags: ['webhooks'],
        operationId: 'listEvents',
        summary: 'The webhook events, in order, for integrators who poll',
        description: `The same events webhooks deliver (same id, type, occurredAt, applicationId, data), oldest first, kept ${'`EVENT_RETENTION_DAYS`'} (30) days. Start without \`after\`; pass \`nextCursor\` back as \`after\` (it is returned even when nothing new came). Events show about ${SETTLE_MS / 1000} s after they are recorded, so that none is ever skipped.`,
        querystring: z.object({
          after: z.string().max(200).optional().describe('nextCursor of the previous page'),
          types: ZTypesSchema,
          limit: ZLimitSchema,
        }),
        response: { 200: ZEventPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const q = req.query;
      // Offer salaries as on the status (api/status-redaction.ts): an admin sees them (a scoped
      // key only with offers:read), an integrator never; a webhook endpoint only when scoped for them.
      const p = principalOf(req);
      const salaryScopes = hasRole(p, 'admin') && (!p.scopes || p.scopes.includes('offers:read')) ? ['offers:salary'] : null;
      const after = decodeCursor(q.after, ZEventCursorSchema)?.s ?? 0;
      const types = parseTypes(q.types);
      const e = webhookEvents;
      const rows = await db
        .select()
        .from(e)
        .where(
          and(
            gt(e.seq, after),
            ne(e.type, PING_EVENT_TYPE),
            types ? inArray(e.type, types) : undefined,
            sql`${e.recordedAt} < now() - ${`${SETTLE_MS} milliseconds`}::interval`,
          ),
        )
        .orderBy(asc(e.seq))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          id: r.id,
          type: ZWebhookEventTypeSchema.parse(r.type),
          occurredAt: r.occurredAt.toISOString(),
          applicationId: r.applicationId,
          data: webhookDataFor(r.type, r.payload, salaryScopes),
        })),
        nextCursor: encodeCursor({ s: last?.seq ?? after }),
        hasMore: rows.length > q.limit,
      };
    },
  );
}
