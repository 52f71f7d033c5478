/**
 * OpenTelemetry tracing (ops/tracing.ts), end to end between real processes: the API
 * (`api/server.ts`) and a worker (`worker.ts`), both exporting over OTLP/HTTP to an
 * in-process receiver. One submission makes one trace: the caller's traceparent → the API's
 * server span → the Temporal client's StartWorkflow → the workflow's RunWorkflow (exported
 * from the sandbox through the worker's sink) → StartActivity → the worker's RunActivity.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../../temporal.config';
import { startTracing, tracesUrl } from '../../ops/tracing';
import { createActorOrg, JOB, strongApplication, type ActorOrg } from '../helpers/actors';
import { startApiProcess, type ApiProcess } from '../helpers/api-process';
import { spawnWorker, type ApiFn, type WorkerChild } from '../helpers/chaos';
import { createTestDb, type TestDb } from '../helpers/db';
import { httpApi } from '../helpers/http-api';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually } from '../helpers/wait';
import { newPayloadKeyEntry } from '../../privacy/keys';

let db: TestDb;
let smtp: TTestSmtpServer;
let otlp: OtlpReceiver;
let worker: WorkerChild;
let apiProc: ApiProcess;
let api: ApiFn;
let org: ActorOrg;
const adminToken = `admin_${randomBytes(24).toString('hex')}`;

beforeAll(async () => {
  [db, smtp, otlp] = await Promise.all([createTestDb(), startSmtpServer(), startOtlpReceiver()]);
  const common = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `tracing-${randomUUID()}`,
    SMTP_URL: smtp.url,
    LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    PAYLOAD_KEYS: newPayloadKeyEntry('tracing'),
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    // Export every 200 ms instead of every 5 s, so the test waits less.
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  worker = await spawnWorker(common);
  // A busy machine starts the API slowly (tsx compiles it first).
  apiProc = await startApiProcess({ ...common, ADMIN_TOKEN: adminToken }, 120_000);
  api = httpApi(apiProc.url, adminToken);
  org = await createActorOrg(api);
}, 420_000);

afterAll(async () => {
  await apiProc?.stop();
  await worker?.stop();
  await otlp?.close();
  await smtp?.close();
  await db?.drop();
});

/** The one span of `trace` named `name` (or starting with it), failing clearly when it is not there once. */
function only(spans: ReceivedSpan[], name: string | RegExp): ReceivedSpan {
  const found = spans.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
  expect(found.map((s) => s.name), `spans named ${String(name)} among ${spans.map((s) => s.name).join(', ')}`).toHaveLength(1);
  return found[0]!;
}

describe('tracing', () => {
  it('one trace from the HTTP request through StartWorkflow and RunWorkflow to an activity; an update is its own trace', { timeout: 180_000 }, async () => {
    const job = await api('POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.departmentId) });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    // The caller's own trace: the API's span joins it.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const submitted = await api('POST', '/v1/applications', {
      token: org.integrator.token,
      body: strongApplication(job.body.id, 'Tess Traced', `tess.${randomUUID().slice(0, 8)}@candidates.example.com`),
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    // An activity has run (its span is exported when it ends)...
    await eventually(async () => otlp.spans.some((s) => s.traceId === traceId && s.name.startsWith('RunActivity:')), 90_000);

    // ...and the workflow's own span ends with the workflow: withdraw it, in a trace of its own.
    const withdrawTraceId = randomBytes(16).toString('hex');
    const withdrawn = await api('POST', `/v1/applications/${submitted.body.id}/withdraw`, {
      token: org.integrator.token,
      body: { reason: 'Traced to the end' },
      headers: { traceparent: `00-${withdrawTraceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const trace = await eventually(async () => {
      const spans = otlp.spans.filter((s) => s.traceId === traceId);
      return spans.some((s) => s.name === 'RunWorkflow:applicationWorkflow') ? spans : null;
    }, 90_000);

    const http = only(trace, 'POST /v1/applications');
    expect(http).toMatchObject({ service: 'hiring-api', parentSpanId: callerSpanId, kind: 2 });
    expect(http.attributes).toMatchObject({ 'http.route': '/v1/applications', 'http.response.status_code': 202 });
    const start = only(trace, 'StartWorkflow:applicationWorkflow');
    expect(start).toMatchObject({ service: 'hiring-api', parentSpanId: http.spanId });
    const run = only(trace, 'RunWorkflow:applicationWorkflow');
    expect(run).toMatchObject({ service: 'hiring-worker', parentSpanId: start.spanId });
    const runActivity = trace.find((s) => s.name.startsWith('RunActivity:'))!;
    expect(runActivity.service).toBe('hiring-worker');
    const startActivity = trace.find((s) => s.spanId === runActivity.parentSpanId);
    expect(startActivity?.name).toBe(runActivity.name.replace('RunActivity:', 'StartActivity:'));
    expect(startActivity?.parentSpanId).toBe(run.spanId);

    // The withdrawal: its request → the client's update → the workflow's update handler.
    const w = await eventually(async () => {
      const spans = otlp.spans.filter((s) => s.traceId === withdrawTraceId);
      const names = new Set(spans.map((s) => s.name));
      return ['POST /v1/applications/:id/withdraw', 'StartWorkflowUpdate:withdraw', 'HandleUpdate:withdraw'].every((n) => names.has(n)) ? spans : null;
    }, 30_000);
    const wHttp = only(w, 'POST /v1/applications/:id/withdraw');
    const wStart = only(w, 'StartWorkflowUpdate:withdraw');
    expect(wStart.parentSpanId).toBe(wHttp.spanId);
    expect(only(w, 'HandleUpdate:withdraw')).toMatchObject({ service: 'hiring-worker', parentSpanId: wStart.spanId });

    // No raw URL, token or candidate detail in any span's name or attributes.
    expect(JSON.stringify(otlp.spans)).not.toMatch(/Tess Traced|tess\.|Bearer/);
    expect(otlp.rejected).toEqual([]);
  });

  it('a request without a traceparent starts its own trace, and its workflow\'s activities join it', { timeout: 120_000 }, async () => {
    const before = new Set(otlp.spans.map((s) => s.spanId));
    const job = await api('POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.departmentId) });
    expect(job.status).toBe(201);
    const jobSpan = await eventually(async () => otlp.spans.find((s) => !before.has(s.spanId) && s.name === 'POST /v1/jobs'), 30_000);
    expect(jobSpan.parentSpanId).toBe('');
    const submitted = await api('POST', '/v1/applications', {
      token: org.integrator.token,
      body: strongApplication(job.body.id, 'Ulla Untraced', `ulla.${randomUUID().slice(0, 8)}@candidates.example.com`),
    });
    expect(submitted.status).toBe(202);
    const http = await eventually(async () => otlp.spans.find((s) => !before.has(s.spanId) && s.name === 'POST /v1/applications'), 30_000);
    expect(http.parentSpanId).toBe('');
    expect(http.traceId).not.toBe(jobSpan.traceId);
    // The workflow's activities are in the request's trace (its RunWorkflow span ends with the journey).
    const trace = await eventually(async () => {
      const spans = otlp.spans.filter((s) => s.traceId === http.traceId);
      return spans.some((s) => s.name.startsWith('RunActivity:')) ? spans : null;
    }, 90_000);
    expect(only(trace, 'StartWorkflow:applicationWorkflow').parentSpanId).toBe(http.spanId);
    expect(trace.find((s) => s.name.startsWith('RunActivity:'))!.service).toBe('hiring-worker');
  });
});

describe('tracing settings', () => {
  it('off without an endpoint; the endpoint must be an http(s) URL; the traces endpoint overrides it', () => {
    expect(startTracing(loadConfig({}), 'hiring-api')).toBeUndefined();
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must start with http/);
    expect(tracesUrl(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe('http://collector:4318/v1/traces');
    expect(
      tracesUrl(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp/v1/traces' })),
    ).toBe('https://traces.example.com/otlp/v1/traces');
  });
});
