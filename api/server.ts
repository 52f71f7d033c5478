/**
 * The API as its own process (`npm run api`): PostgreSQL in DATABASE_URL and a Temporal
 * cluster in TEMPORAL_ADDRESS. Closes gracefully on SIGINT/SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { migrate, openDb, type DbHandle } from '../db/client';
import { loadConfigOrExit, type Config } from '../temporal.config';
import { startOpsServer } from '../ops/ops-server';
import { temporalConnectionOptions } from '../ops/temporal-connection';
import { clientTracingInterceptors, startTracing, type Tracing } from '../ops/tracing';
import { dataConverter } from '../privacy/data-converter';
import apiPlugin from './app';
import { errorBody } from './errors';
import { ApiMetrics, metricsPlugin } from './metrics';
import loadShedding from './plugins/load-shedding';
import tracingPlugin from './plugins/tracing';
import { sharedStatePlugin } from './shared-state';
import { ensureRetentionSchedule } from '../privacy/retention-schedule';

/** Headers whose values never reach the logs. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'];

/** X-Forwarded-For is believed only from the proxies TRUST_PROXY names (none by default). */
export function trustProxySetting(value: string): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** Query keys whose values are credentials: candidate links, and the OIDC callback's code and state. */
const SECRET_QUERY_KEYS = new Set(['token', 'code', 'state']);

/**
 * A URL fit for the logs: candidate tokens and sign-in links removed from the path
 * (`/offers/<token>`, `/t/<token>.gif`, `/portal/<token>`, `/auth/email-link/<token>`) and
 * from any query key that decodes to `token`, `code` or `state` (Fastify decodes
 * `?tok%65n=` too).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const pathPart = (q < 0 ? url : url.slice(0, q)).replace(/^(\/offers\/|\/t\/|\/portal\/|\/auth\/email-link\/)[^/?#]+/, '$1[redacted]');
  if (q < 0) return pathPart;
  const keyOf = (raw: string) => {
    try {
      return decodeURIComponent(raw.replace(/\+/g, ' ')).trim().toLowerCase();
    } catch {
      return raw.toLowerCase();
    }
  };
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      return SECRET_QUERY_KEYS.has(keyOf(rawKey)) ? `${rawKey}=[redacted]` : pair;
    })
    .join('&');
  return `${pathPart}?${query}`;
}

/**
 * One access-log line per request, written when it is answered, with the method, the
 * redacted URL, the status and the time taken. Fastify's default writes two (one on
 * arrival), and pino writes synchronously: the two lines were 3.5 % of the API's CPU
 * during starts (bench/RESULTS.md). Errors are logged as before.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export async function buildServer(opts: {
  config: Config;
  db: DbHandle;
  temporal: Client;
  logger?: boolean | object;
  /** Where the default logger writes (tests capture the log lines); default stdout. */
  logStream?: { write(line: string): void };
  metrics?: ApiMetrics;
  /** Tests: a movable clock for session lifetimes. */
  now?: () => Date;
  /** OpenTelemetry (ops/tracing.ts): a server span per request. */
  tracing?: Tracing;
}) {
  const app = Fastify({
    logger:
      opts.logger ?? {
        level: opts.config.LOG_LEVEL,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        serializers: {
          req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactUrl(req.url), id: req.id }),
        },
        ...(opts.logStream ? { stream: opts.logStream } : {}),
      },
    logController: new OneLinePerRequest(),
    bodyLimit: opts.config.BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 300 },
    // Router-level failures (a malformed URL, a parameter too long) in our error format too.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode === 414 ? 414 : 400;
      void (reply as FastifyReply).status(status).send(errorBody(req.id, 'validation_failed', err.message));
    },
    trustProxy: trustProxySetting(opts.config.TRUST_PROXY),
    requestIdHeader: 'x-request-id',
  });
  // First, so the request's span is the context of every other hook and the handler.
  if (opts.tracing) await app.register(tracingPlugin, { tracer: opts.tracing.tracer });
  await app.register(metricsPlugin, { metrics: opts.metrics ?? new ApiMetrics({ db: opts.db, poolSize: opts.config.DATABASE_POOL_SIZE }) });
  await app.register(loadShedding, { config: opts.config });
  await app.register(sharedStatePlugin, { config: opts.config, db: opts.db });
  await app.register(apiPlugin, { config: opts.config, db: opts.db, temporal: opts.temporal, now: opts.now });
  return app;
}

/** The API's Temporal client; `db` holds the per-application data keys of the payload codec. */
export async function connectTemporal(
  config: Config,
  db?: DbHandle,
  metrics?: ApiMetrics,
  tracing?: Tracing,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    ...temporalConnectionOptions(config),
    connectTimeout: '5s',
    ...(metrics ? { interceptors: metrics.temporalInterceptors() } : {}),
  });
  const interceptors = clientTracingInterceptors(tracing);
  return {
    connection,
    client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config, db), ...(interceptors ? { interceptors } : {}) }),
  };
}

/** The daily retention schedule (privacy/retention-schedule.ts); a failure is logged, never fatal. */
export async function startRetentionSchedule(client: Client, config: Config): Promise<void> {
  await ensureRetentionSchedule(client, config).then(
    (how) => console.log(`retention schedule ${how} (daily at 03:17 UTC, task queue ${config.TEMPORAL_TASK_QUEUE})`),
    (e: unknown) => console.error(`the retention schedule could not be created or updated; retention will not run until it is: ${e instanceof Error ? e.message : String(e)}`),
  );
}

export function closeOnSignals(close: () => Promise<void>) {
  let closing = false;
  const handler = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal} received, closing`);
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

export async function main() {
  const config = loadConfigOrExit({ requireDatabaseUrl: 'the API' });
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  await migrate(db);
  const metrics = new ApiMetrics({ db, poolSize: config.DATABASE_POOL_SIZE });
  const tracing = startTracing(config, 'hiring-api');
  if (tracing) console.log(`tracing: spans to ${tracing.url}`);
  const { client, connection } = await connectTemporal(config, db, metrics, tracing);
  const app: FastifyInstance = await buildServer({ config, db, temporal: client, metrics, tracing });
  await startRetentionSchedule(client, config);
  // Prometheus scrapes a private listener, never the public port.
  const ops = config.METRICS_BIND
    ? await startOpsServer(config.METRICS_BIND, {
        '/metrics': async () => ({ status: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
      })
    : undefined;
  if (ops) console.log(`metrics on http://${ops.address}/metrics`);
  closeOnSignals(async () => {
    await ops?.close();
    await app.close();
    await connection.close();
    await tracing?.shutdown();
    await db.close();
  });
  await app.listen({ host: config.HOST, port: config.PORT });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
