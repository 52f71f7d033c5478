/**
 * The benchmark's own stack: an in-memory Temporal dev server, a fresh PostgreSQL
 * database (dropped at the end), the worker and the API as child processes (the API on a
 * real port), a raw Temporal client for the reference measurements, and a watcher that
 * follows applications' stages in the database mirror.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { Client, Connection } from '@temporalio/client';
import { migrate, openDb, type DbHandle } from '../../db/client';
import { freePort, resolveTemporalCli, startDevServer, type DevServer } from '../temporal-cli';
import { BenchChild } from './ipc';
import { Http } from './http';
import { cpuDelta, cpuSnapshot } from './proc';
import { prodLaunch } from '../prod-launch';
import { log, sleep } from './util';
import { newPayloadKeyEntry } from '../../privacy/keys';
import { dataConverter } from '../../privacy/data-converter';
import { parsePayloadKeys } from '../../temporal.config';
import { buildProduction } from '../build';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WORK_DIR = path.join(ROOT, '.data/bench');
const PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface Versions {
  temporalCli: string;
  postgres: string;
}

export class BenchStack {
  temporal!: DevServer;
  dbName = `hwe_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  dbUrl = withDatabase(PG_URL, this.dbName);
  db!: DbHandle;
  sql!: postgres.Sql;
  connection!: Connection;
  client!: Client;
  worker!: BenchChild;
  api!: BenchChild;
  http!: Http;
  env: Record<string, string> = {};
  adminToken = `admin_${randomBytes(24).toString('hex')}`;
  taskQueue = `bench-${randomUUID()}`;
  versions: Versions = { temporalCli: '', postgres: '' };
  private workerGeneration = 0;
  private build: Promise<string> | undefined;
  private dbCreated = false;
  readonly runDir = path.join(WORK_DIR, new Date().toISOString().replace(/[:.]/g, '-'));

  async start(): Promise<void> {
    mkdirSync(this.runDir, { recursive: true });
    const cli = resolveTemporalCli();
    this.versions.temporalCli = spawnSync(cli, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const port = await freePort();
    log(`starting the Temporal dev server (in memory) on 127.0.0.1:${port}`);
    this.temporal = await startDevServer({ port, cliPath: cli });

    log(`creating database ${this.dbName}`);
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${this.dbName}"`);
      this.dbCreated = true;
      this.versions.postgres = String((await admin`show server_version`)[0]!.server_version);
    } finally {
      await admin.end();
    }
    // The raw client's codec reads and makes data keys through it: as many connections as the API's pool.
    this.db = await openDb({ databaseUrl: this.dbUrl, dataDir: WORK_DIR, poolSize: 10 });
    await migrate(this.db);
    this.sql = postgres(this.dbUrl, { max: 4, onnotice: () => {}, types: { numeric: { to: 1700, from: [1700], serialize: String, parse: Number } } });

    const apiPort = await freePort();
    this.env = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      DATABASE_URL: this.dbUrl,
      TEMPORAL_ADDRESS: this.temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      ADMIN_TOKEN: this.adminToken,
      LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
      PAYLOAD_KEYS: newPayloadKeyEntry('bench'),
      // One load generator is every client here: the per-client limit would stop the benchmark.
      RATE_LIMIT_PER_MINUTE: '100000000',
      // The load generator stands in for a proxy in front of the API: simulated candidates
      // each come from their own X-Forwarded-For address (candidate routes are limited per client).
      TRUST_PROXY: 'loopback',
      DATA_DIR: path.join(this.runDir, 'data'),
      DOCUMENTS_DIR: path.join(this.runDir, 'documents'),
      // No transports: messages are stored as 'rendered' and read back from the database.
      SMTP_URL: '',
      SMS_GATEWAY_URL: '',
      SMS_GATEWAY_KEY: '',
    };
    // The raw client encodes and decodes as the API's client and the worker do (the same
    // keys, per-application data keys from the same database): payloads are encrypted, so
    // a client without the codec cannot read a query's answer, and a reference start that
    // skipped the encryption would not be the same work.
    const { keys } = parsePayloadKeys(this.env.PAYLOAD_KEYS!);
    this.connection = await Connection.connect({ address: this.temporal.address });
    this.client = new Client({ connection: this.connection, namespace: 'default', dataConverter: dataConverter({ payloadKeys: keys }, this.db) });
    await this.startWorker();
    const compiledApi = process.env.BENCH_COMPILED_API !== '0';
    const apiLaunch = prodLaunch(compiledApi ? 'api:prod' : 'api');
    log(`starting the API (${compiledApi ? 'compiled, on plain node, ' : 'through tsx, '}as npm run ${compiledApi ? 'api:prod' : 'api'} does: ${apiLaunch.command})`);
    this.api = new BenchChild(
      'api',
      compiledApi ? path.join(await this.compiled(), 'bench/api-process.js') : path.join(ROOT, 'scripts/bench/api-process.ts'),
      { ...apiLaunch.env, ...this.env },
      path.join(this.runDir, 'api.log'),
      [...apiLaunch.nodeArgs, ...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    );
    await this.api.ready;
    this.http = new Http(`http://127.0.0.1:${apiPort}`);
  }

  async startWorker(extraEnv: Record<string, string> = {}): Promise<void> {
    this.workerGeneration += 1;
    const bundle = extraEnv.BENCH_WORKFLOW_BUNDLE ?? process.env.BENCH_WORKFLOW_BUNDLE;
    const compiled = extraEnv.BENCH_COMPILED === '1';
    const how = compiled
      ? 'compiled, on plain node, loading the bundle built with it, as npm run worker:prod does'
      : bundle
        ? `loads the pre-built ${path.basename(bundle)}`
        : extraEnv.BENCH_BUNDLE_IN_WORKER === '1'
          ? 'runs webpack itself'
          : 'bundles workflows/ in a child process, as npm run worker does';
    // The worker starts as `npm run worker:prod` (compiled) or `npm run worker` does: its settings and node options.
    const launch = prodLaunch(compiled ? 'worker:prod' : 'worker');
    log(`starting worker #${this.workerGeneration} (${how}${compiled ? `: ${launch.command}` : ''})`);
    const t0 = performance.now();
    this.worker = new BenchChild(
      'worker',
      compiled ? path.join(await this.compiled(), 'bench/worker-process.js') : path.join(ROOT, 'scripts/bench/worker-process.ts'),
      { ...launch.env, ...this.env, ...extraEnv },
      path.join(this.runDir, `worker-${this.workerGeneration}.log`),
      [...launch.nodeArgs, ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    );
    await this.worker.ready;
    log(`worker #${this.workerGeneration} polling after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  /** The production build (npm run build's scripts/build.ts), made once per run into the run's directory. */
  compiled(): Promise<string> {
    this.build ??= (async () => {
      const t0 = performance.now();
      const { outDir } = await buildProduction(path.join(this.runDir, 'dist'));
      log(`built the compiled API and worker in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return outDir;
    })();
    return this.build;
  }

  async restartWorker(extraEnv: Record<string, string> = {}): Promise<void> {
    await this.worker.stop();
    await this.startWorker(extraEnv);
  }

  pids(): Record<string, number | undefined> {
    return { worker: this.worker?.pid, api: this.api?.pid, temporal: this.temporal?.process.pid };
  }

  /** Waits until the worker and the Temporal server are (nearly) idle: the previous step's tail is done. */
  async quiesce(maxMs = 60_000): Promise<void> {
    const deadline = Date.now() + maxMs;
    let calm = 0;
    while (Date.now() < deadline) {
      const a = cpuSnapshot(this.pids());
      await sleep(500);
      const d = cpuDelta(a, cpuSnapshot(this.pids()));
      const busy = (d.per.worker?.cores ?? 0) + (d.per.temporal?.cores ?? 0) + (d.per.postgres?.cores ?? 0);
      calm = busy < 0.12 ? calm + 1 : 0;
      if (calm >= 2) return;
    }
    log('quiesce: still busy after the wait; going on');
  }

  /**
   * Resolves when every id's mirrored stage is `stage`. Gives up only when none has reached
   * it for `stallMs`: on a machine shared with other test runs, 1,000 workflows can take
   * well over five minutes to get there while still moving.
   */
  async waitAllInStage(ids: string[], stage: string, stallMs = 180_000): Promise<number> {
    const t0 = performance.now();
    let reached = -1;
    let deadline = 0;
    for (;;) {
      const [row] = await this.sql<{ n: number }[]>`select count(*)::int as n from applications where id = any(${ids}::uuid[]) and stage = ${stage}`;
      if (row!.n >= ids.length) return performance.now() - t0;
      if (row!.n > reached) {
        reached = row!.n;
        deadline = Date.now() + stallMs;
      }
      if (Date.now() > deadline) throw new Error(`${ids.length - row!.n} of ${ids.length} applications did not reach ${stage}; none moved for ${stallMs / 1000} s`);
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    const step = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        console.error(`cleanup (${what}): ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    if (this.http) await step('http client', () => this.http.close());
    if (this.api) await step('api', () => this.api.stop());
    if (this.worker) await step('worker', () => this.worker.stop());
    if (this.connection) await step('temporal client', () => this.connection.close());
    if (this.temporal) await step('temporal server', () => this.temporal.stop());
    if (this.sql) await step('sql', () => this.sql.end({ timeout: 5 }));
    if (this.db) await step('db', () => this.db.close());
    if (this.dbCreated) {
      await step('drop database', async () => {
        const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
        try {
          await admin.unsafe(`drop database if exists "${this.dbName}" with (force)`);
        } finally {
          await admin.end();
        }
      });
    }
    rmSync(path.join(this.runDir, 'documents'), { recursive: true, force: true });
  }
}

/** Live stage waits for many applications at once: one query per tick for all of them. */
export class StageWatcher {
  private waiters = new Map<string, { stages: string[]; resolve: (s: string) => void; reject: (e: Error) => void; deadline: number }[]>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly sql: postgres.Sql, private readonly intervalMs = 100) {}

  wait(id: string, stages: string | string[], timeoutMs = 180_000): Promise<string> {
    const list = Array.isArray(stages) ? stages : [stages];
    return new Promise((resolve, reject) => {
      const arr = this.waiters.get(id) ?? [];
      arr.push({ stages: list, resolve, reject, deadline: Date.now() + timeoutMs });
      this.waiters.set(id, arr);
      this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    });
  }

  private async tick() {
    if (this.busy) return;
    if (!this.waiters.size) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    this.busy = true;
    try {
      const ids = [...this.waiters.keys()];
      const rows = await this.sql<{ id: string; stage: string }[]>`select id, stage from applications where id = any(${ids}::uuid[])`;
      const now = Date.now();
      const stageOf = new Map(rows.map((r) => [r.id, r.stage]));
      for (const id of ids) {
        const stage = stageOf.get(id);
        const left = this.waiters.get(id)!.filter((w) => {
          if (stage && w.stages.includes(stage)) {
            w.resolve(stage);
            return false;
          }
          if (now > w.deadline) {
            w.reject(new Error(`application ${id} stayed in ${stage ?? '?'}; waited for ${w.stages.join('|')}`));
            return false;
          }
          return true;
        });
        if (left.length) this.waiters.set(id, left);
        else this.waiters.delete(id);
      }
    } finally {
      this.busy = false;
    }
  }
}
