/**
 * Records the replay fixtures: one complete workflow history per way an application can
 * end (rejected, declined, expired, hired, withdrawn), written as Temporal's JSON history
 * format to test/replay/fixtures/<path>.json. test/replay/histories.test.ts replays them
 * against the current workflow code, so a change that would break running workflows
 * fails the suite.
 *
 *   npx tsx scripts/record-histories.ts            # all five paths
 *   npx tsx scripts/record-histories.ts hired      # only some
 *   npx tsx scripts/record-histories.ts --set=read-your-writes   # into fixtures/read-your-writes/
 *
 * A change that alters the commands of new histories (behind patched()) keeps the old
 * fixtures as they are and records the new shape as a set of its own (`--set`).
 *
 * Standalone: its own in-memory Temporal dev server, a fresh PostgreSQL database (in
 * TEST_PG_URL, default the local server), the test SMTP server, a worker and the API
 * driven with `inject`. Nothing is left behind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/server';
import { loadConfig } from '../temporal.config';
import { createWorker } from '../worker';
import { JOB, strongApplication } from './harness/actors';
import { createTestDb } from './harness/db';
import { JPEG_BYTES, multipart, PDF_BYTES, PNG_BYTES } from './harness/multipart';
import { startSmtpServer, type TTestSmtpServer } from './harness/smtp';
import { freePort, startDevServer } from './temporal-cli';

export const JOURNEY_PATHS = ['rejected', 'declined', 'expired', 'hired', 'withdrawn'] as const;
export type TJourneyPath = (typeof JOURNEY_PATHS)[number];

const FIXTURES_DIR = fileURLToPath(new URL('../test/replay/fixtures/', import.meta.url));
const STEP_TIMEOUT_MS = 60_000;

interface Res {
  status: number;
  body: unknown;
}

interface Status {
  stage: string;
  onboarding: { employeeId: string } | null;
}

export class Driver {
  constructor(
    private readonly app: FastifyInstance,
    readonly adminToken: string,
    readonly smtp: TTestSmtpServer,
  ) {}

  async api(method: 'GET' | 'POST' | 'PUT', url: string, opts: { token?: string | null; body?: unknown } = {}): Promise<Res> {
    const token = opts.token === undefined ? this.adminToken : opts.token;
    const res = await this.app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
    });
    const json = (res.headers['content-type'] ?? '').toString().includes('json') && res.body;
    const body: unknown = json ? JSON.parse(res.body) : res.body;
    return { status: res.statusCode, body };
  }

  /** The call, which must answer `status`. */
  async must<T = { id: string }>(status: number, method: 'GET' | 'POST' | 'PUT', url: string, opts: { token?: string | null; body?: unknown } = {}): Promise<T> {
    const res = await this.api(method, url, opts);
    if (res.status !== status) throw new Error(`${method} ${url}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
    return res.body as T;
  }

  async upload(token: string, kind: string, bytes: Uint8Array, filename: string, contentType: string) {
    const body = multipart({ kind }, { field: 'file', filename, contentType, bytes });
    const res = await this.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${token}`, payload: body.payload, headers: body.headers });
    if (res.statusCode !== 201) throw new Error(`upload ${kind}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body) as { id: string };
  }

  async until<T>(what: string, fn: () => Promise<T | null | undefined | false>): Promise<T> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  waitForStage(id: string, stage: string, token: string) {
    return this.until(`application ${id} to reach ${stage}`, async () => {
      const r = await this.api('GET', `/v1/applications/${id}`, { token });
      const st = r.body as Status;
      return r.status === 200 && st.stage === stage ? st : null;
    });
  }

  /** The token of the newest link of this kind in the e-mails to `email`. */
  linkIn(email: string, kind: 'offers' | 'portal') {
    return this.until(`a ${kind} link in an e-mail to ${email}`, async () => {
      for (const m of [...this.smtp.to(email)].reverse()) {
        const hit = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`).exec(m.parsed.text ?? '');
        if (hit) return hit[1]!;
      }
      return null;
    });
  }
}

export interface Org {
  hr: { id: string; token: string };
  manager: { id: string; token: string };
  gm: { id: string; token: string };
  integrator: { id: string; token: string };
  it: { id: string; token: string };
  departmentId: string;
}

export async function createOrg(d: Driver): Promise<Org> {
  const user = (name: string, roles: string[]) =>
    d.must<{ id: string; token: string }>(201, 'POST', '/v1/users', {
      body: { name, roles, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com` },
    });
  const hr = await user('Hana HR', ['hr']);
  const manager = await user('Mei Manager', ['hiring_manager', 'approver']);
  const gm = await user('Gao GM', ['approver']);
  const integrator = await user('Ivy Integrator', ['integrator']);
  const it = await user('Ian IT', ['it']);
  const dept = await d.must(201, 'POST', '/v1/departments', { body: { name: 'Engineering', managerUserId: manager.id } });
  await d.must(200, 'PUT', '/v1/settings', {
    body: { companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: gm.id },
  });
  return { hr, manager, gm, integrator, it, departmentId: dept.id };
}


export const OFFER = () => ({
  position: 'Backend Engineer',
  salary: { amount: 300000, currency: 'CNY', period: 'year' },
  benefits: ['Health insurance', '15 days paid leave'],
  startDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  terms: 'Probation of three months.',
});

/** Submitted, screened, evaluated by HR and the manager, then `decision` recorded. */
export async function toDecision(d: Driver, org: Org, jobId: string, who: { name: string; email: string }, decision: 'advance' | 'reject') {
  const created = await d.must<{ id: string; workflowId: string }>(202, 'POST', '/v1/applications', {
    token: org.integrator.token,
    body: strongApplication(jobId, who.name, who.email),
  });
  const id = created.id;
  await d.waitForStage(id, 'evaluation', org.hr.token);
  const rating = decision === 'advance' ? 'good' : 'poor';
  for (const token of [org.hr.token, org.manager.token]) {
    await d.must(200, 'POST', `/v1/applications/${id}/evaluations`, {
      token,
      body: { ratings: { programming: rating, systems: rating, teamwork: 'fair' }, recommendation: decision, comment: 'Recorded for replay' },
    });
  }
  await d.must(200, 'POST', `/v1/applications/${id}/decision`, { token: org.hr.token, body: { decision, reason: 'Recorded for replay' } });
  return { id, workflowId: created.workflowId };
}

/** Drafted, submitted, approved by the manager and the general manager, and sent. */
async function toOfferSent(d: Driver, org: Org, jobId: string, who: { name: string; email: string }) {
  const app = await toDecision(d, org, jobId, who, 'advance');
  await d.waitForStage(app.id, 'offer_drafting', org.hr.token);
  await d.must(200, 'PUT', `/v1/applications/${app.id}/offer`, { token: org.hr.token, body: OFFER() });
  await d.must(200, 'POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token });
  for (const approver of [org.manager, org.gm]) {
    await d.until(`approval by ${approver.id}`, async () => {
      const r = await d.api('POST', `/v1/applications/${app.id}/offer/approvals`, { token: approver.token, body: { decision: 'approve' } });
      return r.status === 200;
    });
  }
  await d.waitForStage(app.id, 'offer_sent', org.hr.token);
  return app;
}

type Journey = (d: Driver, org: Org, jobs: { standard: string; shortOffer: string }) => Promise<{ workflowId: string }>;

const JOURNEYS: Record<TJourneyPath, Journey> = {
  async rejected(d, org, jobs) {
    return toDecision(d, org, jobs.standard, { name: 'Rui Rejected', email: 'rejected@candidates.example.com' }, 'reject');
  },

  async declined(d, org, jobs) {
    const email = 'declined@candidates.example.com';
    const app = await toOfferSent(d, org, jobs.standard, { name: 'Dana Declined', email });
    const token = await d.linkIn(email, 'offers');
    await d.must(200, 'GET', `/v1/candidate/offer?token=${token}`, { token: null });
    await d.must(200, 'POST', `/v1/candidate/offer/decline?token=${token}`, { token: null, body: { reason: 'I accepted another offer' } });
    return app;
  },

  async expired(d, org, jobs) {
    // The job's offer expires after 3 s with a reminder after 1 s.
    return toOfferSent(d, org, jobs.shortOffer, { name: 'Eli Expired', email: 'expired@candidates.example.com' });
  },

  async hired(d, org, jobs) {
    const email = 'hired@candidates.example.com';
    const app = await toOfferSent(d, org, jobs.standard, { name: 'Jia Li', email });
    const offer = await d.linkIn(email, 'offers');
    await d.must(200, 'POST', `/v1/candidate/offer/accept?token=${offer}`, { token: null, body: { signatureName: 'Jia Li', consent: true } });
    const onboarding = await d.waitForStage(app.id, 'onboarding', org.hr.token);
    const employeeId = onboarding.onboarding!.employeeId;
    const portal = await d.linkIn(email, 'portal');
    await d.upload(portal, 'id_copy', PNG_BYTES, 'id.png', 'image/png');
    await d.upload(portal, 'diploma', PDF_BYTES, 'diploma.pdf', 'application/pdf');
    const medical = await d.upload(portal, 'medical_report', JPEG_BYTES, 'medical.jpg', 'image/jpeg');
    await d.must(200, 'POST', `/v1/employees/${employeeId}/documents/${medical.id}/reject`, {
      token: org.hr.token,
      body: { reason: 'The scan is unreadable' },
    });
    await d.upload(portal, 'medical_report', PDF_BYTES, 'medical.pdf', 'application/pdf');
    for (const key of ['computer', 'badge', 'accounts']) {
      await d.must(200, 'POST', `/v1/employees/${employeeId}/onboarding/tasks/${key}/complete`, { token: org.it.token, body: { note: 'done' } });
    }
    await d.must(200, 'POST', `/v1/employees/${employeeId}/onboarding/tasks/mentor_meeting/complete`, { token: org.manager.token, body: {} });
    await d.must(200, 'POST', `/v1/employees/${employeeId}/courses/orientation/result`, { token: org.integrator.token, body: { score: 40 } });
    await d.must(200, 'POST', `/v1/employees/${employeeId}/courses/orientation/result`, { token: org.integrator.token, body: { score: 85 } });
    return app;
  },

  async withdrawn(d, org, jobs) {
    // Withdrawn while the offer waits for an answer: the offer half stops too.
    const app = await toOfferSent(d, org, jobs.standard, { name: 'Wen Withdrawn', email: 'withdrawn@candidates.example.com' });
    await d.must(200, 'POST', `/v1/applications/${app.id}/withdraw`, { token: org.integrator.token, body: { reason: 'Candidate withdrew in the ATS' } });
    return app;
  },
};

async function main(args: string[]) {
  const set = args.find((a) => a.startsWith('--set='))?.slice('--set='.length);
  if (set !== undefined && !/^[a-z0-9-]+$/.test(set)) {
    console.error(`--set must be a plain folder name, not ${set}`);
    process.exit(2);
  }
  const outDir = set ? path.join(FIXTURES_DIR, set) : FIXTURES_DIR;
  const argv = args.filter((a) => !a.startsWith('--set='));
  const unknown = argv.filter((a) => !(JOURNEY_PATHS as readonly string[]).includes(a));
  if (unknown.length) {
    console.error(`unknown path(s): ${unknown.join(', ')}; choose from ${JOURNEY_PATHS.join(', ')}`);
    process.exit(2);
  }
  const wanted = (argv.length ? argv : [...JOURNEY_PATHS]) as TJourneyPath[];

  await withRecordingStack(async ({ d, org, temporal }) => {
    const standard = await d.must(201, 'POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.departmentId) });
    const shortOffer = await d.must(201, 'POST', '/v1/jobs', {
      token: org.hr.token,
      body: { ...JOB(org.departmentId), title: 'Backend Engineer (short offer)', timers: { offerExpiry: '3s', offerReminder: '1s' } },
    });
    const jobs = { standard: standard.id, shortOffer: shortOffer.id };

    await mkdir(outDir, { recursive: true });
    const results = await Promise.all(
      wanted.map(async (p) => {
        const started = Date.now();
        const { workflowId } = await JOURNEYS[p](d, org, jobs);
        const handle = temporal.workflow.getHandle(workflowId);
        const stage = await Promise.race([
          handle.result() as Promise<string>,
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${p}: the workflow did not complete`)), STEP_TIMEOUT_MS)),
        ]);
        if (stage !== p) throw new Error(`${p}: the workflow ended in ${stage}`);
        const history = await handle.fetchHistory();
        const file = path.join(outDir, `${p}.json`);
        await writeFile(file, `${historyToJSON(history)}\n`);
        return { path: p, events: history.events?.length ?? 0, seconds: (Date.now() - started) / 1000, file };
      }),
    );
    for (const r of results) {
      console.log(`${r.path.padEnd(10)} ${String(r.events).padStart(4)} events  ${r.seconds.toFixed(1)} s  ${path.relative(process.cwd(), r.file)}`);
    }
  });
}

/**
 * Runs `fn` against a stack of its own (an in-memory Temporal dev server, a fresh database,
 * the test SMTP server, a worker and the API) with the org created, and takes it all down.
 * Also used by scripts/bench-approvals.ts.
 */
export async function withRecordingStack<T>(fn: (s: { d: Driver; org: Org; temporal: Client }) => Promise<T>): Promise<T> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => console.error('cleanup:', e));
  };
  try {
    const server = await startDevServer({ port: await freePort() });
    cleanups.push(() => server.stop());
    const db = await createTestDb('hwe_record');
    cleanups.push(() => db.drop());
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    const documentsDir = await mkdtemp(path.join(tmpdir(), 'hwe-record-docs-'));
    cleanups.push(() => rm(documentsDir, { recursive: true, force: true }));

    const adminToken = `admin_${randomBytes(24).toString('hex')}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `record-${randomUUID()}`,
      ADMIN_TOKEN: adminToken,
      LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_PER_MINUTE: '100000',
      // No load shedding and a long Temporal deadline: a recording (or a benchmark) on a busy
      // machine must not be refused, and an answer includes the work that follows it.
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      TEMPORAL_RPC_TIMEOUT_MS: '120000',
      SMTP_URL: smtp.url,
      DOCUMENTS_DIR: documentsDir,
    });
    const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const worker = await createWorker({
      config,
      db: db.handle,
      connection: nativeConnection,
      log: { info: () => {}, warn: () => {}, error: () => {} },
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    });
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const app = await buildServer({ config, db: db.handle, temporal, logger: false });
    cleanups.push(() => app.close());
    await app.ready();

    const d = new Driver(app, adminToken, smtp);
    return await fn({ d, org: await createOrg(d), temporal });
  } finally {
    await cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
