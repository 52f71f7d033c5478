/**
 * A stack that can be broken for real, for the chaos tests (test/chaos/) and the load
 * script (scripts/load.ts). Free of vitest, so scripts can use it.
 *
 * - its own Temporal dev server, persisted to a SQLite file in a temp dir, that can be
 *   stopped (SIGTERM) and started again on the same port with the same file;
 * - a fresh PostgreSQL database, reached by the API and the workers through a TCP proxy
 *   that can be taken down (open connections cut, new ones refused) and brought back;
 * - the test SMTP server, optionally behind such a proxy too (down = connection refused);
 * - workers as CHILD PROCESSES (`tsx worker.ts`, the production entry point, configured by
 *   the environment only), each in its own process group so SIGKILL takes tsx and node;
 * - the API in this process (buildServer + inject), on the proxied database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { decodeTimeoutType } from '@temporalio/common';
import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { smtpMessageId } from '../../activities/notifications/keys';
import { buildServer } from '../../api/server';
import { openDb, type DbHandle } from '../../db/client';
import { freePort, startDevServer, type DevServer } from '../temporal-cli';
import { prodLaunch } from '../prod-launch';
import { loadConfig, type Config } from '../../temporal.config';
import { dataConverter } from '../../privacy/data-converter';
import { newPayloadKeyEntry } from '../../privacy/keys';
import { createTestDb, TEST_PG_URL, type TestDb } from './db';
import { startSmtpServer, type TReceivedMail, type TTestSmtpServer } from './smtp';
import { startWebhookReceiver, type TTestWebhookReceiver } from './webhook-receiver';
import { sleep } from './wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export { sleep };

// ---------------------------------------------------------------------------------------
// A TCP proxy that can be taken down and brought back on the same port.

export class TcpProxy {
  port = 0;
  /** Connections accepted while up (a reconnecting pool shows up here). */
  accepted = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Listens (again) on `port`, by default the port it had before. */
  async up(port = this.port): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      this.accepted += 1;
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      }
      const cut = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', cut).on('close', cut);
      upstream.on('error', cut).on('close', cut);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: every open connection is cut and nothing listens (connection refused). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------
// Workers as child processes.

export interface WorkerChild {
  pid: number;
  /** The last 20 kB of stdout and stderr. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
  /** SIGKILL to the whole process group (tsx and the node process it runs). */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** Worker process groups still running: killed if this process exits without stopping them. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** `tsx worker.ts` with the node options of `npm run worker`; the compiled worker is `[process.execPath, 'dist/worker.js']` (`npm run worker:prod`). */
export const TSX_WORKER_COMMAND: readonly string[] = [TSX, ...prodLaunch('worker').nodeArgs, 'worker.ts'];

/** Starts `command` (by default `tsx worker.ts`) with `env` and resolves once it polls its task queue. */
export async function spawnWorker(env: Record<string, string>, readyTimeoutMs = 120_000, command: readonly string[] = TSX_WORKER_COMMAND): Promise<WorkerChild> {
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let alive = true;
  const pid = child.pid!;
  liveGroups.add(pid);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      alive = false;
      liveGroups.delete(pid);
      resolve({ code, signal });
    }),
  );
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  const w: WorkerChild = {
    pid,
    output: () => out,
    exited,
    get alive() {
      return alive;
    },
    async kill() {
      signalGroup('SIGKILL');
      await exited;
    },
    async stop() {
      if (!alive) return;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (!/worker polling/.test(out)) {
    if (!alive) throw new Error(`worker exited during start-up:\n${out}`);
    if (Date.now() > deadline) {
      await w.kill();
      throw new Error(`worker not polling within ${readyTimeoutMs} ms:\n${out}`);
    }
    await sleep(50);
  }
  return w;
}

// ---------------------------------------------------------------------------------------
// The stack.

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface ApiOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** A raw payload (multipart uploads); `headers` carries its content type. */
  payload?: Buffer;
}

export type ApiFn = <T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, opts?: ApiOptions) => Promise<ApiResponse<T>>;

export interface ChaosStackOptions {
  /** Put the database behind a TcpProxy (for outages). */
  dbProxy?: boolean;
  /** Put the SMTP server behind a TcpProxy (for outages). */
  smtpProxy?: boolean;
  /** Worker processes to start (default 1). */
  workers?: number;
  /** Extra environment for the API config and the workers. */
  env?: Record<string, string>;
  /** Database connections of the API (default 10). */
  apiPoolSize?: number;
  /** Start a webhook receiver (register it with registerWebhook once the org exists). */
  webhookReceiver?: boolean;
  /** A migrated database to copy instead of migrating a new one (createTemplateDb in ./db). */
  dbTemplate?: string;
}

export interface ChaosStack {
  dir: string;
  temporal: DevServer;
  temporalAddress: string;
  /** The test's own view of the database (direct, never through the proxy). */
  db: TestDb;
  dbProxy: TcpProxy | undefined;
  smtp: TTestSmtpServer;
  smtpProxy: TcpProxy | undefined;
  webhooks: TTestWebhookReceiver | undefined;
  config: Config;
  app: FastifyInstance;
  /** What the API logged at level error (one JSON line each). */
  apiErrors: string[];
  client: Client;
  adminToken: string;
  workers: WorkerChild[];
  workerEnv: Record<string, string>;
  api: ApiFn;
  startWorker(): Promise<WorkerChild>;
  /** SIGTERM the dev server and wait for it to exit (DevServer.stop: SIGKILL after 10 s). */
  stopTemporal(): Promise<{ ms: number; signal: NodeJS.Signals | null; code: number | null }>;
  /** Start it again on the same port with the same database file. */
  startTemporal(): Promise<void>;
  stop(): Promise<void>;
}

function withHostPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

export async function startChaosStack(opts: ChaosStackOptions = {}): Promise<ChaosStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hwe-chaos-'));
  const dbFile = path.join(dir, 'temporal.sqlite');
  const temporalPort = await freePort();
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let temporal = await startDevServer({ port: temporalPort, dbFile });
    cleanups.push(() => temporal.stop());

    const db = await createTestDb('hwe_chaos', { template: opts.dbTemplate });
    cleanups.push(() => db.drop());
    const pg = new URL(TEST_PG_URL);
    let dbProxy: TcpProxy | undefined;
    let appDbUrl = db.url;
    if (opts.dbProxy) {
      dbProxy = new TcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
      await dbProxy.up(0);
      cleanups.push(() => dbProxy!.down());
      appDbUrl = withHostPort(db.url, dbProxy.port);
    }

    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    let smtpProxy: TcpProxy | undefined;
    let smtpUrl = smtp.url;
    if (opts.smtpProxy) {
      smtpProxy = new TcpProxy({ host: '127.0.0.1', port: smtp.port });
      await smtpProxy.up(0);
      cleanups.push(() => smtpProxy!.down());
      smtpUrl = `smtp://127.0.0.1:${smtpProxy.port}`;
    }

    let receiver: TTestWebhookReceiver | undefined;
    if (opts.webhookReceiver) {
      receiver = await startWebhookReceiver({ secret: `chaos-webhook-secret-${randomBytes(8).toString('hex')}` });
      cleanups.push(() => receiver!.close());
    }

    const adminToken = `admin_${randomBytes(24).toString('hex')}`;
    const workerEnv: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: appDbUrl,
      DATABASE_POOL_SIZE: '10',
      DATA_DIR: dir,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `chaos-${randomUUID()}`,
      SMTP_URL: smtpUrl,
      LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
      PAYLOAD_KEYS: newPayloadKeyEntry('chaos'),
      // The receiver listens on 127.0.0.1, which webhooks may not reach by default.
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
      ...opts.env,
    };
    const config = loadConfig({
      ...workerEnv,
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN: adminToken,
      RATE_LIMIT_PER_MINUTE: '10000000',
      // Faults and load make the in-process API's event loop slow by design: measure, do not shed.
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      // The simulated people reach the API through a local reverse proxy, each from their own
      // address (X-Forwarded-For): the per-client limits of the candidate routes apply per candidate.
      TRUST_PROXY: '127.0.0.1',
    });

    const apiDb: DbHandle = await openDb({ databaseUrl: appDbUrl, dataDir: dir, poolSize: opts.apiPoolSize ?? 10 });
    cleanups.push(() => apiDb.close());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config, apiDb) });
    // The API's errors are kept (a 500 in a fault test needs its stack to be understood).
    const apiErrors: string[] = [];
    const app = await buildServer({
      config,
      db: apiDb,
      temporal: client,
      logger: { level: 'error', stream: { write: (line: string) => apiErrors.push(line.slice(0, 4000)) } },
    });
    await app.ready();
    cleanups.push(() => app.close());

    const workers: WorkerChild[] = [];
    cleanups.push(() => Promise.all(workers.map((w) => w.stop())));
    const startWorker = async () => {
      const w = await spawnWorker(workerEnv);
      workers.push(w);
      return w;
    };
    await Promise.all(Array.from({ length: opts.workers ?? 1 }, () => startWorker()));

    const api: ApiFn = async (method, url, o = {}) => {
      const token = o.token === undefined ? adminToken : o.token;
      const res = await app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...o.headers },
        ...(o.payload !== undefined ? { payload: o.payload } : o.body !== undefined ? { payload: o.body as object } : {}),
      });
      let body: unknown = res.body;
      if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body) {
        try {
          body = JSON.parse(res.body);
        } catch {
          // leave the text
        }
      }
      return { status: res.statusCode, body: body as any, headers: res.headers };
    };

    const stack: ChaosStack = {
      dir,
      get temporal() {
        return temporal;
      },
      temporalAddress: temporal.address,
      db,
      dbProxy,
      smtp,
      smtpProxy,
      webhooks: receiver,
      config,
      app,
      apiErrors,
      client,
      adminToken,
      workers,
      workerEnv,
      api,
      startWorker,
      async stopTemporal() {
        const t0 = Date.now();
        const child = temporal.process;
        await temporal.stop();
        return { ms: Date.now() - t0, signal: child.signalCode, code: child.exitCode };
      },
      async startTemporal() {
        temporal = await startDevServer({ port: temporalPort, dbFile });
      },
      stop: cleanup,
    };
    return stack;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// What the SMTP server received.

export interface MailTally {
  /** Messages the SMTP server accepted. */
  received: number;
  /** Distinct Message-IDs among them. */
  distinct: number;
  /** Message-IDs (with recipient and subject) received more than once, with when the first and last copies were accepted. */
  duplicates: (Copies & { messageId: string; to: string; subject: string })[];
}

/** How often something arrived, and when its first and last copies did (Date.now()). */
export interface Copies {
  copies: number;
  firstAt: number;
  lastAt: number;
}

const copiesOf = (times: number[]): Copies => ({ copies: times.length, firstAt: Math.min(...times), lastAt: Math.max(...times) });

export function tallyMail(mails: TReceivedMail[]): MailTally {
  const byId = new Map<string, TReceivedMail[]>();
  for (const m of mails) {
    // Without a Message-ID, fall back to (recipient, subject).
    const id = m.parsed.messageId ?? `${m.envelopeTo.join(',')}|${m.parsed.subject ?? ''}`;
    byId.set(id, [...(byId.get(id) ?? []), m]);
  }
  const duplicates = [...byId.entries()]
    .filter(([, ms]) => ms.length > 1)
    .map(([messageId, ms]) => ({
      messageId,
      to: ms[0]!.envelopeTo.join(','),
      subject: ms[0]!.parsed.subject ?? '',
      ...copiesOf(ms.map((m) => m.acceptedAt)),
    }));
  return { received: mails.length, distinct: byId.size, duplicates };
}

/** Mails indexed by recipient, incrementally (cheap to poll with thousands of messages). */
export class Mailbox {
  private seen = 0;
  private readonly byTo = new Map<string, TReceivedMail[]>();
  constructor(private readonly smtp: TTestSmtpServer) {}

  to(address: string): TReceivedMail[] {
    const all = this.smtp.received;
    for (; this.seen < all.length; this.seen++) {
      const m = all[this.seen]!;
      for (const t of m.envelopeTo) this.byTo.set(t, [...(this.byTo.get(t) ?? []), m]);
    }
    return this.byTo.get(address.toLowerCase()) ?? [];
  }

  /** The token of the open-tracking pixel (`/t/<token>.gif`) in the first mail to `address` that has one, or null. */
  pixel(address: string): string | null {
    for (const m of this.to(address)) {
      const hit = /\/t\/([A-Za-z0-9_-]+)\.gif/.exec(typeof m.parsed.html === 'string' ? m.parsed.html : '');
      if (hit) return hit[1]!;
    }
    return null;
  }

  /** The first link `/<path>/<token>` in a mail to `address`, or null. */
  link(address: string, kind: 'offers' | 'portal'): string | null {
    const re = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`);
    for (const m of this.to(address)) {
      const hit = re.exec(m.parsed.text ?? '');
      if (hit) return hit[1]!;
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// What the histories say about a fault.

export interface HistoryTally {
  workflows: number;
  /** Activities retried after a timed-out attempt (its worker died mid-attempt), or that timed out for good. */
  activityTimeouts: number;
  /** Activities retried after a failed attempt (a backing service was down). */
  activityFailures: number;
  /** Workflow tasks that timed out or failed (their worker died, or was cut off). */
  workflowTaskTimeouts: number;
  workflowTaskFailures: number;
  /** The highest attempt number any activity reached. */
  maxActivityAttempt: number;
  /** Retries (attempts beyond the first) per activity type. */
  interruptedActivities: Record<string, number>;
  /**
   * Timed-out attempts by the timeout that caught them: HEARTBEAT (the worker's keep-alive
   * stopped, ~10 s) or START_TO_CLOSE (the whole minute).
   */
  timeoutTypes: Record<string, number>;
}

export async function tallyHistories(client: Client, workflowIds: string[]): Promise<HistoryTally> {
  const t: HistoryTally = {
    workflows: workflowIds.length,
    activityTimeouts: 0,
    activityFailures: 0,
    workflowTaskTimeouts: 0,
    workflowTaskFailures: 0,
    maxActivityAttempt: 1,
    interruptedActivities: {},
    timeoutTypes: {},
  };
  const countTimeout = (type: number | null | undefined) => {
    const name = decodeTimeoutType(type) ?? `type ${type}`;
    t.timeoutTypes[name] = (t.timeoutTypes[name] ?? 0) + 1;
  };
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const scheduled = new Map<string, string>();
    for (const e of history.events ?? []) {
      const eid = String(e.eventId);
      if (e.activityTaskScheduledEventAttributes) {
        scheduled.set(eid, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
      }
      if (e.activityTaskStartedEventAttributes) {
        const a = e.activityTaskStartedEventAttributes;
        // The started event of a retried activity is written once, with the final attempt.
        t.maxActivityAttempt = Math.max(t.maxActivityAttempt, a.attempt ?? 1);
        if ((a.attempt ?? 1) > 1) {
          const name = scheduled.get(String(a.scheduledEventId)) ?? '?';
          t.interruptedActivities[name] = (t.interruptedActivities[name] ?? 0) + (a.attempt ?? 1) - 1;
        }
        if (a.lastFailure?.timeoutFailureInfo) {
          t.activityTimeouts += 1;
          countTimeout(a.lastFailure.timeoutFailureInfo.timeoutType);
        } else if (a.lastFailure) t.activityFailures += 1;
      }
      if (e.activityTaskTimedOutEventAttributes) {
        t.activityTimeouts += 1;
        countTimeout(e.activityTaskTimedOutEventAttributes.failure?.timeoutFailureInfo?.timeoutType);
        const name = scheduled.get(String(e.activityTaskTimedOutEventAttributes.scheduledEventId)) ?? '?';
        t.interruptedActivities[name] = (t.interruptedActivities[name] ?? 0) + 1;
      }
      if (e.workflowTaskTimedOutEventAttributes) t.workflowTaskTimeouts += 1;
      if (e.workflowTaskFailedEventAttributes) t.workflowTaskFailures += 1;
    }
  }
  return t;
}

// ---------------------------------------------------------------------------------------
// The verdict after a fault: nothing lost, nothing twice, nothing contradictory.

export interface Outcome {
  applications: number;
  stages: Record<string, number>;
  employees: number;
  /** Applications with more than one employee row. */
  applicationsWithSeveralEmployees: number;
  distinctEmployeeNumbers: number;
  /** E-mail rows in the message log, by status. */
  emailRows: number;
  emailStatuses: Record<string, number>;
  mail: MailTally;
  /** Logged e-mails whose Message-ID the SMTP server never accepted (lost). */
  lost: string[];
  /** Message-IDs the SMTP server accepted that the log does not know. */
  unknown: string[];
  contradictions: unknown[];
  checkedApplications: number;
  /** Idempotency keys left 'pending' (each one refuses its retries with 409 for ever). */
  pendingIdempotencyKeys: { scope: string; created_at: string }[];
  /** With a webhook receiver: events recorded, deliveries by status, what the receiver accepted. */
  webhooks?: WebhookTally;
}

export interface WebhookTally {
  events: number;
  deliveries: Record<string, number>;
  /** Requests the receiver answered 2xx. */
  accepted: number;
  distinctAccepted: number;
  /** Event ids the receiver accepted more than once. */
  /** Event ids the receiver accepted more than once, with when. */
  duplicates: (Copies & { eventId: string })[];
  /** Events with a delivery row the receiver never accepted. */
  missing: string[];
  /** Requests whose signature did not verify. */
  badSignatures: number;
  /** Requests refused while the receiver was down or failing. */
  refused: number;
}

/** What the stack ended with; `s` may be any set of processes on one database, SMTP server and webhook receiver. */
export async function outcome(s: Pick<ChaosStack, 'db' | 'smtp' | 'config' | 'api' | 'webhooks'>): Promise<Outcome> {
  const rows = <T extends Record<string, unknown>>(q: SQL) => s.db.handle.rows<T>(q);
  const stages = Object.fromEntries(
    (await rows<{ stage: string; n: number }>(sql`select stage, count(*)::int as n from applications group by stage`)).map((r) => [r.stage, r.n]),
  );
  const [emp] = await rows<{ n: number; apps: number; numbers: number }>(
    sql`select count(*)::int as n, count(distinct application_id)::int as apps, count(distinct employee_number)::int as numbers from employees`,
  );
  const emailStatuses = Object.fromEntries(
    (await rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from messages where channel = 'email' group by status`)).map((r) => [
      r.status,
      r.n,
    ]),
  );
  const keys = (await rows<{ key: string }>(sql`select key from messages where channel = 'email' and status in ('sent', 'opened', 'sending')`)).map(
    (r) => r.key,
  );
  const expected = new Set(keys.map((k) => smtpMessageId(k, s.config.MAIL_FROM)));
  const got = new Set(s.smtp.received.map((m) => m.parsed.messageId ?? ''));
  const check = await s.api('GET', '/v1/admin/consistency');
  if (check.status !== 200) throw new Error(`consistency check: HTTP ${check.status} ${JSON.stringify(check.body)}`);
  let webhooks: WebhookTally | undefined;
  if (s.webhooks) {
    const r = s.webhooks;
    const [ev] = await rows<{ n: number }>(sql`select count(*)::int as n from webhook_events`);
    const deliveries = Object.fromEntries(
      (await rows<{ status: string; n: number }>(sql`select status, count(*)::int as n from webhook_deliveries group by status`)).map((x) => [x.status, x.n]),
    );
    const expectedEvents = (await rows<{ id: string }>(sql`select distinct event_id::text as id from webhook_deliveries`)).map((x) => x.id);
    const counts = new Map<string, number[]>();
    for (const a of r.accepted) counts.set(a.eventId ?? '', [...(counts.get(a.eventId ?? '') ?? []), a.receivedAt]);
    webhooks = {
      events: ev!.n,
      deliveries,
      accepted: r.accepted.length,
      distinctAccepted: counts.size,
      duplicates: [...counts.entries()].filter(([, at]) => at.length > 1).map(([eventId, at]) => ({ eventId, ...copiesOf(at) })),
      missing: expectedEvents.filter((id) => !counts.has(id)),
      badSignatures: r.invalid.length,
      refused: r.requests.length - r.accepted.length,
    };
  }
  const pendingIdempotencyKeys = await rows<{ scope: string; created_at: string }>(
    sql`select scope, created_at::text from idempotency_keys where state = 'pending' order by created_at`,
  );
  return {
    webhooks,
    pendingIdempotencyKeys,
    applications: Object.values(stages).reduce((a, b) => a + b, 0),
    stages,
    employees: emp!.n,
    applicationsWithSeveralEmployees: emp!.n - emp!.apps,
    distinctEmployeeNumbers: emp!.numbers,
    emailRows: Object.values(emailStatuses).reduce((a, b) => a + b, 0),
    emailStatuses,
    mail: tallyMail(s.smtp.received),
    lost: [...expected].filter((id) => !got.has(id)),
    unknown: [...got].filter((id) => !expected.has(id)),
    contradictions: check.body.contradictions,
    checkedApplications: check.body.checkedApplications,
  };
}

/**
 * Waits until every workflow has closed (or, hired, waits idle for probation) and nothing is
 * left sending: the end of a test.
 * Returns how long that took.
 */
export function settle(s: Pick<ChaosStack, 'client' | 'db'>, workflowIds: string[], timeoutMs = 180_000): Promise<number> {
  return waitUntilQuiet(s, workflowIds, 'closed', timeoutMs);
}

/**
 * Waits until no workflow has an activity scheduled or running and nothing is left
 * sending, while the workflows themselves wait for people. A fault injected after this
 * strikes only the work that follows, never a delivery already on the wire.
 */
export function quiesce(s: Pick<ChaosStack, 'client' | 'db'>, workflowIds: string[], timeoutMs = 60_000): Promise<number> {
  return waitUntilQuiet(s, workflowIds, 'idle', timeoutMs);
}

const AFTER_HIRE = new Set(['hired', 'probation']);

async function waitUntilQuiet(s: Pick<ChaosStack, 'client' | 'db'>, workflowIds: string[], until: 'closed' | 'idle', timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  const open = new Set(workflowIds);
  for (;;) {
    // Closed stays closed; idle is asked of every workflow again each round.
    if (until === 'idle') workflowIds.forEach((id) => open.add(id));
    for (const id of [...open]) {
      try {
        const d = await s.client.workflow.getHandle(id).describe();
        const idle = (d.raw.pendingActivities ?? []).length === 0 && !d.raw.pendingWorkflowTask;
        // A hired application's workflow stays open for probation (from the start date on):
        // idle there, it is as done as a closed one.
        const waitsForProbation = AFTER_HIRE.has(String(d.searchAttributes?.Stage?.[0]));
        const quiet = until === 'closed' ? d.status.name !== 'RUNNING' || (idle && waitsForProbation) : idle;
        if (quiet) open.delete(id);
      } catch {
        // Temporal unreachable for a moment: ask again
      }
    }
    const [sending] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from messages where status = 'sending'`);
    const [hooks] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries where status = 'pending'`);
    if (open.size === 0 && sending!.n === 0 && hooks!.n === 0) return Date.now() - t0;
    if (Date.now() > deadline) {
      throw new Error(
        `not ${until} within ${timeoutMs} ms: ${open.size} workflow(s) not ${until}, ${sending!.n} message(s) still sending, ${hooks!.n} webhook deliveries pending`,
      );
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------
// Probing the API while something is down.

export interface ProbeRoute {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  token?: string | null;
  body?: unknown;
}

export interface ProbeResult {
  /** Statuses answered during the outage, per route name, with counts. */
  statuses: Record<string, Record<number, number>>;
  /** /readyz bodies answered during the outage. */
  readyz: unknown[];
  /** Complete rounds (every route answered) during the outage. */
  rounds: number;
  /** The slowest answer given during the outage, per route name (ms). */
  slowestMs: Record<string, number>;
  /** Requests sent during the outage, answered only after it ended and after more than `hungAfterMs`. */
  hung: { name: string; ms: number; status: number }[];
}

/**
 * Calls each route every `everyMs` until `stop` resolves (the end of the outage), without
 * retries, and records what was answered while the outage lasted. A request sent during
 * the outage and answered only after it ended, taking longer than `hungAfterMs`, is reported
 * as `hung`: it waited for the recovery instead of failing. The default 8 s is beyond the
 * API's own limits (the 5 s Temporal deadline, the database's 5 s connect timeout).
 */
export async function probe(api: ApiFn, routes: ProbeRoute[], stop: Promise<unknown>, everyMs = 500, hungAfterMs = 8000): Promise<ProbeResult> {
  const result: ProbeResult = { statuses: {}, readyz: [], rounds: 0, slowestMs: {}, hung: [] };
  let stopped = false;
  void stop.finally(() => {
    stopped = true;
  });
  const pending: Promise<void>[] = [];
  while (!stopped) {
    let complete = true;
    const round = Promise.all(
      routes.map(async (r) => {
        const t0 = Date.now();
        const res = await api(r.method, r.url, {
          ...(r.token !== undefined ? { token: r.token } : {}),
          ...(r.body !== undefined ? { body: r.body } : {}),
        });
        const ms = Date.now() - t0;
        if (stopped) {
          complete = false;
          result.hung.push({ name: r.name, ms, status: res.status });
          return;
        }
        const per = (result.statuses[r.name] ??= {});
        per[res.status] = (per[res.status] ?? 0) + 1;
        result.slowestMs[r.name] = Math.max(result.slowestMs[r.name] ?? 0, ms);
        if (r.url === '/readyz') result.readyz.push(res.body);
      }),
    ).then(() => {
      if (complete) result.rounds += 1;
    });
    pending.push(round);
    // The next round goes out on time even if this one hangs.
    await Promise.race([sleep(everyMs), stop]);
  }
  await Promise.all(pending);
  // A request answered soon after the recovery is not evidence of hanging.
  result.hung = result.hung.filter((h) => h.ms > hungAfterMs);
  return result;
}

/** What is stuck and why: unsent messages, pending webhook deliveries, pending activities. */
export async function diagnose(s: Pick<ChaosStack, 'client' | 'db' | 'workers'>, workflowIds: string[]): Promise<unknown> {
  const messages = await s.db.handle.rows(
    sql`select key, template, status, attempts, error, locked_until, created_at, sent_at from messages where status not in ('sent', 'opened') order by created_at`,
  );
  const webhookDeliveries = await s.db.handle.rows(
    sql`select d.status, d.attempts, d.last_status_code, d.last_error, e.type from webhook_deliveries d join webhook_events e on e.id = d.event_id where d.status <> 'delivered'`,
  );
  const pendingActivities: unknown[] = [];
  for (const id of workflowIds) {
    try {
      const d = await s.client.workflow.getHandle(id).describe();
      for (const p of d.raw.pendingActivities ?? []) {
        pendingActivities.push({
          workflowId: id,
          activity: p.activityType?.name,
          state: p.state,
          attempt: p.attempt,
          lastFailure: p.lastFailure?.message,
          nextAttempt: p.nextAttemptScheduleTime?.seconds ? new Date(Number(p.nextAttemptScheduleTime.seconds) * 1000).toISOString() : undefined,
        });
      }
    } catch (e) {
      pendingActivities.push({ workflowId: id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { now: new Date().toISOString(), messages, webhookDeliveries, pendingActivities, workers: s.workers.map((w) => ({ alive: w.alive, output: w.output().slice(-3000) })) };
}
