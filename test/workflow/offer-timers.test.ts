/**
 * The offer's timers with the real defaults (offerReminder 3d, offerExpiry 7d) on the
 * time-skipping test server (issue 5, step 6-7): the reminder at three days by e-mail and
 * SMS with HR alerted, once; expiry at seven days with candidate and HR told; and both
 * timers starting again for a revision re-issued without approval. The workflow is driven
 * through its updates, with real activities against a real database and no SMTP server or
 * SMS gateway, so messages are stored as 'rendered', which is what the tests read.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { applications, departments, employees, jobs, messages, settings, users } from '../../db/schema';
import { ZCreateApplicationSchema } from '../../domain/contracts/application';
import { ZCreateJobSchema, type TCreateJob } from '../../domain/contracts/job';
import { ZSettingsDefaultsSchema } from '../../domain/contracts/settings';
import { resolveJobPolicy } from '../../domain/policy';
import { resolveTestServer } from '../../scripts/temporal-cli';
import { loadConfig, type Config } from '../../temporal.config';
import { applicationWorkflow } from '../../workflows/application';
import {
  approvalUpdate,
  candidateResponseUpdate,
  decideUpdate,
  draftOfferUpdate,
  statusQuery,
  submitEvaluationUpdate,
  submitOfferUpdate,
  withdrawUpdate,
  type TActor,
  type TApplicationStatus,
  type TApplicationWorkflowInput,
} from '../../workflows/messages';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';
import { createTestDb, type TestDb } from '../helpers/db';
import { application, JOB } from '../helpers/org';
import { workflowBundle } from '../helpers/stack';

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (every key we define is a keyword). */
const INDEXED_VALUE_TYPE_KEYWORD = 2;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PHONE = '+8613800000000';

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let config: Config;
let jobId: string;
let job: TCreateJob;
let deptId: string;
const people = {} as Record<'hr1' | 'hr2' | 'manager' | 'gm', { id: string; email: string; actor: TActor }>;
const defaults = ZSettingsDefaultsSchema.parse({});
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  [env, tdb] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: resolveTestServer() } } }),
    createTestDb('hwe_offer_timers'),
  ]);
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, INDEXED_VALUE_TYPE_KEYWORD])),
  });
  config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: tdb.url, LINK_SIGNING_SECRET: randomBytes(32).toString('hex') });
  expect(config.SMTP_URL).toBeUndefined();
  expect(config.SMS_GATEWAY_URL).toBeUndefined();

  const db = tdb.handle.db;
  const mk = async (key: keyof typeof people, name: string, roles: TActor['roles']) => {
    const email = `${key.toLowerCase()}@offer-timers.example`;
    const [u] = await db.insert(users).values({ name, email, roles, tokenHash: randomUUID() }).returning({ id: users.id });
    people[key] = { id: u!.id, email, actor: { id: u!.id, name, roles } };
  };
  await mk('hr1', 'Hana HR', ['hr']);
  await mk('hr2', 'Harry HR', ['hr', 'admin']);
  await mk('manager', 'Mei Manager', ['hiring_manager', 'approver']);
  await mk('gm', 'Gao GM', ['approver']);
  const [dept] = await db.insert(departments).values({ name: 'Engineering', managerUserId: people.manager.id }).returning();
  deptId = dept!.id;
  await db.update(users).set({ departmentId: deptId }).where(eq(users.id, people.manager.id));
  people.manager.actor.departmentId = deptId;
  await db.insert(settings).values({
    companyName: 'Acme Robotics',
    companyAddress: '1 Harbour Road',
    generalManagerUserId: people.gm.id,
    defaults,
  });
  job = ZCreateJobSchema.parse(JOB(deptId));
  const [j] = await db.insert(jobs).values({ title: job.title, departmentId: deptId, definition: job }).returning({ id: jobs.id });
  jobId = j!.id;
}, 60_000);

afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

type Handle = WorkflowHandle<typeof applicationWorkflow>;

/** Inserts the application row the API would have written (with a phone number, for the SMS reminder). */
async function seedApplication(tag: string, receivedAt: Date) {
  const name = `Candidate ${tag}`;
  const email = `${tag}@candidates.example`;
  const body = ZCreateApplicationSchema.parse(application(jobId, 'strong', { candidate: { name, email, phone: PHONE } }));
  const id = randomUUID();
  const workflowId = `offer-timers-${tag}-${id}`;
  await tdb.handle.db.insert(applications).values({
    id,
    requestHash: randomUUID(),
    jobId,
    departmentId: deptId,
    workflowId,
    candidateName: name,
    candidateEmail: email,
    candidatePhone: PHONE,
    locale: 'en',
    resume: body.resume,
    interview: body.interview,
    accuracy: body.interview.accuracy,
    createdAt: receivedAt,
  });
  const input: TApplicationWorkflowInput = {
    applicationId: id,
    jobId,
    departmentId: deptId,
    receivedAt: receivedAt.toISOString(),
    candidate: { name, locale: 'en' },
    policy: resolveJobPolicy(job, defaults),
  };
  return { id, workflowId, input, name, email };
}

interface Ctx {
  id: string;
  name: string;
  email: string;
  handle: Handle;
  input: TApplicationWorkflowInput;
}

/** Runs `fn` with a worker on its own task queue and the application's workflow started on it. */
type Activities = ReturnType<typeof createActivities>;

async function withWorkflow(tag: string, fn: (ctx: Ctx) => Promise<void>, around: (acts: Activities) => Activities = (a) => a) {
  const receivedAt = new Date(await env.currentTimeMs());
  const { id, workflowId, input, name, email } = await seedApplication(tag, receivedAt);
  const taskQueue = `offer-timers-${tag}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: around(createActivities({ db: tdb.handle, config, log: quiet, now: () => new Date() })),
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(applicationWorkflow, { workflowId, taskQueue, args: [input] });
    try {
      await fn({ id, name, email, handle, input });
    } finally {
      // Time is shared by the whole environment: leave no timers (or running activities) behind.
      await until(async () => !(await handle.describe()).raw.pendingActivities?.length, 'activities to settle', 10_000).catch(
        () => undefined,
      );
      await handle.terminate('test done').catch(() => undefined);
    }
  });
}

/** Polls (in real time) until `fn` returns a truthy value. */
async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const query = (h: Handle) => h.query(statusQuery);
const settle = () => new Promise((r) => setTimeout(r, 400));

async function reach(h: Handle, stage: string): Promise<TApplicationStatus> {
  return until(async () => {
    const st = await query(h);
    return st.stage === stage ? st : null;
  }, `stage ${stage}`);
}

/** Skips the environment's clock forward to `targetMs`. */
async function skipTo(targetMs: number) {
  const now = await env.currentTimeMs();
  expect(targetMs).toBeGreaterThan(now);
  await env.sleep(targetMs - now);
  expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(targetMs);
}

/** Message rows of the application whose purpose matches (SQL LIKE), ordered by channel then recipient. */
async function rows(applicationId: string, purpose: string) {
  return tdb.handle.db
    .select()
    .from(messages)
    .where(and(eq(messages.applicationId, applicationId), like(messages.purpose, purpose)))
    .orderBy(asc(messages.channel), asc(messages.recipient));
}

async function waitRows(applicationId: string, purpose: string, n: number) {
  return until(async () => {
    const r = await rows(applicationId, purpose);
    return r.length >= n ? r : null;
  }, `${n} '${purpose}' message(s)`);
}

const entries = (st: TApplicationStatus, type: string) => st.timeline.filter((t) => t.type === type);
const dateIn = (ms: number, days: number) => new Date(ms + days * DAY).toISOString().slice(0, 10);
const hrEmails = () => [people.hr1.email, people.hr2.email].sort();

/** Evaluates, decides, drafts, submits and approves (manager, then GM): returns when v1 is sent. */
async function toSent(h: Handle): Promise<{ sentAt: number; st: TApplicationStatus }> {
  await reach(h, 'evaluation');
  const ratings = { programming: 'good', systems: 'good', teamwork: 'excellent' };
  await h.executeUpdate(submitEvaluationUpdate, { args: [{ ratings, recommendation: 'advance', actor: people.hr1.actor }] });
  await h.executeUpdate(submitEvaluationUpdate, { args: [{ ratings, recommendation: 'advance', actor: people.manager.actor }] });
  await reach(h, 'decision');
  await h.executeUpdate(decideUpdate, { args: [{ decision: 'advance', reason: 'strong', actor: people.hr1.actor }] });
  await reach(h, 'offer_drafting');
  const now = await env.currentTimeMs();
  const drafted = await h.executeUpdate(draftOfferUpdate, {
    args: [
      {
        offer: {
          position: 'Backend Engineer',
          salary: { amount: 300_000, currency: 'CNY', period: 'year' },
          benefits: ['Health insurance'],
          startDate: dateIn(now, 60),
        },
        actor: people.hr1.actor,
      },
    ],
  });
  expect(drafted).toEqual({ version: 1, requiresApproval: true, stage: 'offer_drafting' });
  const submitted = await h.executeUpdate(submitOfferUpdate, { args: [{ actor: people.hr1.actor }] });
  expect(submitted.levels.map((l) => l.approvers)).toEqual([[people.manager.id], [people.gm.id]]);
  for (const [i, who] of [people.manager, people.gm].entries()) {
    await until(async () => (await query(h)).offer.current?.levels[i]?.status === 'pending', `approval level ${i + 1}`);
    const r = await h.executeUpdate(approvalUpdate, { args: [{ decision: 'approve', version: 1, actor: who.actor }] });
    expect(r).toMatchObject({ version: 1, level: i + 1, status: 'approved' });
  }
  const st = await until(async () => {
    const s = await query(h);
    return s.stage === 'offer_sent' && entries(s, 'offer_sent').length === 1 ? s : null;
  }, 'offer v1 sent');
  const cur = st.offer.current!;
  expect(cur).toMatchObject({ version: 1, status: 'sent' });
  const sentAt = Date.parse(cur.sentAt!);
  expect(Date.parse(cur.expiresAt!) - sentAt).toBe(7 * DAY);
  return { sentAt, st };
}

describe('the offer reminder (default 3 days)', { timeout: 40_000 }, () => {
  it('nothing before three days; then one e-mail, one SMS and one alert per HR user; still once after six days', async () => {
    await withWorkflow('reminder', async ({ id, email, handle, input }) => {
      expect(input.policy.timers).toMatchObject({ offerReminder: '3d', offerExpiry: '7d' });
      const { sentAt } = await toSent(handle);
      await waitRows(id, 'offer_sent:v1', 1);

      await skipTo(sentAt + 3 * DAY - MINUTE);
      await settle();
      expect(await rows(id, 'offer_reminder:%')).toEqual([]);
      expect(await rows(id, 'offer_reminder_sent')).toEqual([]);
      const before = await query(handle);
      expect(entries(before, 'offer_reminder_sent')).toEqual([]);
      expect(before.offer.current!.remindedAt).toBeNull();

      await skipTo(sentAt + 3 * DAY + MINUTE);
      const candidate = await waitRows(id, 'offer_reminder:v1', 2);
      expect(candidate.map((m) => [m.channel, m.recipient, m.template, m.status, m.recipientKind])).toEqual([
        ['email', email, 'offer_reminder', 'rendered', 'candidate'],
        ['sms', PHONE, 'offer_reminder', 'rendered', 'candidate'],
      ]);
      expect(candidate[0]!.subject).toBe('Reminder: your offer from Acme Robotics for Backend Engineer awaits your answer');
      expect(candidate[0]!.bodyText).toMatch(/\/offers\/[A-Za-z0-9_.-]+/);
      expect(candidate[1]!.bodyText).toMatch(/\/offers\/[A-Za-z0-9_.-]+/);
      const hr = await waitRows(id, 'offer_reminder_sent', 2);
      expect(hr.map((m) => m.recipient).sort()).toEqual(hrEmails());
      for (const m of hr) {
        expect(m).toMatchObject({ template: 'offer_event', channel: 'email', recipientKind: 'staff', status: 'rendered' });
        expect(m.subject).toBe('Offer reminder sent: Candidate reminder (v1)');
      }
      const after = await until(async () => {
        const s = await query(handle);
        return entries(s, 'offer_reminder_sent').length ? s : null;
      }, 'the offer_reminder_sent entry');
      expect(entries(after, 'offer_reminder_sent')).toEqual([expect.objectContaining({ actor: 'system', detail: { version: 1 } })]);
      expect(Date.parse(entries(after, 'offer_reminder_sent')[0]!.at)).toBeGreaterThanOrEqual(sentAt + 3 * DAY);
      expect(after.stage).toBe('offer_sent');

      // once: at six days nothing more
      await skipTo(sentAt + 6 * DAY);
      await settle();
      expect(await rows(id, 'offer_reminder:%')).toHaveLength(2);
      expect(await rows(id, 'offer_reminder_sent')).toHaveLength(2);
      const six = await query(handle);
      expect(entries(six, 'offer_reminder_sent')).toHaveLength(1);
      expect(six.stage).toBe('offer_sent');
      expect(await rows(id, 'offer_expired:%')).toEqual([]);
    });
  });
});

describe('the offer expiry (default 7 days)', { timeout: 40_000 }, () => {
  it("still open a minute before seven days; then 'expired', the candidate and HR told, and an answer refused", async () => {
    await withWorkflow('expiry', async ({ id, email, handle }) => {
      const { sentAt } = await toSent(handle);

      await skipTo(sentAt + 7 * DAY - MINUTE);
      await settle();
      expect((await query(handle)).stage).toBe('offer_sent');
      expect(await rows(id, 'offer_expired:%')).toEqual([]);

      await skipTo(sentAt + 7 * DAY + MINUTE);
      const st = await reach(handle, 'expired');
      expect(st.offer.current).toMatchObject({ version: 1, status: 'expired' });
      const moved = entries(st, 'stage_changed').at(-1)!;
      expect(moved.detail).toMatchObject({ from: 'offer_sent', to: 'expired', version: 1 });
      expect(Date.parse(moved.at)).toBeGreaterThanOrEqual(sentAt + 7 * DAY);

      const told = await waitRows(id, 'offer_expired:v1', 1);
      expect(told.map((m) => [m.channel, m.recipient, m.template, m.status])).toEqual([['email', email, 'offer_expired', 'rendered']]);
      expect(told[0]!.subject).toBe('Your offer from Acme Robotics for Backend Engineer has expired');
      const hr = await waitRows(id, 'offer_expired', 2);
      expect(hr.map((m) => m.recipient).sort()).toEqual(hrEmails());
      expect(hr.map((m) => m.subject)).toEqual(['Offer expired: Candidate expiry (v1)', 'Offer expired: Candidate expiry (v1)']);
      // the reminder came first, once
      expect(await rows(id, 'offer_reminder:v1')).toHaveLength(2);

      // too late to accept
      await expect(
        handle.executeUpdate(candidateResponseUpdate, {
          args: [{ version: 1, kind: 'accept', signatureName: 'Candidate expiry', ip: '127.0.0.1', userAgent: 'test' }],
        }),
      ).rejects.toThrow();
      expect(await tdb.handle.rows(sql`select count(*)::int as n from offer_signatures where application_id = ${id}`)).toEqual([{ n: 0 }]);
    });
  });
});

describe('timers reset by a revision', { timeout: 40_000 }, () => {
  it('re-issued at day 2: no reminder at day 3, one at day 5 for v2 only, and v2 expires seven days after its own sending', async () => {
    await withWorkflow('revision', async ({ id, handle }) => {
      const { sentAt } = await toSent(handle);

      await skipTo(sentAt + 2 * DAY);
      const now = await env.currentTimeMs();
      const revised = await handle.executeUpdate(draftOfferUpdate, {
        args: [
          {
            offer: {
              position: 'Backend Engineer',
              salary: { amount: 290_000, currency: 'CNY', period: 'year' },
              benefits: ['Health insurance', 'Gym'],
              startDate: dateIn(now, 60),
            },
            actor: people.hr2.actor,
          },
        ],
      });
      expect(revised).toEqual({ version: 2, requiresApproval: false, stage: 'offer_sent' });
      const st = await until(async () => {
        const s = await query(handle);
        return s.offer.current?.version === 2 && s.offer.current.status === 'sent' && entries(s, 'offer_sent').length === 2 ? s : null;
      }, 'offer v2 sent');
      const v2 = st.offer.current!;
      const sent2 = Date.parse(v2.sentAt!);
      expect(sent2).toBeGreaterThanOrEqual(sentAt + 2 * DAY);
      expect(sent2).toBeLessThan(sentAt + 2 * DAY + HOUR);
      expect(Date.parse(v2.expiresAt!)).toBe(sent2 + 7 * DAY);
      expect(st.offer.versions.map((v) => [v.version, v.status])).toEqual([
        [1, 'superseded'],
        [2, 'sent'],
      ]);
      await waitRows(id, 'offer_sent:v2', 1);

      // three days after the first sending: nothing (v1's reminder went with v1)
      await skipTo(sentAt + 3 * DAY + MINUTE);
      await settle();
      expect(await rows(id, 'offer_reminder:%')).toEqual([]);
      // a minute before three days after the re-issue: still nothing
      await skipTo(sent2 + 3 * DAY - MINUTE);
      await settle();
      expect(await rows(id, 'offer_reminder:%')).toEqual([]);
      expect(entries(await query(handle), 'offer_reminder_sent')).toEqual([]);

      // three days after the re-issue: the reminder, for v2 only
      await skipTo(sent2 + 3 * DAY + MINUTE);
      const reminder = await waitRows(id, 'offer_reminder:v2', 2);
      expect(reminder.map((m) => m.channel)).toEqual(['email', 'sms']);
      const hr = await waitRows(id, 'offer_reminder_sent', 2);
      expect(hr.map((m) => m.subject)).toEqual(['Offer reminder sent: Candidate revision (v2)', 'Offer reminder sent: Candidate revision (v2)']);
      await settle();
      expect(await rows(id, 'offer_reminder:v1')).toEqual([]);
      const after = await query(handle);
      expect(entries(after, 'offer_reminder_sent')).toEqual([expect.objectContaining({ detail: { version: 2 } })]);
      expect(after.offer.versions[0]!.remindedAt).toBeNull();

      // v1's expiry no longer applies
      await skipTo(sentAt + 7 * DAY + MINUTE);
      await settle();
      expect((await query(handle)).stage).toBe('offer_sent');
      expect(await rows(id, 'offer_expired:%')).toEqual([]);
      // v2's does
      await skipTo(sent2 + 7 * DAY + MINUTE);
      const expired = await reach(handle, 'expired');
      expect(entries(expired, 'stage_changed').at(-1)!.detail).toMatchObject({ to: 'expired', version: 2 });
      await waitRows(id, 'offer_expired:v2', 1);
      expect(await rows(id, 'offer_expired:v1')).toEqual([]);
    });
  });
});

describe('a withdrawal while the employee record is being created', { timeout: 40_000 }, () => {
  it('stays withdrawn: no move back to onboarding, no onboarding notice, the record kept', async () => {
    // The real conversion, held at its start until the withdrawal has been applied.
    let entered!: () => void;
    const converting = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held = (acts: Activities): Activities => ({
      ...acts,
      convertToEmployee: async (input) => {
        entered();
        await released;
        return acts.convertToEmployee(input);
      },
    });
    await withWorkflow(
      'withdraw-converting',
      async ({ id, name, handle }) => {
        await toSent(handle);
        // The acceptance answers once the workflow has settled after it, i.e. after the
        // conversion: it is not awaited before the conversion is released.
        const accepted = handle.executeUpdate(candidateResponseUpdate, {
          args: [{ version: 1, kind: 'accept', signatureName: name, ip: '127.0.0.1', userAgent: 'test' }],
        });
        await converting;
        // The withdrawal is applied at once; its answer waits for the workflow to settle
        // (read-your-writes), which is after the conversion: release that once it shows.
        const withdrawn = handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'took another offer', actor: people.hr1.actor }] });
        await until(async () => (await query(handle)).stage === 'withdrawn', 'the withdrawal applied');
        release();
        expect(await withdrawn).toEqual({ stage: 'withdrawn' });
        expect((await accepted).response).toMatchObject({ kind: 'accepted' });
        expect(await handle.result()).toBe('withdrawn');
        const st = await query(handle);
        expect(st.stage).toBe('withdrawn');
        expect(entries(st, 'stage_changed').map((e) => e.detail?.to)).not.toContain('onboarding');
        expect(entries(st, 'employee_created')).toHaveLength(1);
        expect(st.onboarding).toBeNull();
        const [row] = await tdb.handle.db.select({ stage: applications.stage }).from(applications).where(eq(applications.id, id));
        expect(row!.stage).toBe('withdrawn');
        expect(await tdb.handle.db.select({ id: employees.id }).from(employees).where(eq(employees.applicationId, id))).toHaveLength(1);
        expect(await rows(id, 'onboarding%')).toEqual([]);
      },
      held,
    );
  });
});
