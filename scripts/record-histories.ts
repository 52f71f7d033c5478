/**
 * Records the replay fixtures: one complete workflow history per way an application can
 * end (rejected, declined, expired, withdrawn, confirmed, probation_failed), written as
 * Temporal's JSON history format to test/replay/fixtures/<path>.json.
 * test/replay/histories.test.ts replays them against the current workflow code, so a
 * change that would break running workflows fails the suite. `hired.json` was recorded
 * before probation existed (issue 18) and is kept as it is: the current code no longer
 * ends there, and that fixture proves old workflows keep their old ending.
 *
 *   npx tsx scripts/record-histories.ts                    # all six paths, encrypted
 *   npx tsx scripts/record-histories.ts confirmed          # only some
 *   npx tsx scripts/record-histories.ts --plain rejected   # plain JSON, as before issue 15
 *
 * New fixtures are recorded encrypted (issue 15), as production stores them: the API's
 * client and the worker use the payload codec with the fixtures' committed test key
 * (scripts/harness/replay-fixtures.ts) and per-application data keys, and the histories
 * go to fixtures/encrypted/ with the recorded applications' wrapped data keys in
 * fixtures/encrypted/data-keys.json. The plain sets stay as they were recorded.
 *
 * Standalone: its own Temporal test server (time-skipping: probation starts a month
 * ahead, at the offer's start date, and the probation journeys skip there after the
 * others are done), a fresh PostgreSQL database (in
 * TEST_PG_URL, default the local server), the test SMTP server, a worker and the API
 * driven with `inject`. Nothing is left behind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { buildServer } from '../api/server';
import { dataConverter } from '../privacy/data-converter';
import { loadConfig } from '../temporal.config';
import { createWorker } from '../worker';
import { JOB, strongApplication } from './harness/actors';
import type { DbHandle } from '../db/client';
import { createTestDb } from './harness/db';
import { JPEG_BYTES, multipart, PDF_BYTES, PNG_BYTES } from './harness/multipart';
import { startSmtpServer, type TTestSmtpServer } from './harness/smtp';
import {
  DATA_KEYS_FILE,
  ENCRYPTED_SET,
  FIXTURE_CANDIDATES,
  FIXTURE_PAYLOAD_KEYS,
  FIXTURE_SALARY,
  type TFixtureDataKey,
} from './harness/replay-fixtures';
import { startTimeSkippingServer } from './harness/time-skipping';

export const JOURNEY_PATHS = [
  'rejected',
  'declined',
  'expired',
  'withdrawn',
  'confirmed',
  'probation_failed',
] as const;
/** Journeys that skip the server's clock forward: recorded one by one after the others. */
const SKIPPING: readonly TJourneyPath[] = ['confirmed', 'probation_failed'];
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
  probation?: { checkInDate: string; endDate: string } | null;
}

class Driver {
  constructor(
    private readonly app: FastifyInstance,
    readonly adminToken: string,
    readonly smtp: TTestSmtpServer,
    readonly env: TestWorkflowEnvironment,
  ) {}

  /** The server's clock skipped forward to `ms` (never back). */
  async skipTo(ms: number) {
    const now = await this.env.currentTimeMs();
    if (ms > now) await this.env.sleep(ms - now);
  }

  async api(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    opts: { token?: string | null; body?: unknown } = {},
  ): Promise<Res> {
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
  async must<T = { id: string }>(
    status: number,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    opts: { token?: string | null; body?: unknown } = {},
  ): Promise<T> {
    const res = await this.api(method, url, opts);
    if (res.status !== status)
      throw new Error(
        `${method} ${url}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`,
      );
    return res.body as T;
  }

  async upload(token: string, kind: string, bytes: Uint8Array, filename: string, contentType: string) {
    const body = multipart({ kind }, { field: 'file', filename, contentType, bytes });
    const res = await this.app.inject({
      method: 'POST',
      url: `/v1/candidate/documents?token=${token}`,
      payload: body.payload,
      headers: body.headers,
    });
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

interface Org {
  hr: { id: string; token: string };
  manager: { id: string; token: string };
  gm: { id: string; token: string };
  integrator: { id: string; token: string };
  it: { id: string; token: string };
  departmentId: string;
}

async function createOrg(d: Driver): Promise<Org> {
  const user = (name: string, roles: string[]) =>
    d.must<{ id: string; token: string }>(201, 'POST', '/v1/users', {
      body: { name, roles, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com` },
    });
  const hr = await user('Hana HR', ['hr']);
  const manager = await user('Mei Manager', ['hiring_manager', 'approver']);
  const gm = await user('Gao GM', ['approver']);
  const integrator = await user('Ivy Integrator', ['integrator']);
  const it = await user('Ian IT', ['it']);
  const dept = await d.must(201, 'POST', '/v1/departments', {
    body: { name: 'Engineering', managerUserId: manager.id },
  });
  await d.must(200, 'PUT', '/v1/settings', {
    body: {
      companyName: 'Acme Robotics',
      companyAddress: '1 Harbour Road, Shanghai',
      generalManagerUserId: gm.id,
    },
  });
  return { hr, manager, gm, integrator, it, departmentId: dept.id };
}

/** An offer starting 30 days after `nowMs` (the server's clock). */
const OFFER = (nowMs: number) => ({
  position: 'Backend Engineer',
  salary: { amount: FIXTURE_SALARY, currency: 'CNY', period: 'year' },
  benefits: ['Health insurance', '15 days paid leave'],
  startDate: new Date(nowMs + 30 * 86_400_000).toISOString().slice(0, 10),
  terms: 'Probation of three months.',
});

/** Submitted, screened, evaluated by HR and the manager, then `decision` recorded. */
async function toDecision(
  d: Driver,
  org: Org,
  jobId: string,
  who: { name: string; email: string },
  decision: 'advance' | 'reject',
) {
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
      body: {
        ratings: { programming: rating, systems: rating, teamwork: 'fair' },
        recommendation: decision,
        comment: 'Recorded for replay',
      },
    });
  }
  await d.must(200, 'POST', `/v1/applications/${id}/decision`, {
    token: org.hr.token,
    body: { decision, reason: 'Recorded for replay' },
  });
  return { id, workflowId: created.workflowId };
}

/** Drafted, submitted, approved by the manager and the general manager, and sent. */
async function toOfferSent(d: Driver, org: Org, jobId: string, who: { name: string; email: string }) {
  const app = await toDecision(d, org, jobId, who, 'advance');
  await d.waitForStage(app.id, 'offer_drafting', org.hr.token);
  const offer = OFFER(await d.env.currentTimeMs());
  await d.must(200, 'PUT', `/v1/applications/${app.id}/offer`, { token: org.hr.token, body: offer });
  await d.must(200, 'POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token });
  for (const approver of [org.manager, org.gm]) {
    await d.until(`approval by ${approver.id}`, async () => {
      const r = await d.api('POST', `/v1/applications/${app.id}/offer/approvals`, {
        token: approver.token,
        body: { decision: 'approve' },
      });
      return r.status === 200;
    });
  }
  await d.waitForStage(app.id, 'offer_sent', org.hr.token);
  return { ...app, startDate: offer.startDate };
}

/** Accepted, onboarded (documents, one rejected and sent again; tasks; a course failed then passed), then on to `probation` at the start date. */
async function toProbation(d: Driver, org: Org, jobId: string, who: { name: string; email: string }) {
  const { email } = who;
  const app = await toOfferSent(d, org, jobId, who);
  const offer = await d.linkIn(email, 'offers');
  await d.must(200, 'POST', `/v1/candidate/offer/accept?token=${offer}`, {
    token: null,
    body: { signatureName: who.name, consent: true },
  });
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
    await d.must(200, 'POST', `/v1/employees/${employeeId}/onboarding/tasks/${key}/complete`, {
      token: org.it.token,
      body: { note: 'done' },
    });
  }
  await d.must(200, 'POST', `/v1/employees/${employeeId}/onboarding/tasks/mentor_meeting/complete`, {
    token: org.manager.token,
    body: {},
  });
  await d.must(200, 'POST', `/v1/employees/${employeeId}/courses/orientation/result`, {
    token: org.integrator.token,
    body: { score: 40 },
  });
  await d.must(200, 'POST', `/v1/employees/${employeeId}/courses/orientation/result`, {
    token: org.integrator.token,
    body: { score: 85 },
  });
  await d.waitForStage(app.id, 'hired', org.hr.token);
  await d.skipTo(Date.parse(`${app.startDate}T00:00:00Z`) + 60_000);
  const st = await d.waitForStage(app.id, 'probation', org.hr.token);
  return { ...app, probation: st.probation! };
}

type Journey = (
  d: Driver,
  org: Org,
  jobs: { standard: string; shortOffer: string },
) => Promise<{ workflowId: string }>;

const JOURNEYS: Record<TJourneyPath, Journey> = {
  async rejected(d, org, jobs) {
    return toDecision(
      d,
      org,
      jobs.standard,
      FIXTURE_CANDIDATES.rejected,
      'reject',
    );
  },

  async declined(d, org, jobs) {
    const { email } = FIXTURE_CANDIDATES.declined;
    const app = await toOfferSent(d, org, jobs.standard, FIXTURE_CANDIDATES.declined);
    const token = await d.linkIn(email, 'offers');
    await d.must(200, 'GET', `/v1/candidate/offer?token=${token}`, { token: null });
    await d.must(200, 'POST', `/v1/candidate/offer/decline?token=${token}`, {
      token: null,
      body: { reason: 'I accepted another offer' },
    });
    return app;
  },

  async expired(d, org, jobs) {
    // The job's offer expires after 3 s with a reminder after 1 s.
    return toOfferSent(d, org, jobs.shortOffer, FIXTURE_CANDIDATES.expired);
  },

  async confirmed(d, org, jobs) {
    const app = await toProbation(d, org, jobs.standard, FIXTURE_CANDIDATES.confirmed);
    await d.must(200, 'POST', `/v1/applications/${app.id}/probation/check-in`, {
      token: org.manager.token,
      body: { note: 'Recorded for replay', onTrack: true },
    });
    await d.must(200, 'POST', `/v1/applications/${app.id}/probation/mentor-note`, {
      token: org.manager.token,
      body: { note: 'Recorded for replay' },
    });
    await d.must(200, 'POST', `/v1/applications/${app.id}/probation/review`, {
      token: org.hr.token,
      body: { outcome: 'confirm' },
    });
    return app;
  },

  async probation_failed(d, org, jobs) {
    const app = await toProbation(d, org, jobs.standard, FIXTURE_CANDIDATES.probation_failed);
    // The check-in is late: its reminder and HR's alert come first.
    await d.skipTo(Date.parse(`${app.probation.checkInDate}T00:00:00Z`) + 2 * 86_400_000);
    await d.until('the late check-in alert', async () => {
      const st = await d.must<{ timeline: { type: string }[] }>(200, 'GET', `/v1/applications/${app.id}`, {
        token: org.hr.token,
      });
      return st.timeline.some((e) => e.type === 'probation_late');
    });
    await d.must(200, 'POST', `/v1/applications/${app.id}/probation/check-in`, {
      token: org.manager.token,
      body: { note: 'Behind plan', onTrack: false },
    });
    const endDate = new Date(Date.parse(`${app.probation.endDate}T00:00:00Z`) + 30 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await d.must(200, 'POST', `/v1/applications/${app.id}/probation/review`, {
      token: org.hr.token,
      body: { outcome: 'extend', endDate, reason: 'Recorded for replay' },
    });
    await d.must(200, 'POST', `/v1/applications/${app.id}/probation/review`, {
      token: org.hr.token,
      body: { outcome: 'end', reason: 'Recorded for replay' },
    });
    return app;
  },

  async withdrawn(d, org, jobs) {
    // Withdrawn while the offer waits for an answer: the offer half stops too.
    const app = await toOfferSent(d, org, jobs.standard, FIXTURE_CANDIDATES.withdrawn);
    await d.must(200, 'POST', `/v1/applications/${app.id}/withdraw`, {
      token: org.integrator.token,
      body: { reason: 'Candidate withdrew in the ATS' },
    });
    return app;
  },
};

/**
 * The recorded applications' data keys (wrapped by the fixture key, as `data_keys` holds
 * them), merged into the keys file: recording some paths again keeps the others' keys.
 */
async function writeDataKeys(db: DbHandle, file: string, applicationIds: string[]) {
  const rows = await db.rows<{ application_id: string; wrapping_key_id: string; wrapped_key: string }>(sql`
    select application_id, wrapping_key_id, wrapped_key from data_keys
    where wrapped_key is not null and application_id in (${sql.join(applicationIds.map((id) => sql`${id}::uuid`), sql`, `)})`);
  if (rows.length !== applicationIds.length) throw new Error(`expected ${applicationIds.length} data keys, found ${rows.length}`);
  const before = await readFile(file, 'utf8').then((t) => JSON.parse(t) as TFixtureDataKey[], () => [] as TFixtureDataKey[]);
  const merged = new Map(before.map((k) => [k.applicationId, k]));
  for (const r of rows) merged.set(r.application_id, { applicationId: r.application_id, wrappingKeyId: r.wrapping_key_id, wrappedKey: r.wrapped_key });
  await writeFile(file, `${JSON.stringify([...merged.values()], null, 2)}\n`);
}

async function main(args: string[]) {
  const plain = args.includes('--plain');
  const argv = args.filter((a) => a !== '--plain');
  const unknown = argv.filter((a) => !(JOURNEY_PATHS as readonly string[]).includes(a));
  if (unknown.length) {
    console.error(`unknown path(s): ${unknown.join(', ')}; choose from ${JOURNEY_PATHS.join(', ')}`);
    process.exit(2);
  }
  const wanted = (argv.length ? argv : [...JOURNEY_PATHS]) as TJourneyPath[];

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => console.error('cleanup:', e));
  };
  try {
    const env = await startTimeSkippingServer();
    cleanups.push(() => env.teardown());
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
      // unused: the worker and the client take the test server's connections
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: `record-${randomUUID()}`,
      ADMIN_TOKEN: adminToken,
      LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
      RATE_LIMIT_PER_MINUTE: '100000',
      SMTP_URL: smtp.url,
      DOCUMENTS_DIR: documentsDir,
      ...(plain ? {} : { PAYLOAD_KEYS: FIXTURE_PAYLOAD_KEYS }),
    });
    const worker = await createWorker({
      config,
      db: db.handle,
      connection: env.nativeConnection,
      log: { info: () => {}, warn: () => {}, error: () => {} },
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });
    // Not the time-skipping client: the test server's clock moves only when a journey skips it.
    // The API's data converter, so what Temporal stores is what production's API would send.
    const temporal = new Client({
      connection: env.connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: dataConverter(config, db.handle),
    });
    const app = await buildServer({ config, db: db.handle, temporal, logger: false });
    cleanups.push(() => app.close());
    await app.ready();

    const d = new Driver(app, adminToken, smtp, env);
    const org = await createOrg(d);
    const standard = await d.must(201, 'POST', '/v1/jobs', {
      token: org.hr.token,
      body: JOB(org.departmentId),
    });
    const shortOffer = await d.must(201, 'POST', '/v1/jobs', {
      token: org.hr.token,
      body: {
        ...JOB(org.departmentId),
        title: 'Backend Engineer (short offer)',
        timers: { offerExpiry: '3s', offerReminder: '1s' },
      },
    });
    const jobs = { standard: standard.id, shortOffer: shortOffer.id };

    const dir = plain ? FIXTURES_DIR : path.join(FIXTURES_DIR, ENCRYPTED_SET);
    await mkdir(dir, { recursive: true });
    const recorded: string[] = [];
    const record = async (p: TJourneyPath) => {
      const started = Date.now();
      const { workflowId } = await JOURNEYS[p](d, org, jobs);
      const handle = temporal.workflow.getHandle(workflowId);
      const stage = await Promise.race([
        handle.result() as Promise<string>,
        new Promise<never>((_, rej) =>
          setTimeout(() => rej(new Error(`${p}: the workflow did not complete`)), STEP_TIMEOUT_MS),
        ),
      ]);
      if (stage !== p) throw new Error(`${p}: the workflow ended in ${stage}`);
      // As Temporal stores it: with the codec on, every payload is ciphertext.
      const history = await handle.fetchHistory();
      recorded.push(workflowId.slice('application-'.length));
      const file = path.join(dir, `${p}.json`);
      await writeFile(file, `${historyToJSON(history)}\n`);
      return { path: p, events: history.events?.length ?? 0, seconds: (Date.now() - started) / 1000, file };
    };
    // The others together; then, one by one, the journeys that skip the clock a month on.
    const results = await Promise.all(wanted.filter((p) => !SKIPPING.includes(p)).map(record));
    for (const p of wanted.filter((x) => SKIPPING.includes(x))) results.push(await record(p));
    if (!plain) await writeDataKeys(db.handle, path.join(dir, DATA_KEYS_FILE), recorded);
    for (const r of results) {
      console.log(
        `${r.path.padEnd(10)} ${String(r.events).padStart(4)} events  ${r.seconds.toFixed(1)} s  ${path.relative(process.cwd(), r.file)}`,
      );
    }
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
