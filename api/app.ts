/**
 * The HTTP API as a Fastify plugin: zod validates every input and the same schemas
 * produce /openapi.json and /docs. Routes stay thin: they authorise, then read the
 * database (lists, rankings) or talk to the application's workflow (commands, status).
 */
import fastifyCookie from '@fastify/cookie';
import helmet from 'helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import databaseBreaker from './plugins/database-breaker';
import depsPlugin, { type AppDeps } from './plugins/deps';
import idempotencyPlugin from './plugins/idempotency';
import auditPlugin from './audit';
import { AppError, errorBody, errorHandler, validationFailed, type TErrorDetail } from './errors';
import { completeRouteContract, finishDocument } from './contract';
import { NEVER_SHED } from './plugins/load-shedding';
import { temporalCallsSettled } from './workflow-client';
import { scheduleOpenSignalSweep } from './open-signals';
import { EmailLinkOutbox } from './email-link';
import { scheduleRepeating } from './schedule';
import { purgeExpiredEvents } from '../activities/webhooks';
import healthRoutes from './routes/health';
import organisationRoutes from './routes/organisation';
import jobRoutes from './routes/jobs';
import applicationRoutes from './routes/applications';
import trackingRoutes from './routes/tracking';
import offerRoutes from './routes/offers';
import probationRoutes from './routes/probation';
import offerDocumentRoutes from './routes/offer-documents';
import candidateRoutes from './routes/candidate';
import employeeRoutes from './routes/employees';
import portalRoutes from './routes/portal';
import adminRoutes from './routes/admin';
import webhookRoutes from './routes/webhooks';
import authRoutes from './routes/auth';
import meRoutes from './routes/me';
import apiKeyRoutes from './routes/api-keys';
import administrationRoutes from './routes/administration';
import auditRoutes from './routes/audit';
import reportRoutes from './routes/reports';
import codecRoutes from './routes/codec';
import privacyRoutes from './routes/privacy';
import eventRoutes from './routes/events';
import consolePlugin from './plugins/console';

export type App = FastifyInstance;

/** Deeper bodies are refused: no form or resource of this API nests anywhere near this. */
export const MAX_BODY_DEPTH = 64;

/** How often the API deletes events older than EVENT_RETENTION_DAYS. */
export const EVENT_PURGE_EVERY_MS = 3_600_000;

/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What a string must not hold to be stored: PostgreSQL refuses NUL in text, and an unpaired
 * UTF-16 surrogate (a `\uD800`–`\uDFFF` escape in JSON without its other half) in jsonb. The
 * latter used to reach the workflow and fail its write in an activity, retried without end:
 * the Update waited until its deadline (503) and every later action on that application too.
 */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain an unpaired UTF-16 surrogate (\\uD800–\\uDFFF without its pair)';
  return null;
}

/**
 * The strings (values or keys) that cannot be stored (see `unstorable`), by path, with why.
 * Iterative, so a hostile body nested thousands deep cannot overflow the stack; beyond
 * MAX_BODY_DEPTH it throws.
 */
export function unstorableText(root: unknown, rootPath: string): TErrorDetail[] {
  const out: TErrorDetail[] = [];
  const stack: [unknown, string, number][] = [[root, rootPath, 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) throw validationFailed([{ path, message: `nested deeper than ${MAX_BODY_DEPTH} levels` }]);
    if (typeof value === 'string') {
      const why = unstorable(value);
      if (why) out.push({ path, message: why });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}.${i}`, depth + 1]));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const why = unstorable(k);
        if (why) out.push({ path: `${path}.${k.replace(/\u0000/g, '\\0').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD')}`, message: why });
        else stack.push([v, `${path}.${k}`, depth + 1]);
      }
    }
  }
  return out.sort((a, b) => (a.path! < b.path! ? -1 : a.path! > b.path! ? 1 : 0));
}

export default fp<AppDeps>(
  async (app, deps) => {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(errorHandler);
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send(errorBody(req.id, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`)),
    );
    app.decorateRequest('principal', null);
    app.decorateRequest('deferredKey', null);
    app.decorateRequest('signInSession', null);
    // Closing waits for Temporal calls a request stopped waiting for at its deadline, so the
    // connection is not closed under a retry that is still due.
    app.addHook('onClose', async () => {
      await temporalCallsSettled();
    });
    // Text PostgreSQL cannot store (NUL, unpaired surrogates): refused up front, naming each field.
    app.addHook('preValidation', async (req) => {
      const bad = [...unstorableText(req.body, 'body'), ...unstorableText(req.query, 'querystring'), ...unstorableText(req.params, 'params')];
      if (bad.length) throw validationFailed(bad);
    });

    await app.register(depsPlugin, deps);
    // 503 at once while PostgreSQL is unreachable, instead of queueing behind the driver's retries.
    await app.register(databaseBreaker, { db: deps.db });
    // Cookies are read for browser sessions only (api/sessions.ts); none is signed by the plugin.
    await app.register(fastifyCookie);
    const emailLinks = new EmailLinkOutbox();
    app.decorate('emailLinks', emailLinks);
    app.addHook('onClose', async () => emailLinks.settled());
    scheduleOpenSignalSweep(app, deps.config.OPEN_SIGNAL_RETRY_MS);
    // GET /v1/events keeps EVENT_RETENTION_DAYS; every replica purges (the statement is idempotent).
    scheduleRepeating(app, EVENT_PURGE_EVERY_MS, 'event purge', () => purgeExpiredEvents(deps.db, deps.config.EVENT_RETENTION_DAYS));
    const https = deps.config.publicUrl.startsWith('https:');
    // Built once. @fastify/helmet called helmet(options) again for every request, parsing
    // the policy each time: 1.3 % of the API's CPU during the bench's starts.
    const securityHeaders = helmet({
      // The docs UI and the candidate pages use inline styles; scripts stay same-origin.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          scriptSrc: ["'self'"],
          // Served over plain HTTP (a LAN or demo), upgrading would send the offer form to
          // an https:// address that does not exist.
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      strictTransportSecurity: https,
    });
    app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)));
    await app.register(fastifyRateLimit, {
      // Shared by every replica when REDIS_URL is set (api/shared-state.ts); fails open if Redis is down.
      ...(app.redis ? { redis: app.redis, nameSpace: `${deps.config.REDIS_KEY_PREFIX}rate-limit:`, skipOnError: true } : {}),
      // Not global: the plugin would hook in after each route's own onRequest hooks, so
      // requests refused by authentication (token guessing) would never be counted.
      global: false,
      errorResponseBuilder: (req, ctx) => ({
        statusCode: 429,
        ...errorBody(req.id, 'rate_limited', `too many requests; retry in ${Math.ceil(ctx.ttl / 1000)}s`),
      }),
    });
    // An app-level hook runs before every route's hooks: every request counts, refused or
    // not. (createRateLimit, not rateLimit: the latter marks the request as limited and the
    // stricter per-route limits of the candidate routes would then be skipped.)
    const everyRequest = app.createRateLimit({ max: deps.config.RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' });
    app.addHook('onRequest', async (req, reply) => {
      const r = await everyRequest(req);
      // (isAllowed means "on the allow list"; isExceeded is the verdict)
      if (!r.isAllowed && r.isExceeded) {
        void reply.header('retry-after', String(r.ttlInSeconds));
        throw new AppError('rate_limited', `too many requests; retry in ${r.ttlInSeconds}s`);
      }
    });
    // Before the document plugin and every route: each route is completed as it is registered.
    app.addHook('onRoute', completeRouteContract);
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Hiring workflow engine API',
          version: '1.0.0',
          description:
            'Everything after the AI interview, one durable workflow per application. Staff use `Authorization: Bearer <token>`; every mutating call accepts `Idempotency-Key`.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            session: { type: 'apiKey', in: 'cookie', name: 'hwe_session', description: 'Browser session (docs/sign-in.md); changes also need X-CSRF-Token' },
          },
        },
        security: [{ bearer: [] }, { session: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: finishDocument,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
    await app.register(idempotencyPlugin);
    await app.register(auditPlugin);

    // Never shed: the document is static, and scripts/openapi.ts asks for it on a busy machine.
    app.get('/openapi.json', { config: NEVER_SHED, schema: { hide: true } }, async () => app.swagger());
    await app.register(healthRoutes);
    await app.register(organisationRoutes);
    await app.register(jobRoutes);
    await app.register(applicationRoutes);
    await app.register(trackingRoutes);
    await app.register(offerRoutes);
    await app.register(candidateRoutes);
    await app.register(employeeRoutes);
    await app.register(probationRoutes);
    await app.register(offerDocumentRoutes);
    await app.register(portalRoutes);
    await app.register(adminRoutes);
    await app.register(webhookRoutes);
    await app.register(authRoutes);
    await app.register(meRoutes);
    await app.register(apiKeyRoutes);
    await app.register(administrationRoutes);
    await app.register(auditRoutes);
    await app.register(reportRoutes);
    await app.register(codecRoutes);
    await app.register(privacyRoutes);
    await app.register(eventRoutes);
    await app.register(consolePlugin);
  },
  { name: 'hiring-api' },
);
