/**
 * Integrators' webhook endpoints: register, list, deactivate, and the log of every
 * delivery attempt. Secrets are write-only: stored to sign deliveries, never returned.
 * An integrator sees the endpoints they registered; an admin sees all (others get 404).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PING_EVENT_TYPE, WEBHOOK_EVENT_TYPES, WEBHOOK_SCOPES, ZWebhookEventTypeSchema } from '../../domain/contracts/webhooks';
import { webhookAttempts, webhookDeliveries, webhookEvents, webhooks } from '../../db/schema';
import { authenticate, hasRole, principalOf, requireRoles } from '../auth';
import { checkWebhookUrl, createDeliveryCore, WebhookAddressRefusedError, type TAttemptResult } from '../../activities/webhooks';
import { AppError, ERROR_RESPONSES, notFound, validationFailed } from '../errors';
import { decodeCursor, encodeCursor, ZLimitSchema } from '../pagination';

const ZParamsSchema = z.object({ id: z.uuid() });
const ZDeliveryParamsSchema = z.object({ id: z.uuid(), eventId: z.uuid() });

export const ZCreateWebhookSchema = z.object({
  // Not z.httpUrl(): it demands a domain name, and receivers may sit at an IP address.
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000),
  events: z
    .array(ZWebhookEventTypeSchema)
    .max(100)
    .default([])
    .describe(`Event types to receive; empty for all: ${WEBHOOK_EVENT_TYPES.join(', ')}`),
  secret: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(256)
    .describe('Shared secret for the X-Signature HMAC; write-only, never returned'),
  scopes: z
    .array(z.enum(WEBHOOK_SCOPES))
    .max(10)
    .optional()
    .describe('What the endpoint may receive beyond the default: `offers:salary` keeps `salary` in `offer.*` events (stripped otherwise)'),
});
export type TCreateWebhook = z.infer<typeof ZCreateWebhookSchema>;

export const ZWebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  /** Null: the default (no salary in offer events). */
  scopes: z.array(z.string()).nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  /** While a rotated-out secret still signs beside the current one: until when. */
  previousSecretExpiresAt: z.string().nullable(),
});
export type TWebhook = z.infer<typeof ZWebhookSchema>;

export const ZWebhookAttemptSchema = z.object({
  attemptId: z.string(),
  eventId: z.string(),
  type: z.string(),
  applicationId: z.string().nullable(),
  attemptNo: z.number(),
  at: z.string(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  /** This attempt was acknowledged with a 2xx. */
  delivered: z.boolean(),
  /** Where the event stands for this endpoint now: pending, delivered or failed. */
  deliveryStatus: z.string(),
});
export type TWebhookAttempt = z.infer<typeof ZWebhookAttemptSchema>;

export const ZRotateSecretSchema = z
  .object({
    secret: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(256)
      .optional()
      .describe('The new secret; omitted: one is generated (returned once in the answer)'),
    overlapHours: z
      .number()
      .min(0)
      .max(24 * 30)
      .optional()
      .describe('How long the old secret still signs beside the new one (default WEBHOOK_SECRET_OVERLAP_HOURS, 24)'),
  })
  .default({});

export const ZRotatedSecretSchema = z.object({
  webhook: ZWebhookSchema,
  /** The new secret, shown once. */
  secret: z.string(),
  /** Until then deliveries carry two signatures (new, old) in X-Signature and webhook-signature. */
  previousSecretExpiresAt: z.string(),
});

export const ZManualDeliverySchema = z.object({
  eventId: z.string(),
  webhookId: z.string(),
  /** The endpoint answered 2xx. */
  delivered: z.boolean(),
  attemptNo: z.number(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type TManualDelivery = z.infer<typeof ZManualDeliverySchema>;

const ZAttemptCursorSchema = z.object({ t: z.iso.datetime(), id: z.uuid() });

type WebhookRow = Pick<typeof webhooks.$inferSelect, 'id' | 'url' | 'events' | 'scopes' | 'active' | 'createdAt' | 'previousSecretExpiresAt'>;
const publicView = (w: WebhookRow): TWebhook => ({
  id: w.id,
  url: w.url,
  events: w.events,
  scopes: w.scopes,
  active: w.active,
  createdAt: w.createdAt.toISOString(),
  previousSecretExpiresAt: w.previousSecretExpiresAt && w.previousSecretExpiresAt > new Date() ? w.previousSecretExpiresAt.toISOString() : null,
});
const PUBLIC_COLUMNS = {
  id: webhooks.id,
  url: webhooks.url,
  events: webhooks.events,
  scopes: webhooks.scopes,
  active: webhooks.active,
  createdAt: webhooks.createdAt,
  previousSecretExpiresAt: webhooks.previousSecretExpiresAt,
};

function manualDelivery(eventId: string, webhookId: string, r: TAttemptResult | undefined): TManualDelivery {
  if (!r) throw new AppError('conflict', 'the webhook is inactive');
  if (r.outcome === 'busy' || r.attemptNo === undefined)
    throw new AppError('conflict', 'another attempt is delivering this event to this endpoint now; retry in a minute');
  return {
    eventId,
    webhookId,
    delivered: r.outcome === 'delivered',
    attemptNo: r.attemptNo,
    statusCode: r.statusCode ?? null,
    error: r.error ?? null,
    durationMs: r.durationMs ?? 0,
  };
}

/** Admins see every endpoint; anyone else only their own. */
function visibleTo(req: FastifyRequest): SQL | undefined {
  const p = principalOf(req);
  return hasRole(p, 'admin') ? undefined : eq(webhooks.createdBy, p.userId);
}

export default async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;
  const delivery = createDeliveryCore({ db: app.db, config: app.config, log: app.log, now: () => new Date() });

  async function loadVisibleWebhook(req: FastifyRequest, id: string): Promise<WebhookRow> {
    const [row] = await db
      .select(PUBLIC_COLUMNS)
      .from(webhooks)
      .where(and(eq(webhooks.id, id), visibleTo(req)));
    if (!row) throw notFound('webhook');
    return row;
  }

  /** 400 when the URL's host resolves to an address webhooks may not reach; a host that does not resolve yet is let through (deliveries check again). */
  async function refuseForbiddenAddress(url: string): Promise<void> {
    try {
      await checkWebhookUrl(url, app.config.WEBHOOK_ALLOWED_NETWORKS);
    } catch (err) {
      if (err instanceof WebhookAddressRefusedError) throw validationFailed([{ path: 'body.url', message: err.message }]);
    }
  }

  app.post(
    '/v1/webhooks',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      schema: { operationId: 'createWebhook',
        tags: ['webhooks'],
        summary: 'Register an endpoint for signed event deliveries',
        description:
          'Each delivery is a POST of `{ id, type, occurredAt, applicationId, data }` with `X-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, `X-Event-Id` and `X-Event-Type`. Delivered at least once (retried with backoff until a 2xx), in order per application; deduplicate by event id. 400 (`body.url`) when the host resolves to a loopback, private, link-local (cloud metadata), CGNAT or unspecified address that `WEBHOOK_ALLOWED_NETWORKS` does not list; every delivery checks again and connects only to the address checked.',
        body: ZCreateWebhookSchema,
        response: { 201: ZWebhookSchema, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const { url, events, secret, scopes } = req.body;
      await refuseForbiddenAddress(url);
      const [row] = await db
        .insert(webhooks)
        .values({ url, events: [...new Set(events)], scopes: scopes ? [...new Set(scopes)] : null, secret, createdBy: principalOf(req).userId })
        .returning(PUBLIC_COLUMNS);
      return reply.status(201).send(publicView(row!));
    },
  );

  app.get(
    '/v1/webhooks',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      schema: { operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: 'The registered endpoints, newest first (never their secrets)',
        querystring: z.object({ includeInactive: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ items: z.array(ZWebhookSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const rows = await db
        .select(PUBLIC_COLUMNS)
        .from(webhooks)
        .where(and(visibleTo(req), req.query.includeInactive === 'true' ? undefined : eq(webhooks.active, true)))
        .orderBy(desc(webhooks.createdAt), desc(webhooks.id));
      return { items: rows.map(publicView) };
    },
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      schema: { operationId: 'deleteWebhook',
        tags: ['webhooks'],
        summary: 'Deactivate an endpoint: nothing more is posted to it',
        description: 'Its delivery log stays readable. Deliveries still pending are marked failed.',
        params: ZParamsSchema,
        response: { 200: ZWebhookSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const found = await loadVisibleWebhook(req, req.params.id);
      if (!found.active) return publicView(found);
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(webhooks)
          .set({ active: false, deactivatedAt: new Date() })
          .where(eq(webhooks.id, found.id))
          .returning(PUBLIC_COLUMNS);
        await tx
          .update(webhookDeliveries)
          .set({ status: 'failed', lastError: 'webhook deactivated', lockedUntil: null })
          .where(and(eq(webhookDeliveries.webhookId, found.id), eq(webhookDeliveries.status, 'pending')));
        return updated ?? found;
      });
      return publicView(row);
    },
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      schema: { operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: 'Every delivery attempt to this endpoint, newest first',
        description: 'Keyset pagination: pass nextCursor back as cursor.',
        params: ZParamsSchema,
        querystring: z.object({
          limit: ZLimitSchema,
          cursor: z.string().max(500).optional(),
          eventId: z.uuid().optional(),
        }),
        response: {
          200: z.object({ items: z.array(ZWebhookAttemptSchema), nextCursor: z.string().nullable() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const hook = await loadVisibleWebhook(req, req.params.id);
      const q = req.query;
      const cursor = decodeCursor(q.cursor, ZAttemptCursorSchema);
      const a = webhookAttempts;
      const rows = await db
        .select({
          attemptId: a.id,
          eventId: a.eventId,
          type: webhookEvents.type,
          applicationId: webhookEvents.applicationId,
          attemptNo: a.attemptNo,
          at: a.at,
          statusCode: a.statusCode,
          error: a.error,
          durationMs: a.durationMs,
          deliveryStatus: webhookDeliveries.status,
        })
        .from(a)
        .innerJoin(webhookEvents, eq(webhookEvents.id, a.eventId))
        .innerJoin(webhookDeliveries, and(eq(webhookDeliveries.eventId, a.eventId), eq(webhookDeliveries.webhookId, a.webhookId)))
        .where(
          and(
            eq(a.webhookId, hook.id),
            q.eventId ? eq(a.eventId, q.eventId) : undefined,
            cursor ? or(lt(a.at, new Date(cursor.t)), and(eq(a.at, new Date(cursor.t)), lt(a.id, cursor.id))) : undefined,
          ),
        )
        .orderBy(desc(a.at), desc(a.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(
          (r): TWebhookAttempt => ({
            ...r,
            at: r.at.toISOString(),
            delivered: r.error === null && r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300,
          }),
        ),
        nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.at.toISOString(), id: last.attemptId }) : null,
      };
    },
  );

  app.post(
    '/v1/webhooks/:id/test',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      schema: {
        tags: ['webhooks'],
        operationId: 'testWebhook',
        summary: 'Send a ping event to this endpoint now and report its answer',
        description:
          'Posts `{ id, type: "ping", occurredAt, applicationId: null, data: { webhookId } }`, signed like every delivery, once (no retries). 200 whatever the endpoint answered: `delivered` says whether it was a 2xx. 409 when the endpoint is inactive.',
        params: ZParamsSchema,
        response: { 200: ZManualDeliverySchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const hook = await loadVisibleWebhook(req, req.params.id);
      if (!hook.active) throw new AppError('conflict', 'the webhook is inactive');
      const [event] = await db
        .insert(webhookEvents)
        .values({ key: `ping:${randomUUID()}`, applicationId: null, type: PING_EVENT_TYPE, payload: { webhookId: hook.id }, occurredAt: new Date() })
        .returning({ id: webhookEvents.id });
      return manualDelivery(event!.id, hook.id, await delivery.deliverNow(event!.id, hook.id));
    },
  );

  app.post(
    '/v1/webhooks/:id/deliveries/:eventId/redeliver',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      schema: {
        tags: ['webhooks'],
        operationId: 'redeliverWebhookEvent',
        summary: 'Post an event this endpoint was sent (or is owed) again, now',
        description:
          'Same event id, same body, a fresh signature. 200 whatever the endpoint answered (`delivered` says whether it was a 2xx); a refused redelivery of a settled event is not retried. 404 when the event was never for this endpoint, 409 when the endpoint is inactive or another attempt is posting the event right now.',
        params: ZDeliveryParamsSchema,
        response: { 200: ZManualDeliverySchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const hook = await loadVisibleWebhook(req, req.params.id);
      const [owed] = await db
        .select({ status: webhookDeliveries.status })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.webhookId, hook.id), eq(webhookDeliveries.eventId, req.params.eventId)));
      if (!owed) throw notFound('delivery');
      if (!hook.active) throw new AppError('conflict', 'the webhook is inactive');
      return manualDelivery(req.params.eventId, hook.id, await delivery.deliverNow(req.params.eventId, hook.id));
    },
  );

  app.post(
    '/v1/webhooks/:id/rotate-secret',
    {
      onRequest: [authenticate, requireRoles('admin', 'integrator')],
      config: { idempotencyRedact: ['secret'] },
      schema: {
        tags: ['webhooks'],
        operationId: 'rotateWebhookSecret',
        summary: 'Replace the signing secret; the old one keeps signing for an overlap',
        description:
          'From now on every delivery is signed with the new secret and, until `previousSecretExpiresAt`, also with the old one: `X-Signature` carries two `v1=` values and `webhook-signature` two `v1,` values (new first). Receivers switch their secret within the overlap. Rotating again during an overlap drops the oldest secret at once. The new secret is in this answer only.',
        params: ZParamsSchema,
        body: ZRotateSecretSchema,
        response: { 200: ZRotatedSecretSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const hook = await loadVisibleWebhook(req, req.params.id);
      if (!hook.active) throw new AppError('conflict', 'the webhook is inactive');
      const secret = req.body.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
      const overlapMs = Math.round((req.body.overlapHours ?? app.config.WEBHOOK_SECRET_OVERLAP_HOURS) * 3_600_000);
      const [row] = await db
        .update(webhooks)
        .set({
          previousSecret: sql`${webhooks.secret}`,
          previousSecretExpiresAt: sql`now() + ${`${overlapMs} milliseconds`}::interval`,
          secret,
        })
        .where(eq(webhooks.id, hook.id))
        .returning(PUBLIC_COLUMNS);
      return {
        webhook: publicView(row!),
        secret,
        previousSecretExpiresAt: row!.previousSecretExpiresAt!.toISOString(),
      };
    },
  );
}
