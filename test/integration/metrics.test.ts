/**
 * Prometheus metrics, scraped from real processes: the API (`npm run api`'s entry point)
 * and the worker (`tsx worker.ts`), each with METRICS_BIND. One journey to `hired`, one
 * application whose decision promise runs out, one candidate whose mail server refuses
 * them and a webhook endpoint that is down move the numbers. The worker's probes answer
 * on the same private port; its database goes through a proxy that the test takes down.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Connection } from '@temporalio/client';
import { ApiMetrics } from '../../api/metrics';
import { freePort } from '../../scripts/temporal-cli';
import { createActorOrg, Journey, registerWebhook, strongApplication, JOB, type ActorOrg } from '../helpers/actors';
import { startApiProcess, type ApiProcess } from '../helpers/api-process';
import { Mailbox, spawnWorker, TcpProxy, type ApiFn, type WorkerChild } from '../helpers/chaos';
import { createTestDb, type TestDb } from '../helpers/db';
import { httpApi } from '../helpers/http-api';
import { has, metric, parseMetrics, scrape, scrapeFamilies, type Sample } from '../helpers/prometheus';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually } from '../helpers/wait';
import { newPayloadKeyEntry } from '../../privacy/keys';

let db: TestDb;
let smtp: TTestSmtpServer;
let dbProxy: TcpProxy;
let worker: WorkerChild;
let apiProc: ApiProcess;
let api: ApiFn;
let org: ActorOrg;
let workerOps: string;
let apiMetricsUrl: string;
const adminToken = `admin_${randomBytes(24).toString('hex')}`;
const REFUSED = `refused.${randomUUID().slice(0, 8)}@candidates.example.com`;

beforeAll(async () => {
  db = await createTestDb();
  smtp = await startSmtpServer({ rejectRecipients: [REFUSED] });
  dbProxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port || 5432) });
  await dbProxy.up(0);
  const viaProxy = new URL(db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(dbProxy.port);
  const common = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `metrics-${randomUUID()}`,
    SMTP_URL: smtp.url,
    LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    DATABASE_POOL_SIZE: '4',
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    // The same payload key for the API and the worker (docs/personal-data.md).
    PAYLOAD_KEYS: newPayloadKeyEntry('metrics'),
  };
  workerOps = `127.0.0.1:${await freePort()}`;
  // This worker bundles the workflows at start, as `npm run worker` does without a build
  // (the other tests' spawned workers load the run's bundle: test/helpers/chaos.ts).
  // It collects its heap after 2 s idle instead of 10 (ops/idle-gc.ts), so the counters move sooner.
  worker = await spawnWorker({ ...common, DATABASE_URL: viaProxy.toString(), METRICS_BIND: workerOps, WORKFLOW_BUNDLE_PATH: '', WORKER_IDLE_GC_S: '2' });
  const apiMetrics = `127.0.0.1:${await freePort()}`;
  apiMetricsUrl = `http://${apiMetrics}/metrics`;
  apiProc = await startApiProcess({ ...common, DATABASE_URL: db.url, METRICS_BIND: apiMetrics, ADMIN_TOKEN: adminToken, TRUST_PROXY: '127.0.0.1' });
  api = httpApi(apiProc.url, adminToken);
  org = await createActorOrg(api);
}, 180_000);

afterAll(async () => {
  await apiProc?.stop();
  await worker?.stop();
  await dbProxy?.down();
  await smtp?.close();
  await db?.drop();
});

const workerMetrics = () => scrape(`http://${workerOps}/metrics`);

describe('metrics', () => {
  it('move with a journey: requests, Temporal calls, stages, messages, webhooks, broken promises', async () => {
    const [api0, w0] = [await scrape(apiMetricsUrl), await workerMetrics()];
    expect(metric(w0, 'hiring_applications', { stage: 'hired' })).toBe(0);
    expect(metric(w0, 'hiring_decision_promises_broken')).toBe(0);
    expect(metric(w0, 'hiring_webhook_backlog')).toBe(0);
    const sentBefore = metric(w0, 'hiring_messages', { channel: 'email', status: 'sent' }) + metric(w0, 'hiring_messages', { channel: 'email', status: 'opened' });

    // An endpoint that is down: every event waits for it.
    await registerWebhook(api, org, `http://127.0.0.1:${await freePort()}/hook`, 'metrics-webhook-secret-0123456789');
    // A job whose decision promise runs out in 2 s, and a candidate nobody decides on
    // whose mail server refuses them (the acknowledgement fails for good).
    const quick = await api('POST', '/v1/jobs', { token: org.hr.token, body: { ...JOB(org.departmentId), timers: { decisionPromise: '2s' } } });
    expect(quick.status, JSON.stringify(quick.body)).toBe(201);
    const late = await api('POST', '/v1/applications', {
      token: org.integrator.token,
      body: strongApplication(quick.body.id, 'Rui Refused', REFUSED),
    });
    expect(late.status, JSON.stringify(late.body)).toBe(202);

    const journey = await new Journey(1, api, org, new Mailbox(smtp), randomUUID().slice(0, 6), { waitTimeoutMs: 60_000 }).run();
    expect(journey.error, journey.error).toBeUndefined();

    const w1 = await eventually(async () => {
      const s = await workerMetrics();
      return metric(s, 'hiring_decision_promises_broken') >= 1 && metric(s, 'hiring_messages', { status: 'failed' }) >= 1 ? s : null;
    }, 30_000);
    expect(metric(w1, 'hiring_applications', { stage: 'hired' })).toBe(1);
    expect(metric(w1, 'hiring_applications', { stage: 'evaluation' })).toBe(1);
    expect(metric(w1, 'hiring_actions_overdue', { action: 'decision' })).toBe(1);
    expect(metric(w1, 'hiring_actions_overdue', { action: 'offer_approval' })).toBe(0);
    expect(metric(w1, 'hiring_messages', { template: 'interview_acknowledgement', channel: 'email', status: 'failed' })).toBe(1);
    const sentAfter = metric(w1, 'hiring_messages', { channel: 'email', status: 'sent' }) + metric(w1, 'hiring_messages', { channel: 'email', status: 'opened' });
    expect(sentAfter).toBeGreaterThan(sentBefore + 3);
    // Each application's first event waits for the endpoint; later ones queue behind it in the workflow.
    expect(metric(w1, 'hiring_webhook_backlog')).toBe(2);
    expect(metric(w1, 'hiring_webhook_oldest_undelivered_age_seconds')).toBeGreaterThan(0);
    // The SDK's own runtime metrics, appended from its exporter.
    expect(metric(w1, 'temporal_workflow_task_execution_latency_seconds_count')).toBeGreaterThan(0);
    expect(metric(w1, 'temporal_activity_execution_latency_seconds_count')).toBeGreaterThan(0);
    expect(metric(w1, 'hiring_db_pool_max')).toBe(4);
    expect(has(w1, 'process_resident_memory_bytes')).toBe(true);

    const api1 = await scrape(apiMetricsUrl);
    const count = (s: Sample[], labels: Record<string, string>) => metric(s, 'hiring_http_request_duration_seconds_count', labels);
    expect(count(api0, { method: 'POST', route: '/v1/applications', status_code: '202' })).toBe(0);
    expect(count(api1, { method: 'POST', route: '/v1/applications', status_code: '202' })).toBe(2);
    // By route pattern, never the raw URL.
    expect(count(api1, { method: 'GET', route: '/v1/applications/:id', status_code: '200' })).toBeGreaterThan(3);
    expect(api1.some((s) => s.labels.route?.includes(journey.id!))).toBe(false);
    const temporal = (s: Sample[], method: string) => metric(s, 'hiring_temporal_request_duration_seconds_count', { method });
    expect(temporal(api1, 'StartWorkflowExecution') - temporal(api0, 'StartWorkflowExecution')).toBe(2);
    expect(temporal(api1, 'UpdateWorkflowExecution')).toBeGreaterThan(3);
    expect(temporal(api1, 'QueryWorkflow')).toBeGreaterThan(3);
    expect(metric(api1, 'hiring_db_pool_max')).toBe(4);
    // (one connection serves a sequential journey, and the scrape's own is left out)
    expect(api1.filter((x) => x.name === 'hiring_db_pool_connections').map((x) => x.labels.state).sort()).toEqual(['active', 'idle', 'idle in transaction']);
    expect(metric(api1, 'hiring_db_pool_connections')).toBeLessThan(4);
  }, 240_000);

  it('are each listed in docs/metrics.md, which names none that neither process declares', async () => {
    // Families, not samples: a labelled counter nothing has moved yet declares itself all the same.
    const declared = [...(await scrapeFamilies(`http://${workerOps}/metrics`)), ...(await scrapeFamilies(apiMetricsUrl))];
    const ours = new Set(declared.filter((name) => name.startsWith('hiring_')));
    const page = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    const listed = new Set([...page.matchAll(/`(hiring_[a-z0-9_]+)`/g)].map((m) => m[1]!));
    expect(ours.size).toBeGreaterThan(10);
    expect([...ours].sort()).toEqual([...listed].sort());
    // The SDK's and prom-client's own families, which the page lists by prefix.
    expect(declared.some((name) => name.startsWith('temporal_'))).toBe(true);
    expect(declared.some((name) => name.startsWith('process_'))).toBe(true);
    expect(declared.some((name) => name.startsWith('nodejs_'))).toBe(true);
  });

  it('are not served on the public port', async () => {
    const res = await fetch(`${apiProc.url}/metrics`);
    expect(res.status).toBe(404);
  });

  it("count the API's failed Temporal calls by method and status code", async () => {
    const metrics = new ApiMetrics();
    const connection = await Connection.connect({ address: inject('temporalAddress'), interceptors: metrics.temporalInterceptors() });
    const systemInfoCalls = async () => metric(parseMetrics(await metrics.registry.metrics()), 'hiring_temporal_request_duration_seconds_count', { method: 'GetSystemInfo' });
    const before = await systemInfoCalls(); // connecting asks for it too
    try {
      await expect(
        connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: `missing-${randomUUID()}` } }),
      ).rejects.toThrow();
      await connection.workflowService.getSystemInfo({});
    } finally {
      await connection.close();
    }
    const s = parseMetrics(await metrics.registry.metrics());
    expect(metric(s, 'hiring_temporal_request_errors_total', { method: 'DescribeWorkflowExecution', code: 'NOT_FOUND' })).toBe(1);
    expect(metric(s, 'hiring_temporal_request_duration_seconds_count', { method: 'DescribeWorkflowExecution' })).toBe(1);
    expect(metric(s, 'hiring_temporal_request_errors_total', { method: 'GetSystemInfo' })).toBe(0);
    expect(metric(s, 'hiring_temporal_request_duration_seconds_count', { method: 'GetSystemInfo' })).toBe(before + 1);
  });
});

describe('worker probes', () => {
  it('/healthz answers; /readyz is ready while polling with the database and Temporal up', async () => {
    const health = await fetch(`http://${workerOps}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://${workerOps}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', worker: { ok: true, state: 'RUNNING' }, database: { ok: true }, temporal: { ok: true } });
  });

  it('/readyz is 503 naming the database while it is unreachable, and ready again after', async () => {
    await dbProxy.down();
    try {
      const res = await fetch(`http://${workerOps}/readyz`);
      expect(res.status).toBe(503);
      const body: any = await res.json();
      expect(body.status).toBe('unavailable');
      expect(body.database.ok).toBe(false);
      expect(body.temporal).toEqual({ ok: true });
      // The metrics still answer, without the gauges the database feeds (the error counter
      // moves during a scrape, so the next one shows it).
      const s = await workerMetrics();
      expect(has(s, 'hiring_applications')).toBe(false);
      expect(has(s, 'temporal_workflow_task_execution_latency_seconds_count')).toBe(true);
      expect(metric(await workerMetrics(), 'hiring_metrics_scrape_errors_total', { source: 'database' })).toBeGreaterThan(0);
    } finally {
      await dbProxy.up();
    }
    await eventually(async () => (await fetch(`http://${workerOps}/readyz`)).status === 200, 20_000);
  });

  it('count the collections an idle worker runs to hand its heap back (npm run worker passes --expose-gc)', async () => {
    // The journey above grew the heap; the worker has been idle since.
    const s = await eventually(async () => {
      const now = await workerMetrics();
      return metric(now, 'hiring_worker_idle_collections_total') >= 1 ? now : null;
    }, 30_000);
    expect(metric(s, 'hiring_worker_idle_collection_released_bytes_total')).toBeGreaterThan(0);
    expect(worker.output()).toContain('"idle: heap collected"');
  });

  it('answer 404 in the common error shape for any other path', async () => {
    const res = await fetch(`http://${workerOps}/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.code).toBe('not_found');
  });
});
