/**
 * Sign-in for people (docs/sign-in.md): OIDC single sign-on, e-mail sign-in links, and
 * logout. Each successful sign-in starts a server-side session and redirects to the
 * console at /app/; each refusal is an HTML page that says why, and starts nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { consumeEmailLink, deleteSession, saveOidcSignIn, takeOidcSignIn, userByEmail, userById } from '../../db/queries/sign-in';
import { authenticate, principalOf } from '../auth';
import { recordAudit, requestContext } from '../audit';
import { AppError, ERROR_RESPONSES, ZErrorResponseSchema } from '../errors';
import { authorizationUrl, finishSignIn, newAttempt, OIDC_ATTEMPT_TTL_MS, oidcClient, oidcSettings } from '../oidc';
import { signInProblem, type TSignInProblem } from '../pages/sign-in-page';
import { clearSessionCookie, cookieOptions, randomSecret, sha256Hex, startSession } from '../sessions';
import { htmlPageOrError } from '../response-schemas';

/** Where a signed-in person lands: the staff console. */
export const CONSOLE_PATH = '/app/';

const ZHtmlPageSchema = htmlPageOrError('An HTML page saying why the sign-in cannot go on (or the common error, for a request refused before the page)');
const ZRedirectSchema = z.null().describe(`Signed in: the session cookie is set and the browser goes to ${CONSOLE_PATH}`);
const HTML_REFUSALS = { 400: ZHtmlPageSchema, 401: ZHtmlPageSchema, 403: ZHtmlPageSchema, 404: ZHtmlPageSchema, 410: ZHtmlPageSchema };

const ZEmailLinkBodySchema = z.object({ email: z.email().max(254) });
const ZLinkParamsSchema = z.object({ token: z.string().min(1).max(200) });
const ZCallbackQuerySchema = z
  .object({
    code: z.string().max(4000).optional(),
    state: z.string().max(1000).optional(),
    iss: z.string().max(1000).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(1000).optional(),
  })
  .loose();

const oidcCookieName = (req: FastifyRequest) => (req.server.config.publicUrl.startsWith('https:') ? '__Host-hwe_oidc' : 'hwe_oidc');

/** A sign-in event in the audit log (the hook records mutations and 401s, not these redirects and pages). */
function auditSignIn(req: FastifyRequest, event: { action: 'auth.signed_in' | 'auth.failed'; status: number; userId?: string; changes: Record<string, unknown> }) {
  recordAudit(req.server.db.db, {
    action: event.action,
    actor: event.userId ? { type: 'staff', id: event.userId } : { type: 'anonymous' },
    target: event.userId ? { type: 'user', id: event.userId } : null,
    status: event.status,
    request: requestContext(req),
    changes: event.changes,
  }).catch((err: unknown) => req.log.error({ err }, 'could not write the audit row of a sign-in'));
}

function problemPage(reply: FastifyReply, problem: TSignInProblem, detail?: string) {
  const { status, html } = signInProblem(problem, detail);
  // 401 pages are recorded by the audit hook as auth.failed; the others here.
  if (status !== 401) auditSignIn(reply.request, { action: 'auth.failed', status, changes: { reason: problem } });
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

async function signedIn(req: FastifyRequest, reply: FastifyReply, userId: string, method: 'oidc' | 'email_link') {
  await startSession(req, reply, userId, method);
  auditSignIn(req, { action: 'auth.signed_in', status: 302, userId, changes: { method } });
  return reply.header('cache-control', 'no-store').redirect(CONSOLE_PATH, 302);
}

export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = app.db;
  const perMinute = app.config.SIGN_IN_RATE_PER_MINUTE;
  const LINK_RATE = { rateLimit: { max: perMinute, timeWindow: '1 minute' } };
  const PAGE_RATE = { rateLimit: { max: 3 * perMinute, timeWindow: '1 minute' } };

  app.get(
    '/auth/login',
    {
      config: PAGE_RATE,
      schema: { operationId: 'oidcLogin',
        tags: ['sign-in'],
        summary: 'Single sign-on: redirects to the identity provider (OIDC, code flow with PKCE)',
        security: [],
        response: { 302: z.null().describe('To the identity provider'), 404: ZHtmlPageSchema, 429: ZErrorResponseSchema, 503: ZHtmlPageSchema },
      },
    },
    async (req, reply) => {
      const settings = oidcSettings(app.config);
      if (!settings) return problemPage(reply, 'sso_not_configured');
      let client;
      try {
        client = await oidcClient(app, settings);
      } catch (err) {
        req.log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'OIDC discovery failed');
        return problemPage(reply, 'sso_unavailable');
      }
      const attempt = newAttempt();
      const id = randomSecret();
      await saveOidcSignIn(db, { idHash: sha256Hex(id), ...attempt, now: app.now(), ttlMs: OIDC_ATTEMPT_TTL_MS });
      void reply.setCookie(oidcCookieName(req), id, cookieOptions(req, OIDC_ATTEMPT_TTL_MS / 1000));
      const url = await authorizationUrl(client, app.config, attempt);
      return reply.header('cache-control', 'no-store').redirect(url.href, 302);
    },
  );

  app.get(
    '/auth/callback',
    {
      config: PAGE_RATE,
      schema: { operationId: 'oidcCallback',
        tags: ['sign-in'],
        summary: 'Single sign-on: the identity provider sends the browser back here',
        description:
          'Matches the person to an active user by their verified e-mail and starts a session. A wrong state, a code used before, an unknown, unverified or deactivated person: an HTML page, no session.',
        security: [],
        querystring: ZCallbackQuerySchema,
        response: { 302: ZRedirectSchema, ...HTML_REFUSALS, 429: ZErrorResponseSchema, 503: ZHtmlPageSchema },
      },
    },
    async (req, reply) => {
      const settings = oidcSettings(app.config);
      if (!settings) return problemPage(reply, 'sso_not_configured');
      const cookieName = oidcCookieName(req);
      const id = req.cookies[cookieName];
      void reply.clearCookie(cookieName, cookieOptions(req, 0));
      const attempt = id ? await takeOidcSignIn(db, sha256Hex(id), app.now()) : undefined;
      if (!attempt) return problemPage(reply, 'sso_attempt_unknown');
      if (req.query.error) {
        return problemPage(reply, 'sso_failed', `The identity provider answered: ${req.query.error}${req.query.error_description ? ` (${req.query.error_description})` : ''}`);
      }
      let client;
      try {
        client = await oidcClient(app, settings);
      } catch {
        return problemPage(reply, 'sso_unavailable');
      }
      let identity;
      try {
        identity = await finishSignIn(client, new URL(req.url, app.config.publicUrl), attempt);
      } catch (err) {
        const e = err as { name?: string; code?: string; message?: string; error?: string };
        req.log.warn({ err: { name: e.name, code: e.code, error: e.error } }, 'OIDC sign-in refused');
        return problemPage(reply, 'sso_failed', e.error ? `The identity provider answered: ${e.error}` : (e.message ?? '').slice(0, 200));
      }
      if (!identity.email) return problemPage(reply, 'email_unverified', 'The identity provider gave no e-mail address.');
      if (!identity.emailVerified) return problemPage(reply, 'email_unverified', `Address: ${identity.email}`);
      const user = await userByEmail(db, identity.email);
      if (!user) return problemPage(reply, 'no_account', `Address: ${identity.email}`);
      if (!user.active) return problemPage(reply, 'deactivated');
      return signedIn(req, reply, user.id, 'oidc');
    },
  );

  app.post(
    '/auth/email-link',
    {
      config: LINK_RATE,
      schema: { operationId: 'requestEmailLink',
        tags: ['sign-in'],
        summary: 'Mail a single-use sign-in link (valid 15 minutes) to a user',
        description:
          'Always 202 for a well-formed address, whether or not it belongs to an active user, so the answer tells nobody who has an account. At most 5 links per address per 15 minutes are mailed.',
        security: [],
        body: ZEmailLinkBodySchema,
        response: { 202: z.object({ status: z.literal('accepted'), message: z.string() }), 400: ZErrorResponseSchema, 429: ZErrorResponseSchema },
      },
    },
    async (req, reply) => {
      app.emailLinks.request(app, req.body.email);
      return reply.status(202).send({
        status: 'accepted' as const,
        message: 'If this address belongs to an active user, a sign-in link is on its way. It works once, within 15 minutes.',
      });
    },
  );

  app.get(
    '/auth/email-link/:token',
    {
      config: PAGE_RATE,
      schema: { operationId: 'useEmailLink',
        tags: ['sign-in'],
        summary: 'Open an e-mail sign-in link: starts a session and redirects to the console',
        security: [],
        params: ZLinkParamsSchema,
        response: { 302: ZRedirectSchema, ...HTML_REFUSALS, 429: ZErrorResponseSchema },
      },
    },
    async (req, reply) => {
      void reply.header('referrer-policy', 'no-referrer');
      const outcome = await consumeEmailLink(db, sha256Hex(req.params.token), app.now());
      if (!outcome.ok) return problemPage(reply, `link_${outcome.reason}`);
      const user = await userById(db, outcome.userId);
      if (!user?.active) return problemPage(reply, 'deactivated');
      return signedIn(req, reply, user.id, 'email_link');
    },
  );

  app.post(
    '/auth/logout',
    {
      onRequest: [authenticate],
      schema: { operationId: 'logout',
        tags: ['sign-in'],
        summary: 'End this browser session (cookie); needs the X-CSRF-Token header',
        response: { 204: z.null().describe('Signed out; the cookie is cleared'), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      principalOf(req);
      const session = req.signInSession;
      if (!session) throw new AppError('conflict', 'this request is authenticated by a bearer token, not a session: there is nothing to sign out of');
      await deleteSession(db, session.id);
      clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );
}
