/**
 * The caller: who they are (and, in a browser, the CSRF token their page must send) and
 * their own browser sessions, which they may end one by one.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZIdSchema } from '../../domain/contracts/common';
import { assignmentsOf } from '../../db/queries/assignments';
import { deleteSessionOf, listSessions, sessionEndsAt } from '../../db/queries/sign-in';
import { authenticate, principalOf } from '../auth';
import { ERROR_RESPONSES, notFound } from '../errors';
import { clearSessionCookie } from '../sessions';

const ZMeSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  roles: z.array(z.string()),
  departmentId: z.string().nullable(),
  bootstrap: z.boolean().describe('The ADMIN_TOKEN from the environment, not a user'),
  session: z
    .object({
      id: z.string(),
      method: z.enum(['oidc', 'email_link']),
      createdAt: z.iso.datetime(),
      expiresAt: z.iso.datetime().describe('The absolute end (SESSION_MAX_AGE after sign-in)'),
      endsAt: z.iso.datetime().describe('When it ends if no further request comes (idle lifetime)'),
      csrfToken: z.string().describe('Send as the X-CSRF-Token header with every POST, PUT, PATCH and DELETE'),
    })
    .nullable()
    .describe('The browser session this request came with; null for bearer tokens'),
});

const ZSessionSchema = z.object({
  id: z.string(),
  method: z.enum(['oidc', 'email_link']),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean().describe('The session this request came with'),
});

export default async function meRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;

  app.get(
    '/v1/me',
    {
      onRequest: [authenticate],
      schema: { operationId: 'getMe',
        tags: ['organisation'],
        summary: 'Who the token or session belongs to (with the CSRF token for a browser session)',
        response: { 200: ZMeSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const s = req.signInSession;
      return {
        userId: p.userId,
        name: p.name,
        email: p.email,
        roles: p.roles,
        departmentId: p.departmentId,
        bootstrap: p.bootstrap,
        session: s
          ? {
              id: s.id,
              method: s.method,
              createdAt: s.createdAt.toISOString(),
              expiresAt: s.expiresAt.toISOString(),
              endsAt: s.endsAt.toISOString(),
              csrfToken: s.csrfToken,
            }
          : null,
      };
    },
  );

  app.get(
    '/v1/me/assignments',
    {
      onRequest: [authenticate],
      schema: {
        tags: ['organisation'],
        operationId: 'listMyAssignments',
        summary: 'The applications I am named on beyond my department: approver, mentor, IT during onboarding',
        description:
          "What the console's My work reads for people who cannot list applications (approvers, IT, mentors); each application listed here is readable by the caller at GET /v1/applications/:id.",
        response: {
          200: z.object({ items: z.array(z.object({ applicationId: z.string(), reason: z.enum(['approver', 'mentor', 'it']) })) }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return { items: await assignmentsOf(db, p) };
    },
  );

  app.get(
    '/v1/me/sessions',
    {
      onRequest: [authenticate],
      schema: { operationId: 'listMySessions',
        tags: ['sign-in'],
        summary: 'My browser sessions that are still alive, newest first',
        response: { 200: z.object({ items: z.array(ZSessionSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const idleMs = app.config.SESSION_IDLE_TIMEOUT;
      const rows = await listSessions(db, p.userId, app.now(), idleMs);
      return {
        items: rows.map((r) => ({
          id: r.id,
          method: r.method,
          createdAt: r.createdAt.toISOString(),
          lastSeenAt: r.lastSeenAt.toISOString(),
          expiresAt: r.expiresAt.toISOString(),
          endsAt: sessionEndsAt(r, idleMs).toISOString(),
          ip: r.ip,
          userAgent: r.userAgent,
          current: r.id === req.signInSession?.id,
        })),
      };
    },
  );

  app.delete(
    '/v1/me/sessions/:id',
    {
      onRequest: [authenticate],
      schema: { operationId: 'revokeMySession',
        tags: ['sign-in'],
        summary: 'End one of my browser sessions (another device, or this one)',
        params: z.object({ id: ZIdSchema }),
        response: { 204: z.null().describe('Ended'), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (!(await deleteSessionOf(db, p.userId, req.params.id))) throw notFound('session');
      if (req.params.id === req.signInSession?.id) clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );
}
