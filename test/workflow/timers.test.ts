/**
 * The workflow's timers with the real defaults, on the time-skipping test server: the
 * decision promise (3 business days) alerts HR once when it runs out and not a minute
 * before, ends when a decision is recorded, and the evaluation reminder (2 days) goes to
 * the evaluator who still owes one, once. Real activities against a real database; no
 * SMTP server, so messages are stored as 'rendered', which is what the tests read.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { applications, departments, jobs, messages, settings, users } from '../../db/schema';
import { addBusinessDays } from '../../domain/business-days';
import { addDuration } from '../../domain/durations';
import { ZCreateApplicationSchema } from '../../domain/contracts/application';
import { ZCreateJobSchema, type TCreateJob } from '../../domain/contracts/job';
import { ZSettingsDefaultsSchema } from '../../domain/contracts/settings';
import { resolveJobPolicy } from '../../domain/policy';
import { getSettings } from '../../db/settings';
import { calendarSnapshot } from '../../shared/calendar';
import { resolveTestServer } from '../../scripts/temporal-cli';
import { loadConfig, type Config } from '../../temporal.config';
import { applicationWorkflow } from '../../workflows/application';
import {
  decideUpdate,
  statusQuery,
  submitEvaluationUpdate,
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

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let config: Config;
let jobId: string;
let job: TCreateJob;
let deptId: string;
const people = {} as Record<'hr1' | 'hr2' | 'manager' | 'otherManager' | 'approver', { id: string; email: string; actor: TActor }>;
const defaults = ZSettingsDefaultsSchema.parse({});
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  [env, tdb] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: resolveTestServer() } } }),
    createTestDb('hwe_timers'),
  ]);
  // The workflow keeps its stage in the Stage search attribute; the test server must know it.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, INDEXED_VALUE_TYPE_KEYWORD])),
  });
  config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: tdb.url, LINK_SIGNING_SECRET: randomBytes(32).toString('hex') });
  expect(config.SMTP_URL).toBeUndefined();

  const db = tdb.handle.db;
  const mk = async (key: keyof typeof people, name: string, roles: TActor['roles']) => {
    const email = `${key.toLowerCase()}@acme.example`;
    const [u] = await db.insert(users).values({ name, email, roles, tokenHash: randomUUID() }).returning({ id: users.id });
    people[key] = { id: u!.id, email, actor: { id: u!.id, name, roles } };
  };
  await mk('hr1', 'Hana HR', ['hr']);
  await mk('hr2', 'Harry HR', ['hr', 'admin']);
  await mk('manager', 'Mei Manager', ['hiring_manager']);
  await mk('otherManager', 'Otto Other', ['hiring_manager']);
  await mk('approver', 'Gao GM', ['approver']);
  const [dept] = await db.insert(departments).values({ name: 'Engineering', managerUserId: people.manager.id }).returning();
  const [other] = await db.insert(departments).values({ name: 'Sales', managerUserId: people.otherManager.id }).returning();
  deptId = dept!.id;
  await db.update(users).set({ departmentId: deptId }).where(eq(users.id, people.manager.id));
  await db.update(users).set({ departmentId: other!.id }).where(eq(users.id, people.otherManager.id));
  people.manager.actor.departmentId = deptId;
  await db.insert(settings).values({ companyName: 'Acme Robotics', companyAddress: '1 Harbour Road', defaults });
  job = ZCreateJobSchema.parse(JOB(deptId));
  const [j] = await db.insert(jobs).values({ title: job.title, departmentId: deptId, definition: job }).returning({ id: jobs.id });
  jobId = j!.id;
}, 60_000);

afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

/** Inserts the application row the API would have written; the workflow id is the test's own. */
async function seedApplication(tag: string, receivedAt: Date, policy = resolveJobPolicy(job, defaults)) {
  const body = ZCreateApplicationSchema.parse(application(jobId, 'average', { candidate: { name: `Candidate ${tag}`, email: `${tag}@candidates.example` } }));
  const id = randomUUID();
  const workflowId = `timers-${tag}-${id}`;
  await tdb.handle.db.insert(applications).values({
    id,
    requestHash: randomUUID(),
    jobId,
    departmentId: deptId,
    workflowId,
    candidateName: body.candidate.name,
    candidateEmail: body.candidate.email,
    locale: 'en',
    resume: body.resume,
    interview: body.interview,
    accuracy: body.interview.accuracy,
    createdAt: receivedAt,
  });
  // What POST /v1/applications builds.
  const input: TApplicationWorkflowInput = {
    applicationId: id,
    jobId,
    departmentId: deptId,
    receivedAt: receivedAt.toISOString(),
    candidate: { name: body.candidate.name, locale: 'en' },
    policy,
  };
  return { id, workflowId, input };
}

/** Runs `fn` with a worker on its own task queue and the application's workflow started on it. */
async function withWorkflow(
  tag: string,
  receivedAt: Date,
  fn: (ctx: { id: string; handle: WorkflowHandle<typeof applicationWorkflow>; input: TApplicationWorkflowInput }) => Promise<void>,
  policy?: TApplicationWorkflowInput['policy'],
) {
  const { id, workflowId, input } = await seedApplication(tag, receivedAt, policy);
  const taskQueue = `timers-${tag}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: tdb.handle, config, log: quiet, now: () => new Date() }),
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(applicationWorkflow, { workflowId, taskQueue, args: [input] });
    try {
      await fn({ id, handle, input });
    } finally {
      // Time is shared by the whole environment: leave no timers behind for the next test.
      // Let running activities and workflow tasks finish first: terminated under them, they
      // leave the test server's time locked and the next test's env.sleep hangs.
      await until(() => settled(handle), 'the workflow to settle', 10_000).catch(() => undefined);
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

const query = (h: WorkflowHandle<typeof applicationWorkflow>) => h.query(statusQuery);

/** No activity and no workflow task in flight (read from the history: the test server's describe does not say). */
async function settled(h: WorkflowHandle<typeof applicationWorkflow>): Promise<boolean> {
  const events = (await h.fetchHistory()).events ?? [];
  let open = 0;
  let taskInFlight = false;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) open += 1;
    if (
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes
    )
      open -= 1;
    if (e.workflowTaskScheduledEventAttributes) taskInFlight = true;
    if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes)
      taskInFlight = false;
  }
  return open === 0 && !taskInFlight;
}

async function reach(h: WorkflowHandle<typeof applicationWorkflow>, stage: string): Promise<TApplicationStatus> {
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

async function rows(applicationId: string, purpose: string) {
  return tdb.handle.db
    .select()
    .from(messages)
    .where(and(eq(messages.applicationId, applicationId), eq(messages.purpose, purpose)))
    .orderBy(asc(messages.recipient));
}

/** The next Friday at 15:00 UTC at least an hour after `fromMs`. */
function nextFridayAfternoon(fromMs: number): number {
  let t = Math.floor(fromMs / DAY) * DAY + 15 * HOUR;
  while (new Date(t).getUTCDay() !== 5 || t < fromMs + HOUR) t += DAY;
  return t;
}

const entries = (st: TApplicationStatus, type: string) => st.timeline.filter((t) => t.type === type);
const pending = (st: TApplicationStatus, action: string, actor: string) =>
  st.pendingActions.find((p) => p.action === action && p.actor === actor);

describe('the decision promise (default 3 business days)', { timeout: 30_000 }, () => {
  it('received on a Friday afternoon: nothing a minute before Wednesday afternoon, then one alert per HR user', async () => {
    const friday = nextFridayAfternoon(await env.currentTimeMs());
    await skipTo(friday);
    const receivedAt = new Date(await env.currentTimeMs());
    expect(receivedAt.getUTCDay()).toBe(5);
    expect(receivedAt.getUTCHours()).toBeGreaterThanOrEqual(12);

    await withWorkflow('overdue', receivedAt, async ({ id, handle, input }) => {
      expect(input.policy.timers.decisionPromise).toBe('3bd');
      const st = await reach(handle, 'evaluation');
      // Friday + 3 business days = Wednesday, same time (the weekend does not count)
      const dueMs = addBusinessDays(receivedAt.getTime(), 3);
      expect(new Date(dueMs).getUTCDay()).toBe(3);
      expect(dueMs - receivedAt.getTime()).toBe(5 * DAY);
      expect(st.decisionDueAt).toBe(new Date(dueMs).toISOString());
      expect(pending(st, 'record_decision', 'hr')).toMatchObject({ dueAt: st.decisionDueAt, overdue: false });

      // Monday afternoon: three calendar days, not three business days
      await skipTo(receivedAt.getTime() + 3 * DAY + MINUTE);
      await new Promise((r) => setTimeout(r, 300));
      expect(await rows(id, 'decision_overdue')).toEqual([]);

      // one minute before Wednesday afternoon: still nothing
      await skipTo(dueMs - MINUTE);
      await new Promise((r) => setTimeout(r, 300));
      expect(await rows(id, 'decision_overdue')).toEqual([]);
      const before = await query(handle);
      expect(entries(before, 'decision_overdue')).toEqual([]);
      expect(pending(before, 'record_decision', 'hr')!.overdue).toBe(false);

      // a minute after: one alert to each HR user, and the timeline and pending actions say so
      await skipTo(dueMs + MINUTE);
      const alerts = await until(async () => {
        const r = await rows(id, 'decision_overdue');
        return r.length >= 2 ? r : null;
      }, 'the decision_overdue alerts');
      expect(alerts.map((m) => m.recipient).sort()).toEqual([people.hr1.email, people.hr2.email].sort());
      for (const m of alerts) {
        expect(m).toMatchObject({ template: 'decision_overdue', channel: 'email', recipientKind: 'staff', status: 'rendered', delivered: false });
        expect(m.subject).toBe('Decision overdue: Candidate overdue for Backend Engineer');
      }
      const after = await until(async () => {
        const s = await query(handle);
        return entries(s, 'staff_notified').some((e) => e.detail?.template === 'decision_overdue') ? s : null;
      }, 'the staff_notified entry');
      const overdue = entries(after, 'decision_overdue');
      expect(overdue).toHaveLength(1);
      expect(overdue[0]!.detail).toEqual({ promisedBy: new Date(dueMs).toISOString() });
      expect(Date.parse(overdue[0]!.at)).toBeGreaterThanOrEqual(dueMs);
      expect(pending(after, 'record_decision', 'hr')).toMatchObject({ dueAt: after.decisionDueAt, overdue: true });

      // and only once, however long it stays overdue
      await skipTo(dueMs + 2 * DAY);
      await new Promise((r) => setTimeout(r, 300));
      expect(await rows(id, 'decision_overdue')).toHaveLength(2);
      expect(entries(await query(handle), 'decision_overdue')).toHaveLength(1);
    });
  });

  it('ends when the decision is recorded: no alert even long after the promise', async () => {
    const receivedAt = new Date(await env.currentTimeMs());
    await withWorkflow('kept', receivedAt, async ({ id, handle }) => {
      await reach(handle, 'evaluation');
      const ratings = { programming: 'good', systems: 'good', teamwork: 'excellent' };
      await handle.executeUpdate(submitEvaluationUpdate, { args: [{ ratings, recommendation: 'advance', actor: people.hr1.actor }] });
      await handle.executeUpdate(submitEvaluationUpdate, { args: [{ ratings, recommendation: 'advance', actor: people.manager.actor }] });
      await reach(handle, 'decision');
      const decided = await handle.executeUpdate(decideUpdate, { args: [{ decision: 'advance', reason: 'on time', actor: people.hr1.actor }] });
      expect(decided.stage).toBe('offer_drafting');
      const st = await reach(handle, 'offer_drafting');
      const dueMs = Date.parse(st.decisionDueAt);
      expect(dueMs).toBe(addBusinessDays(receivedAt.getTime(), 3));

      await skipTo(dueMs + 2 * DAY);
      await new Promise((r) => setTimeout(r, 500));
      expect(await rows(id, 'decision_overdue')).toEqual([]);
      expect(await rows(id, 'evaluation-reminder')).toEqual([]);
      const later = await query(handle);
      expect(later.stage).toBe('offer_drafting');
      expect(entries(later, 'decision_overdue')).toEqual([]);
      expect(entries(later, 'evaluation_overdue')).toEqual([]);
      expect(later.pendingActions.filter((p) => p.overdue)).toEqual([]);
    });
  });
});

describe('the evaluation reminder (default 2 days)', { timeout: 30_000 }, () => {
  it('reminds only the missing evaluator role, once, after two days', async () => {
    const receivedAt = new Date(await env.currentTimeMs());
    await withWorkflow('reminder', receivedAt, async ({ id, handle, input }) => {
      expect(input.policy.timers.evaluationReminder).toBe('2d');
      const st = await reach(handle, 'evaluation');
      const startedMs = Date.parse(
        st.timeline.find((t) => t.type === 'stage_changed' && t.detail?.to === 'evaluation')!.at,
      );
      const dueMs = startedMs + 2 * DAY;
      expect(pending(st, 'submit_evaluation', 'hiring_manager')).toMatchObject({ dueAt: new Date(dueMs).toISOString(), overdue: false });

      // both roles were asked when evaluation began
      const requests = await until(async () => {
        const r = await rows(id, 'evaluation-request');
        return r.length >= 3 ? r : null;
      }, 'the evaluation requests');
      expect(requests.map((m) => m.recipient).sort()).toEqual([people.hr1.email, people.hr2.email, people.manager.email].sort());

      // HR evaluates; the hiring manager does not
      await handle.executeUpdate(submitEvaluationUpdate, {
        args: [{ ratings: { programming: 'good', systems: 'fair', teamwork: 'good' }, actor: people.hr1.actor }],
      });

      await skipTo(dueMs - MINUTE);
      await new Promise((r) => setTimeout(r, 300));
      expect(await rows(id, 'evaluation-reminder')).toEqual([]);

      await skipTo(dueMs + MINUTE);
      const reminders = await until(async () => {
        const r = await rows(id, 'evaluation-reminder');
        return r.length ? r : null;
      }, 'the evaluation reminder');
      // the department's hiring manager only: not HR (done), not another department's manager
      expect(reminders.map((m) => m.recipient)).toEqual([people.manager.email]);
      expect(reminders[0]).toMatchObject({ template: 'action_required', status: 'rendered', recipientUserId: people.manager.id });
      expect(reminders[0]!.subject).toBe('Overdue: Evaluation for Candidate reminder');

      const after = await until(async () => {
        const s = await query(handle);
        return entries(s, 'evaluation_overdue').length ? s : null;
      }, 'the evaluation_overdue entry');
      expect(entries(after, 'evaluation_overdue')[0]!.detail).toEqual({ missing: ['evaluations.hiring_manager'] });
      expect(Date.parse(entries(after, 'evaluation_overdue')[0]!.at)).toBeGreaterThanOrEqual(dueMs);
      expect(pending(after, 'submit_evaluation', 'hiring_manager')!.overdue).toBe(true);
      expect(pending(after, 'submit_evaluation', 'hr')).toBeUndefined();

      // once: another half day changes nothing
      await skipTo(dueMs + 12 * HOUR);
      await new Promise((r) => setTimeout(r, 300));
      expect(await rows(id, 'evaluation-reminder')).toHaveLength(1);
      expect(entries(await query(handle), 'evaluation_overdue')).toHaveLength(1);
    });
  });
});

/**
 * The company's calendar (issue 18): Asia/Shanghai, with the National Day week off and a
 * make-up working Saturday. The official 2027 schedule is not published yet (chinese-days
 * has up to 2026; test/unit/calendar.test.ts checks those), so the company enters 2027 in
 * settings, as any company may for any year, shaped like 2026's.
 */
describe('the decision promise on the company calendar (Asia/Shanghai)', { timeout: 60_000 }, () => {
  const CST = 8 * HOUR;
  const at = (date: string, hh: number) => Date.parse(`${date}T00:00:00Z`) + hh * HOUR - CST;
  const NATIONAL_DAY_2027 = ['2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07'];

  async function useCalendar(year: Record<string, { holidays: string[]; workdays: string[] }>) {
    await tdb.handle.db.update(settings).set({ defaults: { ...defaults, timeZone: 'Asia/Shanghai', calendar: year } });
  }
  /** What POST /v1/applications does: the policy with the calendar as settings have it now. */
  async function policyNow(receivedAt: Date) {
    const s = await getSettings(tdb.handle.db);
    return resolveJobPolicy(job, s.defaults, {}, calendarSnapshot(s.defaults, receivedAt.getTime()));
  }

  it('a promise made on the last working day before National Day runs out after the holiday, the make-up Saturday counted', async () => {
    await useCalendar({ '2027': { holidays: NATIONAL_DAY_2027, workdays: ['2027-09-26', '2027-10-09'] } });
    // Thursday 30 September 2027, 10:00 in Shanghai
    await skipTo(at('2027-09-30', 10));
    const receivedAt = new Date(await env.currentTimeMs());
    const policy = await policyNow(receivedAt);
    expect(policy.calendar).toMatchObject({ timeZone: 'Asia/Shanghai', workdays: ['2027-09-26', '2027-10-09'] });
    await withWorkflow('national-day', receivedAt, async ({ id, handle }) => {
      const st = await reach(handle, 'evaluation');
      // Friday 8 October (1), Saturday 9 October, a make-up working day (2), Monday 11 October (3), 10:00 local
      const dueMs = receivedAt.getTime() + (at('2027-10-11', 10) - at('2027-09-30', 10));
      expect(st.decisionDueAt).toBe(new Date(dueMs).toISOString());
      expect(st.decisionDueAt.slice(0, 16)).toBe('2027-10-11T02:00');

      // the Saturday has passed and it is Monday morning: not yet
      await skipTo(dueMs - MINUTE);
      await new Promise((r) => setTimeout(r, 300));
      expect(await rows(id, 'decision_overdue')).toEqual([]);
      await skipTo(dueMs + MINUTE);
      const alerts = await until(async () => {
        const r = await rows(id, 'decision_overdue');
        return r.length >= 2 ? r : null;
      }, 'the decision_overdue alerts');
      expect(alerts).toHaveLength(2);
    }, policy);
  });

  it('a change of calendar does not move a running workflow’s deadline; a new application gets the new one', async () => {
    // 2028: the company works Saturday 14 October (a make-up day)
    await useCalendar({ '2028': { holidays: ['2028-10-02', '2028-10-03', '2028-10-04', '2028-10-05', '2028-10-06'], workdays: ['2028-10-14'] } });
    // Friday 13 October 2028, 10:00 in Shanghai: + 1 business day = the make-up Saturday
    await skipTo(at('2028-10-13', 10));
    const receivedAt = new Date(await env.currentTimeMs());
    const before = await policyNow(receivedAt);
    const oneDay = { ...before, timers: { ...before.timers, decisionPromise: '1bd' } };
    await withWorkflow('calendar-change', receivedAt, async ({ id, handle }) => {
      const st = await reach(handle, 'evaluation');
      const dueMs = receivedAt.getTime() + DAY; // Saturday 14 October, 10:00 local
      expect(st.decisionDueAt).toBe(new Date(dueMs).toISOString());

      // the company takes the Saturday back and gives Monday 16 October off
      await useCalendar({ '2028': { holidays: ['2028-10-02', '2028-10-03', '2028-10-04', '2028-10-05', '2028-10-06', '2028-10-16'], workdays: [] } });
      const after = await policyNow(receivedAt);
      expect(after.calendar!.workdays).toEqual([]);
      expect(addDuration(receivedAt.getTime(), '1bd', after.calendar)).toBe(receivedAt.getTime() + 4 * DAY); // Tuesday 17 October

      // the running workflow keeps the deadline it started with: the alert comes on the Saturday
      expect((await query(handle)).decisionDueAt).toBe(new Date(dueMs).toISOString());
      await skipTo(dueMs - MINUTE);
      await new Promise((r) => setTimeout(r, 300));
      expect(await rows(id, 'decision_overdue')).toEqual([]);
      await skipTo(dueMs + MINUTE);
      await until(async () => ((await rows(id, 'decision_overdue')).length >= 2 ? true : null), 'the alerts on the old deadline');
    }, oneDay);
  });
});
