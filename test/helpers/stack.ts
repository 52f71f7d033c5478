/**
 * The real stack for an integration test file: a fresh PostgreSQL database, the shared
 * Temporal dev server, a worker on its own task queue (the workflows bundled once per run by
 * the global setup) and the Fastify app, driven over HTTP with `inject`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import type { ActivityDeps } from '../../activities/deps';
import type { ExtraActivityDeps } from '../../activities';
import { loadConfig, type Config } from '../../temporal.config';
import { createWorker, WORKFLOWS_PATH } from '../../worker';
import { createTestDb, type TestDb } from './db';
import { bundleOptions, dataConverter } from '../../privacy/data-converter';
import { newPayloadKeyEntry } from '../../privacy/keys';

let bundle: Promise<{ code: string }> | undefined;
let runtimeInstalled = false;

/**
 * The workflow code: the run's bundle, built once by test/helpers/global-setup.ts with the
 * production script, or bundled here when the run has none (a config without that setup).
 */
export function workflowBundle(): Promise<{ code: string }> {
  const file = inject('workflowBundlePath');
  bundle ??= file
    ? Promise.resolve({ code: readFileSync(file, 'utf8') })
    : bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN'), ...bundleOptions });
  return bundle;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface Stack {
  app: FastifyInstance;
  db: TestDb;
  config: Config;
  temporal: Client;
  worker: Worker;
  adminToken: string;
  api<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  stop(): Promise<void>;
}

export async function startStack(
  opts: {
    env?: Record<string, string>;
    extraDeps?: Partial<ActivityDeps> & ExtraActivityDeps;
    /** The API's clock (session and sign-in-link lifetimes). */
    now?: () => Date;
    /** A time-skipping test server to run on instead of the shared dev server (its connections stay the caller's). */
    timeSkipping?: TestWorkflowEnvironment;
    /** Collects the API's and the worker's log lines (JSON) here, at LOG_LEVEL (set it in env). */
    logs?: string[];
  } = {},
): Promise<Stack> {
  // A time-skipping environment's maker installed the runtime already.
  if (!runtimeInstalled && !opts.timeSkipping) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const db = await createTestDb();
  const adminToken = `admin_${randomBytes(24).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    ADMIN_TOKEN: adminToken,
    LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    PAYLOAD_KEYS: newPayloadKeyEntry('test'),
    RATE_LIMIT_PER_MINUTE: '100000',
    // Tests make many deliberate 401s from one address; the abuse test sets a real limit.
    AUTH_FAILURES_PER_MINUTE: '100000',
    // Likewise sign-in requests; test/integration/sign-in.test.ts sets the real limit.
    SIGN_IN_RATE_PER_MINUTE: '100000',
    // The API, the worker and the test share one event loop here, on a busy machine: no load
    // shedding unless a test asks for it (test/integration/load-shedding.test.ts).
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    // The tests' webhook receivers listen on 127.0.0.1, which webhooks may not reach by default.
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    ...opts.env,
  });
  const ts = opts.timeSkipping;
  const nativeConnection = ts ? ts.nativeConnection : await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    config,
    db: db.handle,
    connection: nativeConnection,
    workflowBundle: await workflowBundle(),
    extraDeps: opts.extraDeps,
    log: opts.logs
      ? {
          info: (o, m) => opts.logs!.push(JSON.stringify({ level: 'info', src: 'worker', msg: m, ...o })),
          warn: (o, m) => opts.logs!.push(JSON.stringify({ level: 'warn', src: 'worker', msg: m, ...o })),
          error: (o, m) => opts.logs!.push(JSON.stringify({ level: 'error', src: 'worker', msg: m, ...o })),
        }
      : { info: () => {}, warn: () => {}, error: () => {} },
  });
  const running = worker.run();
  const connection = ts ? ts.connection : await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config, db.handle) });
  const app = await buildServer({
    config,
    db: db.handle,
    temporal,
    ...(opts.logs ? { logStream: { write: (line: string) => void opts.logs!.push(line) } } : { logger: false }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  await app.ready();

  return {
    app,
    db,
    config,
    temporal,
    worker,
    adminToken,
    async api(method, url, o = {}) {
      const token = o.token === undefined ? adminToken : o.token;
      const res = await app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...o.headers },
        ...(o.body !== undefined ? { payload: o.body as object } : {}),
      });
      let body: unknown = res.body;
      if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body) body = JSON.parse(res.body);
      return { status: res.statusCode, body: body as any, headers: res.headers };
    },
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      if (!ts) {
        await nativeConnection.close();
        await connection.close();
      }
      await db.drop();
    },
  };
}

/**
 * The settings of another API replica on this stack's database and Temporal, with the
 * request and failed-authentication limits out of the way unless `env` sets them.
 */
export function replicaConfig(s: Stack, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: s.config.DATABASE_URL!,
    TEMPORAL_ADDRESS: s.config.TEMPORAL_ADDRESS,
    ADMIN_TOKEN: s.adminToken,
    LINK_SIGNING_SECRET: s.config.linkSigningSecret!,
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...env,
  });
}

export { eventually } from './wait';
