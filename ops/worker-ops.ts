/**
 * The worker's operations listener (METRICS_BIND): `/metrics` (business gauges read from
 * the database on each scrape, Node's process metrics, and the Temporal SDK's own runtime
 * metrics), `/healthz` (the process answers) and `/readyz` (polling, and both Temporal and
 * the database answer).
 *
 * The SDK's metrics come from its Rust core, whose Prometheus exporter serves its own
 * address: it listens on a free loopback port and `/metrics` appends its text, so
 * Prometheus scrapes one target per worker. The business gauges describe the whole
 * database, so every worker reports the same values: aggregate them with max(), not sum().
 */
import type { NativeConnection, Worker } from '@temporalio/worker';
import { Runtime } from '@temporalio/worker';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { DbHandle } from '../db/client';
import {
  actionsOverdue,
  applicationsByStage,
  decisionPromisesBroken,
  messagesByOutcome,
  webhookBacklog,
} from '../db/queries/metrics';
import { STAGES } from '../domain/stages';
import type { Config } from '../temporal.config';
import type { Collection } from './idle-gc';
import { registerPoolMetrics } from './pool-metrics';
import { check, freeLoopbackPort, json, startOpsServer, within, type OpsServer } from './ops-server';

const PROBE_TIMEOUT_MS = 2000;

/**
 * Installs the Temporal runtime with its Prometheus exporter on a free loopback port, when
 * METRICS_BIND asks for metrics. Must run before the first NativeConnection. Returns the
 * exporter's address, or undefined (no metrics: the runtime is left to its defaults).
 */
export async function installWorkerRuntime(config: Pick<Config, 'METRICS_BIND'>): Promise<string | undefined> {
  if (!config.METRICS_BIND) return undefined;
  const bindAddress = `127.0.0.1:${await freeLoopbackPort()}`;
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } },
    },
  });
  return bindAddress;
}

export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly scrapeErrors: Counter<'source'>;
  private readonly idleCollections: Counter;
  private readonly idleReleased: Counter;

  constructor(
    db: DbHandle,
    poolSize: number,
    private readonly sdkMetricsAddress?: string,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const errors = (this.scrapeErrors = new Counter({
      name: 'hiring_metrics_scrape_errors_total',
      help: 'Gauges left out of a scrape because their source failed (the database, the SDK exporter)',
      labelNames: ['source'] as const,
      registers,
    }));
    // A gauge whose query fails is left empty for this scrape; the others still answer.
    type Values<L extends string> = [Partial<Record<L, string>>, number][];
    const fromDb = <L extends string>(read: () => Promise<Values<L>>) =>
      async function collect(this: Gauge<L>) {
        try {
          const values = await read();
          this.reset();
          for (const [labels, v] of values) this.set(labels, v);
        } catch {
          this.reset();
          errors.inc({ source: 'database' });
        }
      };
    new Gauge({
      name: 'hiring_applications',
      help: 'Applications by stage (the database mirror of each workflow)',
      labelNames: ['stage'] as const,
      registers,
      collect: fromDb<'stage'>(async () => {
        const found = new Map((await applicationsByStage(db)).map((r) => [r.stage, r.n]));
        for (const stage of STAGES) if (!found.has(stage)) found.set(stage, 0);
        return [...found].map(([stage, n]) => [{ stage }, n]);
      }),
    });
    new Gauge({
      name: 'hiring_actions_overdue',
      help: 'Human actions past their due time: offer approvals pending past due, decisions owed after the decision promise ran out',
      labelNames: ['action'] as const,
      registers,
      collect: fromDb<'action'>(async () => (await actionsOverdue(db)).map((r) => [{ action: r.action }, r.n])),
    });
    new Gauge({
      name: 'hiring_decision_promises_broken',
      help: 'Applications whose decision promise to the candidate ran out before a decision (ever)',
      registers,
      collect: fromDb<string>(async () => [[{}, await decisionPromisesBroken(db)]]),
    });
    new Gauge({
      name: 'hiring_messages',
      help: 'E-mails and SMS by template, channel and status (sent, failed, opened, sending, rendered)',
      labelNames: ['template', 'channel', 'status'] as const,
      registers,
      collect: fromDb<'template' | 'channel' | 'status'>(async () =>
        (await messagesByOutcome(db)).map((r) => [{ template: r.template, channel: r.channel, status: r.status }, r.n]),
      ),
    });
    new Gauge({
      name: 'hiring_webhook_backlog',
      help: 'Webhook deliveries not yet made (event x endpoint)',
      registers,
      collect: fromDb<string>(async () => [[{}, (await webhookBacklog(db)).pending]]),
    });
    new Gauge({
      name: 'hiring_webhook_oldest_undelivered_age_seconds',
      help: 'Age of the oldest webhook event not yet delivered to some endpoint (0 with no backlog)',
      registers,
      collect: fromDb<string>(async () => [[{}, (await webhookBacklog(db)).oldestAgeSeconds]]),
    });
    this.idleCollections = new Counter({
      name: 'hiring_worker_idle_collections_total',
      help: 'Full garbage collections run because the worker was idle after a burst (WORKER_IDLE_GC_S)',
      registers,
    });
    this.idleReleased = new Counter({
      name: 'hiring_worker_idle_collection_released_bytes_total',
      help: 'Bytes of V8 heap handed back by those collections (heap size before minus after)',
      registers,
    });
    registerPoolMetrics(this.registry, db, poolSize);
  }

  recordIdleCollection(c: Collection): void {
    this.idleCollections.inc();
    this.idleReleased.inc(Math.max(0, c.heapBeforeBytes - c.heapAfterBytes));
  }

  /** The text Prometheus scrapes: ours, then the SDK's. */
  async text(): Promise<string> {
    const ours = await this.registry.metrics();
    if (!this.sdkMetricsAddress) return ours;
    try {
      const res = await within(PROBE_TIMEOUT_MS, fetch(`http://${this.sdkMetricsAddress}/metrics`));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return `${ours}\n${await res.text()}`;
    } catch {
      this.scrapeErrors.inc({ source: 'temporal_sdk' });
      return ours;
    }
  }
}

/** Serves /metrics, /healthz and /readyz for a worker; undefined when METRICS_BIND is unset. */
export async function startWorkerOps(opts: {
  config: Pick<Config, 'METRICS_BIND' | 'DATABASE_POOL_SIZE'>;
  db: DbHandle;
  connection: NativeConnection;
  worker: Pick<Worker, 'getState'>;
  sdkMetricsAddress?: string | undefined;
}): Promise<(OpsServer & { metrics: WorkerMetrics }) | undefined> {
  if (!opts.config.METRICS_BIND) return undefined;
  const metrics = new WorkerMetrics(opts.db, opts.config.DATABASE_POOL_SIZE, opts.sdkMetricsAddress);
  const server = await startOpsServer(opts.config.METRICS_BIND, {
    '/metrics': async () => ({ status: 200, contentType: metrics.registry.contentType, body: await metrics.text() }),
    '/healthz': async () => json(200, { status: 'ok' }),
    '/readyz': async () => {
      const state = opts.worker.getState();
      const [database, temporal] = await Promise.all([
        check(PROBE_TIMEOUT_MS, () => opts.db.ping()),
        check(PROBE_TIMEOUT_MS, () => opts.connection.workflowService.getSystemInfo({})),
      ]);
      const polling = state === 'RUNNING';
      const ready = polling && database.ok && temporal.ok;
      return json(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', worker: { ok: polling, state }, database, temporal });
    },
  });
  return Object.assign(server, { metrics });
}
