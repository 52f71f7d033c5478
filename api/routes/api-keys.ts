/**
 * Named API keys per user: shown once at creation, stored as SHA-256, revocable at once.
 * A user may hold several, so a key is rotated without downtime (create the new one,
 * switch, revoke the old). Scopes narrow what the user's roles allow (api/scopes.ts).
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiKeyScopeSchema } from '../../domain/contracts/api-keys';
import { ZShortTextSchema } from '../../domain/contracts/common';
import { apiKeys, users } from '../../db/schema';
import { authenticate, generateToken, hashToken, requireRoles } from '../auth';
import { AppError, ERROR_RESPONSES, notFound, validationFailed } from '../errors';

const ZParamsSchema = z.object({ id: z.uuid() });

export const ZCreateApiKeySchema = z.object({
  name: ZShortTextSchema,
  scopes: z.array(ZApiKeyScopeSchema).min(1).max(20),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

const ZApiKeySchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  /** null: the user's first key, limited only by the roles. */
  scopes: z.array(z.string()).nullable(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
});

const keyColumns = {
  id: apiKeys.id,
  userId: apiKeys.userId,
  name: apiKeys.name,
  scopes: apiKeys.scopes,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
  createdAt: apiKeys.createdAt,
};

export default async function apiKeyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  async function userOr404(id: string) {
    const [u] = await db.select({ id: users.id, active: users.active }).from(users).where(eq(users.id, id));
    if (!u) throw notFound('user');
    return u;
  }

  app.post(
    '/v1/users/:id/api-keys',
    {
      onRequest: [authenticate, requireRoles('admin')],
      config: { idempotencyRedact: ['key'] },
      schema: {
        tags: ['organisation'],
        operationId: 'createApiKey',
        summary: 'Create a named, scoped API key for a user; the key is shown once',
        params: ZParamsSchema,
        body: ZCreateApiKeySchema,
        response: { 201: ZApiKeySchema.extend({ key: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const user = await userOr404(req.params.id);
      if (!user.active) throw new AppError('conflict', 'the user is deactivated: reactivate them before giving them a key');
      const expiresAt = req.body.expiresAt ? new Date(req.body.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw validationFailed([{ path: 'body.expiresAt', message: 'must be in the future' }]);
      const key = generateToken();
      const [row] = await db
        .insert(apiKeys)
        .values({ userId: user.id, name: req.body.name, keyHash: hashToken(key), scopes: [...new Set(req.body.scopes)], expiresAt })
        .returning(keyColumns);
      return reply.status(201).send({ ...row!, key });
    },
  );

  app.get(
    '/v1/users/:id/api-keys',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: {
        tags: ['organisation'],
        operationId: 'listApiKeys',
        summary: "A user's API keys, newest first (never the keys themselves)",
        params: ZParamsSchema,
        response: { 200: z.object({ items: z.array(ZApiKeySchema) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      await userOr404(req.params.id);
      const items = await db.select(keyColumns).from(apiKeys).where(eq(apiKeys.userId, req.params.id)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
      return { items };
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      onRequest: [authenticate, requireRoles('admin')],
      schema: {
        tags: ['organisation'],
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key: it fails from the next request on (repeating it is harmless)',
        params: ZParamsSchema,
        response: { 200: ZApiKeySchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const [revoked] = await db
        .update(apiKeys)
        .set({ revokedAt: new Date() })
        .where(and(eq(apiKeys.id, req.params.id), isNull(apiKeys.revokedAt)))
        .returning(keyColumns);
      if (revoked) return revoked;
      const [already] = await db.select(keyColumns).from(apiKeys).where(eq(apiKeys.id, req.params.id));
      if (!already) throw notFound('API key');
      return already;
    },
  );
}
