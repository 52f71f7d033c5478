/**
 * Probation's timers on the time-skipping test server (issue 18): `hired` until the start
 * date, then `probation`; the check-in reminded to the department's hiring manager three
 * business days before its day and HR told once when it is late; an extension starting the
 * review's reminders again for the new end date; the review ending or confirming it.
 * The workflow is driven through its updates, with real activities against a real
 * database and no SMTP server, so messages are stored as 'rendered', which is what the
 * tests read.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { applications, departments, employees, jobs, messages, settings, users } from '../../db/schema';
import { ZCreateApplicationSchema } from '../../domain/contracts/application';
import { ZCreateJobSchema, type TCreateJob } from '../../domain/contracts/job';
import { ZSettingsDefaultsSchema } from '../../domain/contracts/settings';
import { resolveJobPolicy } from '../../domain/policy';
import { startTimeSkippingServer } from '../../scripts/harness/time-skipping';
import { loadConfig, type Config } from '../../temporal.config';
import { applicationWorkflow } from '../../workflows/application';
import {
  approvalUpdate,
  candidateResponseUpdate,
  completeTaskUpdate,
  courseResultUpdate,
  decideUpdate,
  draftOfferUpdate,
  mentorNoteUpdate,
  probationCheckInUpdate,
  probationReviewUpdate,
  statusQuery,
  submitEvaluationUpdate,
  submitOfferUpdate,
  type TActor,
  type TApplicationStatus,
} from '../../workflows/messages';
import { probationAlerts, startOfDay } from '../../workflows/phases/probation/rules';
import { createTestDb, type TestDb } from '../helpers/db';
import { application, JOB } from '../helpers/org';
import { workflowBundle } from '../helpers/stack';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let env: TestWorkflowEnvironment;
let tdb: TestDb;
let config: Config;
let jobId: string;
let job: TCreateJob;
let deptId: string;
const people = {} as Record<'hr' | 'manager' | 'gm', { id: string; email: string; actor: TActor }>;
const defaults = ZSettingsDefaultsSchema.parse({});

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  [env, tdb] = await Promise.all([startTimeSkippingServer(), createTestDb('hwe_probation_timers')]);
  config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: tdb.url, LINK_SIGNING_SECRET: randomBytes(32).toString('hex') });
  const db = tdb.handle.db;
  for (const [key, name, roles] of [
    ['hr', 'Hana HR', ['hr']],
    ['manager', 'Mei Manager', ['hiring_manager', 'approver']],
    ['gm', 'Gao GM', ['approver']],
  ] as const) {
    const email = `${key}@probation-timers.example`;
    const [u] = await db.insert(users).values({ name, email, roles: [...roles], tokenHash: randomUUID() }).returning({ id: users.id });
    people[key] = { id: u!.id, email, actor: { id: u!.id, name, roles: [...roles] } };
  }
  const [dept] = await db.insert(departments).values({ name: 'Engineering', managerUserId: people.manager.id }).returning();
  deptId = dept!.id;
  await db.update(users).set({ departmentId: deptId }).where(eq(users.id, people.manager.id));
  people.manager.actor.departmentId = deptId;
  await db.insert(settings).values({ companyName: 'Acme Robotics', companyAddress: '1 Harbour Road', generalManagerUserId: people.gm.id, defaults });
  job = ZCreateJobSchema.parse({
    ...JOB(deptId),
    onboarding: { tasks: [{ key: 'computer', title: 'Prepare a computer', assignee: 'hr', dueDaysFromStart: -2 }], courses: [] },
    probation: { months: 3, reminderDays: 3 },
  });
  const [j] = await db.insert(jobs).values({ title: job.title, departmentId: deptId, definition: job }).returning({ id: jobs.id });
  jobId = j!.id;
}, 60_000);

afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

type Handle = WorkflowHandle<typeof applicationWorkflow>;

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const query = (h: Handle) => h.query(statusQuery);
const reach = (h: Handle, stage: string) => until(async () => ((await query(h)).stage === stage ? query(h) : null), `stage ${stage}`);
const entries = (st: TApplicationStatus, type: string) => st.timeline.filter((t) => t.type === type);

async function skipTo(targetMs: number) {
  const now = await env.currentTimeMs();
  expect(targetMs).toBeGreaterThan(now);
  await env.sleep(targetMs - now);
}

const rows = (applicationId: string, purpose: string) =>
  tdb.handle.db
    .select()
    .from(messages)
    .where(and(eq(messages.applicationId, applicationId), like(messages.purpose, purpose)))
    .orderBy(asc(messages.createdAt), asc(messages.recipient));

const waitRows = (applicationId: string, purpose: string, n: number) =>
  until(async () => {
    const r = await rows(applicationId, purpose);
    return r.length >= n ? r : null;
  }, `${n} '${purpose}' message(s)`);

/** Runs the application's workflow from submission to `hired` (offer accepted, onboarding done), then `fn`. */
async function withHired(tag: string, fn: (h: Handle, id: string, startDate: string) => Promise<void>) {
  const receivedAt = new Date(await env.currentTimeMs());
  const name = `Candidate ${tag}`;
  const body = ZCreateApplicationSchema.parse(application(jobId, 'strong', { candidate: { name, email: `${tag}@candidates.example` } }));
  const id = randomUUID();
  const workflowId = `probation-${tag}-${id}`;
  await tdb.handle.db.insert(applications).values({
    id,
    requestHash: randomUUID(),
    jobId,
    departmentId: deptId,
    workflowId,
    candidateName: name,
    candidateEmail: `${tag}@candidates.example`,
    locale: 'en',
    resume: body.resume,
    interview: body.interview,
    accuracy: body.interview.accuracy,
    createdAt: receivedAt,
  });
  const input = { applicationId: id, jobId, departmentId: deptId, receivedAt: receivedAt.toISOString(), candidate: { name, locale: 'en' as const }, policy: resolveJobPolicy(job, defaults) };
  const taskQueue = `probation-${tag}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: tdb.handle, config, log: { info: () => {}, warn: () => {}, error: () => {} }, now: () => new Date() }),
  });
  await worker.runUntil(async () => {
    const h = await env.client.workflow.start(applicationWorkflow, { workflowId, taskQueue, args: [input] });
    try {
      await reach(h, 'evaluation');
      const ratings = { programming: 'good', systems: 'good', teamwork: 'excellent' };
      for (const who of [people.hr, people.manager]) {
        await h.executeUpdate(submitEvaluationUpdate, { args: [{ ratings, recommendation: 'advance', actor: who.actor }] });
      }
      await reach(h, 'decision');
      await h.executeUpdate(decideUpdate, { args: [{ decision: 'advance', actor: people.hr.actor }] });
      await reach(h, 'offer_drafting');
      // A Tuesday start, 60 days or so ahead.
      let start = (await env.currentTimeMs()) + 60 * DAY;
      while (new Date(start).getUTCDay() !== 2) start += DAY;
      const startDate = new Date(start).toISOString().slice(0, 10);
      const offer = { position: 'Backend Engineer', salary: { amount: 300_000, currency: 'CNY' as const, period: 'year' as const }, benefits: [], startDate };
      await h.executeUpdate(draftOfferUpdate, { args: [{ offer, actor: people.hr.actor }] });
      await h.executeUpdate(submitOfferUpdate, { args: [{ actor: people.hr.actor }] });
      for (const [i, who] of [people.manager, people.gm].entries()) {
        await until(async () => (await query(h)).offer.current?.levels[i]?.status === 'pending', `approval level ${i + 1}`);
        await h.executeUpdate(approvalUpdate, { args: [{ decision: 'approve', version: 1, actor: who.actor }] });
      }
      await reach(h, 'offer_sent');
      await h.executeUpdate(candidateResponseUpdate, { args: [{ version: 1, kind: 'accept', signatureName: name, ip: '127.0.0.1', userAgent: 'test' }] });
      await reach(h, 'onboarding');
      await h.executeUpdate(completeTaskUpdate, { args: [{ taskKey: 'computer', actor: people.hr.actor }] });
      await h.executeUpdate(courseResultUpdate, { args: [{ courseKey: 'orientation', score: 90, actor: people.hr.actor }] });
      await reach(h, 'hired');
      await fn(h, id, startDate);
    } finally {
      // Time is shared by the whole environment: leave no timers behind.
      await h.terminate('test done').catch(() => undefined);
    }
  });
}

describe('probation timers (3 months, reminders 3 business days ahead)', { timeout: 180_000 }, () => {
  it('hired until the start date; the check-in reminded then late to HR, once each; extended, then ended', async () => {
    await withHired('ext', async (h, id, startDate) => {
      const startsAt = startOfDay(startDate);
      await skipTo(startsAt - MINUTE);
      expect((await query(h)).stage).toBe('hired');
      expect(await rows(id, 'probation_%')).toEqual([]);

      await skipTo(startsAt + MINUTE);
      const st = await reach(h, 'probation');
      const p = st.probation!;
      expect(p).toMatchObject({ startDate, months: 3, mentorUserId: people.manager.id, checkIn: null, review: null });
      expect(p.checkInDate > startDate && p.checkInDate < p.endDate).toBe(true);
      expect(st.pendingActions.map((a) => a.action)).toEqual(['probation_check_in', 'probation_mentor_note', 'probation_review']);

      const [remind, late] = probationAlerts(p).filter((a) => a.item === 'check_in');
      await skipTo(remind!.at - MINUTE);
      expect(await rows(id, 'probation_remind')).toEqual([]);
      await skipTo(remind!.at + MINUTE);
      const reminded = await waitRows(id, 'probation_remind', 1);
      expect(reminded.map((m) => [m.recipient, m.template, m.status])).toEqual([[people.manager.email, 'action_required', 'rendered']]);
      expect(reminded[0]!.subject).toBe(`Action required: Probation check-in for Candidate ext`);

      await skipTo(late!.at - MINUTE);
      expect(await rows(id, 'probation_late')).toEqual([]);
      await skipTo(late!.at + MINUTE);
      const hrTold = await waitRows(id, 'probation_late', 1);
      expect(hrTold.map((m) => [m.recipient, m.subject])).toEqual([[people.hr.email, 'Overdue: Probation check-in for Candidate ext']]);
      expect((await query(h)).pendingActions[0]).toMatchObject({ action: 'probation_check_in', overdue: true });

      // a late check-in is still taken; the alerts are not repeated
      const checked = await h.executeUpdate(probationCheckInUpdate, { args: [{ note: 'Slow start, improving', onTrack: true, actor: people.manager.actor }] });
      expect(checked.checkIn).toMatchObject({ onTrack: true, by: { id: people.manager.id } });
      await h.executeUpdate(mentorNoteUpdate, { args: [{ note: 'Asks good questions', actor: people.manager.actor }] });

      // extended before the review is due: its reminder comes for the new end date only
      const now = await env.currentTimeMs();
      const newEnd = new Date(Date.parse(`${p.endDate}T00:00:00Z`) + 30 * DAY).toISOString().slice(0, 10);
      const extended = await h.executeUpdate(probationReviewUpdate, { args: [{ outcome: 'extend', endDate: newEnd, reason: 'More time on systems', actor: people.hr.actor }] });
      expect(extended).toMatchObject({ stage: 'probation', probation: { endDate: newEnd, extension: { previousEndDate: p.endDate } } });
      const review = probationAlerts(extended.probation).filter((a) => a.item === 'review');
      expect(review.map((a) => a.key)).toEqual([`remind:review:${newEnd}`, `late:review:${newEnd}`]);
      expect(review[0]!.at).toBeGreaterThan(now);
      await skipTo(review[0]!.at + MINUTE);
      const reviewReminders = await waitRows(id, 'probation_remind', 3);
      expect(reviewReminders.slice(1).map((m) => m.recipient).sort()).toEqual([people.hr.email, people.manager.email].sort());
      expect(await rows(id, 'probation_late')).toHaveLength(1);

      const ended = await h.executeUpdate(probationReviewUpdate, { args: [{ outcome: 'end', reason: 'Not a fit for the team', actor: people.hr.actor }] });
      expect(ended.stage).toBe('probation_failed');
      expect(await h.result()).toBe('probation_failed');
      const [emp] = await tdb.handle.db.select({ status: employees.status }).from(employees).where(eq(employees.applicationId, id));
      expect(emp!.status).toBe('ended');
      const fin = await query(h);
      expect(entries(fin, 'probation_reviewed')).toEqual([expect.objectContaining({ detail: { outcome: 'end', reason: 'Not a fit for the team' } })]);
      expect(entries(fin, 'stage_changed').map((e) => e.detail!.to).slice(-3)).toEqual(['hired', 'probation', 'probation_failed']);
    });
  });

  it('confirmed at the review: the workflow ends in confirmed and the employee stays active', async () => {
    await withHired('confirm', async (h, id, startDate) => {
      await skipTo(startOfDay(startDate) + MINUTE);
      await reach(h, 'probation');
      const refused = await h.executeUpdate(probationReviewUpdate, { args: [{ outcome: 'confirm', actor: people.manager.actor }] }).catch((e: unknown) => e);
      expect(String((refused as { cause?: Error }).cause?.message)).toMatch(/HR records the final review/);
      expect((await query(h)).stage).toBe('probation');
      const r = await h.executeUpdate(probationReviewUpdate, { args: [{ outcome: 'confirm', actor: people.hr.actor }] });
      expect(r).toMatchObject({ stage: 'confirmed', probation: { review: { outcome: 'confirm' } } });
      expect(await h.result()).toBe('confirmed');
      const [emp] = await tdb.handle.db.select({ status: employees.status }).from(employees).where(eq(employees.applicationId, id));
      expect(emp!.status).toBe('active');
    });
  });
});
