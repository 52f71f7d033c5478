/**
 * Notifications against real PostgreSQL, a real SMTP server (smtp-server, messages parsed
 * back with mailparser) and a local HTTP SMS gateway.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages, markOpenedByToken } from '../../db/queries/messages';
import {
  createNotificationActivities,
  messageKey,
  MessageInFlightError,
  NOTIFICATION_NON_RETRYABLE_ERRORS,
  signToken,
  smtpMessageId,
  TemporaryDeliveryError,
  verifyToken,
  type TNotificationDeps,
  type TSendMessageInput,
} from '../../activities/notifications';
import type { Logger } from '../../activities/deps';
import { AFTER_LEASE_MS } from '../../db/persist';
import { addBusinessDays } from '../../domain/business-days';
import { ZCreateJobSchema } from '../../domain/contracts/job';
import { applications, departments, jobs, settings, users } from '../../db/schema';
import { messages } from '../../db/schema/messages';
import { loadConfig, type Config } from '../../temporal.config';
import { createTestDb, type TestDb } from '../helpers/db';
import { startSmsGateway, type TTestSmsGateway } from '../helpers/sms-gateway';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { makeInterview, makeResume } from '../unit/fixtures';

const SECRET = 'integration-test-link-signing-secret-0123456789';
const SMS_KEY = 'sms-test-key';
const EVIL_NAME = '<script>alert("x")</script> Zhang';

let tdb: TestDb;
let smtp: TTestSmtpServer;
let gateway: TTestSmsGateway;
let hrIds: string[];
let approverId: string;
let jobId: string;
let deptId: string;
/** The acknowledged candidate (English) in a job with 6 other candidates. */
let appId: string;
/** A Chinese-speaking candidate in the same job. */
let zhAppId: string;

class MemoryLog implements Logger {
  entries: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  info(obj: object, msg?: string) {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string) {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string) {
    this.entries.push({ level: 'error', obj, msg });
  }
}

function config(over: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'https://hire.example.com',
    LINK_SIGNING_SECRET: SECRET,
    MAIL_FROM: 'Acme Hiring <hiring@acme.example>',
    SMTP_URL: smtp.url,
    SMS_GATEWAY_URL: gateway.url,
    SMS_GATEWAY_KEY: SMS_KEY,
    ...over,
  });
}

function build(over: Partial<TNotificationDeps> = {}, env: Record<string, string | undefined> = {}) {
  const log = new MemoryLog();
  const deps: TNotificationDeps = {
    db: tdb.handle,
    config: config(env),
    log,
    now: () => new Date(),
    ...over,
  };
  return { acts: createNotificationActivities(deps), log, deps };
}

async function row(messageId: string) {
  const [r] = await tdb.handle.db.select().from(messages).where(eq(messages.id, messageId));
  if (!r) throw new Error(`no message ${messageId}`);
  return r;
}

let seq = 0;
async function insertApplication(
  job: { id: string; departmentId: string },
  accuracy: number,
  over: { name?: string; email?: string; locale?: string; phone?: string } = {},
) {
  seq += 1;
  const [a] = await tdb.handle.db
    .insert(applications)
    .values({
      requestHash: `h${seq}`,
      jobId: job.id,
      departmentId: job.departmentId,
      workflowId: `application-${randomUUID()}`,
      candidateName: over.name ?? `Candidate ${seq}`,
      candidateEmail: over.email ?? `candidate${seq}@candidates.example`,
      candidatePhone: over.phone ?? null,
      locale: over.locale ?? 'en',
      resume: makeResume(),
      interview: makeInterview({ accuracy }),
      accuracy,
    })
    .returning({ id: applications.id });
  return a!.id;
}

async function insertJob(title: string, departmentId: string) {
  const definition = ZCreateJobSchema.parse({
    title,
    departmentId,
    competencies: [
      {
        key: 'programming',
        name: 'Programming',
        weight: 1,
        requiredLevel: 70,
        passScore: 60,
        skills: ['Python'],
      },
    ],
    salaryBand: { min: 100000, max: 200000, currency: 'CNY', period: 'year' },
  });
  const [j] = await tdb.handle.db
    .insert(jobs)
    .values({ title, departmentId, definition })
    .returning({ id: jobs.id });
  return { id: j!.id, departmentId };
}

beforeAll(async () => {
  tdb = await createTestDb('hwe_notify');
  smtp = await startSmtpServer({ rejectRecipients: ['bounce@candidates.example'] });
  gateway = await startSmsGateway({ key: SMS_KEY });

  const db = tdb.handle.db;
  const mk = (name: string, roles: string[]) =>
    db
      .insert(users)
      .values({
        name,
        email: `${name.toLowerCase().replace(/\W+/g, '.')}@acme.example`,
        roles,
        tokenHash: randomUUID(),
      })
      .returning({ id: users.id })
      .then((r) => r[0]!.id);
  hrIds = [await mk('Hana HR', ['hr']), await mk('Harry HR', ['hr', 'admin'])];
  approverId = await mk('Gao GM', ['approver']);
  const [dept] = await db
    .insert(departments)
    .values({ name: 'Engineering', managerUserId: approverId })
    .returning();
  await db.insert(settings).values({
    companyName: 'Acme Robotics',
    companyAddress: '1 Harbour Road',
    defaults: {} as never,
  });

  deptId = dept!.id;
  const job = await insertJob('Backend Engineer', dept!.id);
  jobId = job.id;
  appId = await insertApplication(job, 0.7, { name: EVIL_NAME, email: 'zhang@candidates.example' });
  zhAppId = await insertApplication(job, 0.9, {
    name: '李雷',
    email: 'li.lei@candidates.example',
    locale: 'zh-CN',
  });
  // the others of the job, seen from appId (0.7): lower 0.5, 0.6; ties 0.7, 0.7; higher 0.8, 0.9(zh)
  for (const acc of [0.5, 0.6, 0.7, 0.7, 0.8]) await insertApplication(job, acc);
});

afterAll(async () => {
  await smtp?.close();
  await gateway?.close();
  await tdb?.drop();
});

/** What the workflow does: read the data, add the promise, send. */
async function acknowledge(
  acts: ReturnType<typeof build>['acts'],
  applicationId: string,
  key: string,
  channel: 'email' | 'sms' = 'email',
) {
  const ack = await acts.acknowledgementData({ applicationId });
  const decidedAt = Date.parse('2025-03-14T15:00:00Z'); // a Friday afternoon
  const input: TSendMessageInput = {
    key,
    applicationId,
    channel,
    template: 'interview_acknowledgement',
    purpose: 'acknowledgement',
    locale: ack.candidate.locale,
    to: {
      address: channel === 'email' ? ack.candidate.email : '+86 138 0013 8000',
      name: ack.candidate.name,
      kind: 'candidate',
    },
    data: {
      candidateName: ack.candidate.name,
      jobTitle: ack.jobTitle,
      companyName: ack.companyName,
      accuracy: ack.accuracy,
      percentile: ack.percentile,
      businessDays: 3,
      decisionBy: new Date(addBusinessDays(decidedAt, 3)).toISOString(),
    },
  };
  return { ack, input, result: await acts.sendMessage(input) };
}

describe('acknowledgementData', () => {
  it("computes accuracy and the mid-rank percentile among the job's other candidates", async () => {
    const { acts } = build();
    const ack = await acts.acknowledgementData({ applicationId: appId });
    expect(ack.accuracy).toBeCloseTo(0.7);
    expect(ack.sample).toEqual({ lower: 2, ties: 2, total: 6 });
    expect(ack.percentile).toBe(50); // (2 + 2/2) / 6
    expect(ack.jobTitle).toBe('Backend Engineer');
    expect(ack.companyName).toBe('Acme Robotics');
    expect(ack.candidate).toMatchObject({ name: EVIL_NAME, locale: 'en' });

    const top = await acts.acknowledgementData({ applicationId: zhAppId });
    expect(top.sample).toEqual({ lower: 6, ties: 0, total: 6 });
    expect(top.percentile).toBe(100);
  });

  it('gives no percentile below 5 other candidates', async () => {
    const [dept] = await tdb.handle.db.select().from(departments);
    const small = await insertJob('Tiny Job', dept!.id);
    const first = await insertApplication(small, 0.8);
    for (const acc of [0.1, 0.2, 0.3]) await insertApplication(small, acc);
    const { acts } = build();
    const ack = await acts.acknowledgementData({ applicationId: first });
    expect(ack.sample).toEqual({ lower: 3, ties: 0, total: 3 });
    expect(ack.percentile).toBeNull();
  });

  it('is ApplicationNotFoundError for an unknown application', async () => {
    const { acts } = build();
    await expect(acts.acknowledgementData({ applicationId: randomUUID() })).rejects.toMatchObject({
      name: 'ApplicationNotFoundError',
    });
  });
});

describe('e-mail delivery over SMTP', () => {
  it('delivers the acknowledgement in English: subject, both parts, escaped name, pixel with a verifying token', async () => {
    const { acts } = build();
    const key = messageKey(`application-${appId}`, 'acknowledgement', 1, 'email');
    const { result } = await acknowledge(acts, appId, key);
    expect(result).toMatchObject({ status: 'sent', delivered: true });

    const got = smtp.to('zhang@candidates.example');
    expect(got).toHaveLength(1);
    const mail = got[0]!.parsed;
    expect(mail.subject).toBe('Your interview for Backend Engineer is complete');
    expect(mail.messageId).toBe(smtpMessageId(key, 'hiring@acme.example'));
    expect(mail.from?.value[0]?.address).toBe('hiring@acme.example');
    expect(mail.text).toContain(`Dear ${EVIL_NAME},`);
    expect(mail.text).toContain('accuracy 70%, higher than 50% of candidates for this role');
    expect(mail.text).toContain('within 3 business days, by Wednesday 19 March 2025');
    const html = mail.html as string;
    expect(html).toContain('higher than 50% of candidates for this role');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Zhang');

    const pixel =
      /<img src="https:\/\/hire\.example\.com\/t\/([A-Za-z0-9_-]+)\.gif" width="1" height="1" alt="">\s*<\/body>/.exec(
        html,
      );
    expect(pixel).not.toBeNull();
    expect(verifyToken(SECRET, pixel![1]!, 'pixel')).toEqual({ purpose: 'pixel', sub: result.messageId });

    const r = await row(result.messageId);
    expect(r).toMatchObject({
      status: 'sent',
      delivered: true,
      attempts: 1,
      error: null,
      channel: 'email',
      recipientKind: 'candidate',
    });
    expect(r.providerMessageId).toBe(smtpMessageId(key, 'hiring@acme.example'));
    expect(r.sentAt).toBeInstanceOf(Date);
  });

  it('delivers it in Simplified Chinese for a zh-CN candidate', async () => {
    const { acts } = build();
    const { result } = await acknowledge(
      acts,
      zhAppId,
      messageKey(`application-${zhAppId}`, 'acknowledgement', 1, 'email'),
    );
    expect(result.status).toBe('sent');
    const [mail] = smtp.to('li.lei@candidates.example');
    expect(mail!.parsed.subject).toBe('您的Backend Engineer职位面试已完成');
    expect(mail!.parsed.text).toContain('李雷，您好：');
    expect(mail!.parsed.text).toContain('正确率90%，高于该职位100%的候选人');
    expect(mail!.parsed.text).toContain('3个工作日内（2025年3月19日（星期三）前）');
    expect(mail!.parsed.html).toContain('<html lang="zh-CN">');
  });
});

describe('exactly once', () => {
  it('a failure after the SMTP server accepted, then a retry: one delivery, row sent', async () => {
    let crashes = 0;
    const { acts } = build({
      faults: {
        afterDelivered: () => {
          if (crashes++ === 0) throw new Error('worker killed before the activity completed');
        },
      },
    });
    const key = `exactly-once-${randomUUID()}`;
    const input: TSendMessageInput = {
      key,
      applicationId: appId,
      channel: 'email',
      template: 'action_required',
      purpose: 'evaluation_request',
      locale: 'en',
      to: { address: 'once@acme.example', name: 'Once', kind: 'staff' },
      data: { action: 'evaluation', candidateName: 'Ada', jobTitle: 'Backend Engineer', dueAt: '2025-03-21' },
    };
    await expect(acts.sendMessage(input)).rejects.toThrow('worker killed');
    expect(smtp.to('once@acme.example')).toHaveLength(1);

    // Temporal's retry, and a replay much later, with a fresh worker (fresh activities)
    const again = await acts.sendMessage(input);
    const later = await build().acts.sendMessage(input);
    expect(again).toMatchObject({ status: 'sent', delivered: true });
    expect(later.messageId).toBe(again.messageId);
    expect(smtp.to('once@acme.example')).toHaveLength(1);
    expect(await row(again.messageId)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(crashes).toBe(1);
  });

  it('two attempts at the same time: one delivery, the other waits for the lease', async () => {
    const { acts } = build();
    const input: TSendMessageInput = {
      key: `concurrent-${randomUUID()}`,
      applicationId: appId,
      channel: 'email',
      template: 'action_required',
      purpose: 'evaluation_request',
      locale: 'en',
      to: { address: 'twice@acme.example', kind: 'staff' },
      data: { action: 'decision', candidateName: 'Ada', jobTitle: 'Backend Engineer', dueAt: '2025-03-21' },
    };
    const outcomes = await Promise.allSettled([
      acts.sendMessage(input),
      acts.sendMessage(input),
      acts.sendMessage(input),
    ]);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(MessageInFlightError);
      else expect(o.value.status).toBe('sent');
    }
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    expect(smtp.to('twice@acme.example')).toHaveLength(1);
    // the retry of a waiting attempt finds it sent
    expect((await acts.sendMessage(input)).status).toBe('sent');
    expect(smtp.to('twice@acme.example')).toHaveLength(1);
  });

  it('an attempt that died holding the lease is taken over once the lease runs out', async () => {
    const { acts } = build();
    const input: TSendMessageInput = {
      key: `stale-lease-${randomUUID()}`,
      applicationId: appId,
      channel: 'email',
      template: 'action_required',
      purpose: 'evaluation_request',
      locale: 'en',
      to: { address: 'stale@acme.example', kind: 'staff' },
      data: { action: 'decision', candidateName: 'Ada', jobTitle: 'Backend Engineer', dueAt: '2025-03-21' },
    };
    // an earlier attempt rendered the row and took the lease, then hung (its worker died) before sending
    const dead = build({ mailer: { send: () => new Promise(() => {}), close: () => {} } });
    void dead.acts.sendMessage(input);
    await expect
      .poll(
        async () =>
          (
            await tdb.handle.rows<{ n: number }>(
              sql`select attempts as n from messages where key = ${input.key}`,
            )
          )[0]?.n,
      )
      .toBe(1);
    const inFlight = await acts.sendMessage(input).catch((e: unknown) => e);
    expect(inFlight).toBeInstanceOf(MessageInFlightError);
    // The retry is due just after the 50 s lease runs out.
    expect((inFlight as MessageInFlightError).retryAfterMs).toBeGreaterThan(45_000);
    expect((inFlight as MessageInFlightError).retryAfterMs).toBeLessThanOrEqual(50_000 + AFTER_LEASE_MS);
    expect(smtp.to('stale@acme.example')).toHaveLength(0);

    await tdb.handle.rows(
      sql`update messages set locked_until = now() - interval '1 second' where key = ${input.key}`,
    );
    const res = await acts.sendMessage(input);
    expect(res.status).toBe('sent');
    expect(smtp.to('stale@acme.example')).toHaveLength(1);
    expect(await row(res.messageId)).toMatchObject({ attempts: 2 });
  });
});

describe('failures', () => {
  const staffInput = (address: string): TSendMessageInput => ({
    key: `failure-${randomUUID()}`,
    applicationId: appId,
    channel: 'email',
    template: 'decision_overdue',
    purpose: 'decision_overdue',
    locale: 'en',
    to: { address, kind: 'staff' },
    data: {
      candidateName: 'Ada',
      jobTitle: 'Backend Engineer',
      promisedBy: '2025-03-19T15:00:00Z',
      applicationId: appId,
    },
  });

  it('a temporary 451 throws a retryable error and records it; the retry delivers once', async () => {
    const { acts } = build();
    const input = staffInput('temp@acme.example');
    smtp.failNext(1);
    const refusedBefore = smtp.refused;
    const err = await acts.sendMessage(input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TemporaryDeliveryError);
    expect((err as Error).name).toBe('TemporaryDeliveryError');
    expect(NOTIFICATION_NON_RETRYABLE_ERRORS).not.toContain((err as Error).name);
    expect(smtp.refused).toBe(refusedBefore + 1);
    const [r1] = await tdb.handle.db.select().from(messages).where(eq(messages.key, input.key));
    expect(r1).toMatchObject({ status: 'sending', attempts: 1, delivered: false, lockedUntil: null });
    expect(r1!.error).toMatch(/451/);

    const res = await acts.sendMessage(input);
    expect(res).toMatchObject({ status: 'sent', delivered: true });
    expect(smtp.to('temp@acme.example')).toHaveLength(1);
    expect(await row(res.messageId)).toMatchObject({ status: 'sent', attempts: 2, error: null });
  });

  it('a permanent 550 is recorded as failed and returned, not thrown; retries do not contact the server', async () => {
    const { acts, log } = build();
    const input = staffInput('bounce@candidates.example');
    const res = await acts.sendMessage(input);
    expect(res).toMatchObject({ status: 'failed', delivered: false });
    expect(res.error).toMatch(/550/);
    expect(smtp.rejectedRecipients).toEqual(['bounce@candidates.example']);
    expect(await row(res.messageId)).toMatchObject({ status: 'failed', attempts: 1, delivered: false });
    expect(log.entries.some((e) => e.level === 'warn' && e.msg === 'message failed permanently')).toBe(true);

    expect(await acts.sendMessage(input)).toEqual(res);
    expect(smtp.rejectedRecipients).toHaveLength(1);
  });

  it('an invalid address fails permanently without a connection', async () => {
    const { acts } = build();
    const res = await acts.sendMessage(staffInput('not an address'));
    expect(res).toMatchObject({ status: 'failed', delivered: false });
    expect(res.error).toMatch(/invalid e-mail address/);
    expect((await row(res.messageId)).attempts).toBe(0);
  });

  it('temporary failures become permanent once the give-up window has passed', async () => {
    let clock = new Date('2025-03-14T10:00:00Z');
    const { acts } = build({ now: () => clock, giveUpAfterMs: 3600_000 });
    const input = staffInput('slow@acme.example');
    smtp.failNext(2);
    await expect(acts.sendMessage(input)).rejects.toBeInstanceOf(TemporaryDeliveryError);
    clock = new Date('2025-03-14T11:00:01Z');
    const res = await acts.sendMessage(input);
    expect(res.status).toBe('failed');
    expect(res.error).toMatch(/gave up after 2 attempts: .*451/);
    smtp.failNext(0);
  });

  it('a refused SMTP connection is temporary', async () => {
    const closed = await startSmtpServer();
    await closed.close();
    const { acts } = build({}, { SMTP_URL: closed.url });
    await expect(acts.sendMessage(staffInput('nobody@acme.example'))).rejects.toBeInstanceOf(
      TemporaryDeliveryError,
    );
  });
});

describe('SMS through the HTTP gateway', () => {
  it('posts { to, text, reference } with the bearer key and keeps the gateway id', async () => {
    const { acts } = build();
    const key = messageKey(`application-${zhAppId}`, 'acknowledgement', 1, 'sms');
    const { result } = await acknowledge(acts, zhAppId, key, 'sms');
    expect(result).toMatchObject({ status: 'sent', delivered: true });
    const sms = gateway.received.find((m) => m.reference === result.messageId);
    expect(sms).toBeDefined();
    expect(sms!.to).toBe('+86 138 0013 8000');
    expect(sms!.headers.authorization).toBe(`Bearer ${SMS_KEY}`);
    expect(sms!.text).toMatch(/^【Acme Robotics】您的Backend Engineer职位面试已完成，正确率90%/);
    const r = await row(result.messageId);
    expect(r).toMatchObject({ channel: 'sms', subject: null, bodyHtml: null, providerMessageId: sms!.id });
    // retried: not posted again
    await acknowledge(acts, zhAppId, key, 'sms');
    expect(gateway.received.filter((m) => m.reference === result.messageId)).toHaveLength(1);
  });

  it('a 503 is temporary, a 400 permanent', async () => {
    const { acts } = build();
    const key = `sms-retry-${randomUUID()}`;
    const base = {
      applicationId: appId,
      channel: 'sms',
      purpose: 'acknowledgement',
      locale: 'en',
      to: { address: '+8613800138001', kind: 'candidate' },
    } as const;
    const data = {
      candidateName: 'Ada',
      jobTitle: 'Backend Engineer',
      companyName: 'Acme',
      accuracy: 0.5,
      percentile: null,
      businessDays: 3,
      decisionBy: '2025-03-19',
    };
    let first = true;
    gateway.respond = () => {
      if (!first) return undefined;
      first = false;
      return { status: 503, body: { error: 'busy' } };
    };
    await expect(
      acts.sendMessage({ ...base, key, template: 'interview_acknowledgement', data }),
    ).rejects.toBeInstanceOf(TemporaryDeliveryError);
    expect(
      (await acts.sendMessage({ ...base, key, template: 'interview_acknowledgement', data })).status,
    ).toBe('sent');

    gateway.respond = () => ({ status: 400, body: { error: 'unknown number' } });
    const bad = await acts.sendMessage({
      ...base,
      key: `sms-bad-${randomUUID()}`,
      template: 'interview_acknowledgement',
      data,
    });
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/400.*unknown number/);
    gateway.respond = undefined;
  });
});

describe('open tracking', () => {
  it('the first open marks the message opened; later opens change nothing; bad tokens are null', async () => {
    const { acts, deps } = build();
    const res = await acts.sendMessage({
      key: `open-${randomUUID()}`,
      applicationId: appId,
      channel: 'email',
      template: 'decision_overdue',
      purpose: 'decision_overdue',
      locale: 'en',
      to: { address: 'opener@acme.example', kind: 'staff' },
      data: {
        candidateName: 'Ada',
        jobTitle: 'Backend Engineer',
        promisedBy: '2025-03-19',
        applicationId: appId,
      },
    });
    const html = smtp.to('opener@acme.example')[0]!.parsed.html as string;
    const token = /\/t\/([A-Za-z0-9_-]+)\.gif/.exec(html)![1]!;

    const first = await markOpenedByToken(deps, token);
    expect(first).toEqual({
      messageId: res.messageId,
      applicationId: appId,
      template: 'decision_overdue',
      purpose: 'decision_overdue',
      firstOpen: true,
      openedAt: expect.any(Date),
      signalled: false,
    });
    const r1 = await row(res.messageId);
    expect(first!.openedAt).toEqual(r1.openedAt);
    expect(r1.status).toBe('opened');
    expect(r1.openedAt).toBeInstanceOf(Date);

    const second = await markOpenedByToken({ ...deps, now: () => new Date(Date.now() + 60_000) }, token);
    expect(second).toMatchObject({ messageId: res.messageId, firstOpen: false });
    expect((await row(res.messageId)).openedAt).toEqual(r1.openedAt);

    const tampered = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
    expect(await markOpenedByToken(deps, tampered)).toBeNull();
    expect(
      await markOpenedByToken(deps, signToken(SECRET, { purpose: 'offer', sub: res.messageId })),
    ).toBeNull();
    expect(
      await markOpenedByToken(deps, signToken(SECRET, { purpose: 'pixel', sub: randomUUID() })),
    ).toBeNull();
    expect(
      await markOpenedByToken(deps, signToken(SECRET, { purpose: 'pixel', sub: 'not-a-uuid' })),
    ).toBeNull();

    // a re-sent activity after the open keeps it opened
    expect(
      (
        await acts.sendMessage({
          key: (await row(res.messageId)).key,
          applicationId: appId,
          channel: 'email',
          template: 'decision_overdue',
          purpose: 'decision_overdue',
          locale: 'en',
          to: { address: 'opener@acme.example', kind: 'staff' },
          data: {
            candidateName: 'Ada',
            jobTitle: 'Backend Engineer',
            promisedBy: '2025-03-19',
            applicationId: appId,
          },
        })
      ).status,
    ).toBe('opened');
  });
});

describe('no transport configured', () => {
  it('stores the message as rendered, not delivered, and logs a short preview only', async () => {
    const { acts, log } = build(
      {},
      { SMTP_URL: undefined, SMS_GATEWAY_URL: undefined, SMS_GATEWAY_KEY: undefined },
    );
    const before = smtp.received.length;
    const key = `demo-${randomUUID()}`;
    const { result, input } = await acknowledge(acts, appId, key);
    expect(result).toMatchObject({ status: 'rendered', delivered: false });
    expect(smtp.received.length).toBe(before);
    const r = await row(result.messageId);
    expect(r).toMatchObject({ status: 'rendered', delivered: false, attempts: 0, sentAt: null });
    expect(r.bodyHtml).toContain('/t/');

    const preview = log.entries.find((e) => e.msg?.includes('no transport configured'));
    expect(preview?.level).toBe('info');
    expect(preview?.obj).toMatchObject({
      template: 'interview_acknowledgement',
      recipient: 'zhang@candidates.example',
      subject: 'Your interview for Backend Engineer is complete',
      delivered: false,
    });
    const logged = JSON.stringify(log.entries);
    expect(logged).not.toContain('/t/');
    expect(logged).not.toContain('Dear');

    // an SMS too; and a repeat changes nothing
    const sms = await acts.sendMessage({
      ...input,
      key: `${key}:sms`,
      channel: 'sms',
      to: { ...input.to, address: '+8613800138000' },
    });
    expect(sms).toMatchObject({ status: 'rendered', delivered: false });
    expect(await acts.sendMessage(input)).toEqual(result);
    expect(log.entries.filter((e) => e.msg?.includes('no transport configured'))).toHaveLength(2);
  });
});

describe('notifyStaff', () => {
  it('e-mails everyone with the role, once each, and only the missing ones on a retry', async () => {
    const { acts } = build();
    const keyPrefix = `overdue-${randomUUID()}`;
    const input = {
      keyPrefix,
      applicationId: appId,
      role: 'hr' as const,
      template: 'decision_overdue' as const,
      purpose: 'decision_overdue',
      data: {
        candidateName: EVIL_NAME,
        jobTitle: 'Backend Engineer',
        promisedBy: '2025-03-19T15:00:00Z',
        applicationId: appId,
      },
    };
    const summary = await acts.notifyStaff(input);
    expect(summary).toMatchObject({ recipients: 2, sent: 2, failed: 0, rendered: 0, missingUserIds: [] });
    expect(summary.results.map((r) => r.userId).sort()).toEqual([...hrIds].sort());
    const hana = smtp
      .to('hana.hr@acme.example')
      .filter((m) => m.parsed.subject?.startsWith('Decision overdue'));
    expect(hana).toHaveLength(1);
    expect(hana[0]!.parsed.text).toContain('Hello Hana HR,');
    expect(hana[0]!.parsed.html).not.toContain('<script>');

    const again = await acts.notifyStaff(input);
    expect(again.results.map((r) => r.messageId).sort()).toEqual(
      summary.results.map((r) => r.messageId).sort(),
    );
    expect(
      smtp.to('hana.hr@acme.example').filter((m) => m.parsed.subject?.startsWith('Decision overdue')),
    ).toHaveLength(1);

    const keys = (
      await tdb.handle.db
        .select({ key: messages.key })
        .from(messages)
        .where(sql`${messages.key} like ${`%:${keyPrefix}:%`}`)
    ).map((r) => r.key);
    // With an application, keys start with its workflow id: the prefix names the purpose only.
    expect(keys.every((k) => k.startsWith('application-'))).toBe(true);
    expect(keys.map((k) => k.slice(k.indexOf(':') + 1)).sort()).toEqual(
      hrIds.map((id) => `${keyPrefix}:v1:email:${id}`).sort(),
    );
  });

  it('e-mails named users in Chinese when asked, reporting unknown ids', async () => {
    const { acts } = build();
    const missing = randomUUID();
    const summary = await acts.notifyStaff({
      keyPrefix: `approval-${randomUUID()}`,
      applicationId: appId,
      userIds: [approverId, missing],
      template: 'action_required',
      purpose: 'offer_approval',
      locale: 'zh-CN',
      data: {
        action: 'offer_approval',
        candidateName: '李雷',
        jobTitle: '后端工程师',
        dueAt: '2025-03-21T09:00:00Z',
      },
    });
    expect(summary).toMatchObject({ recipients: 1, sent: 1, missingUserIds: [missing] });
    const [mail] = smtp.to('gao.gm@acme.example');
    expect(mail!.parsed.subject).toBe('待办：李雷的录用审批');
    expect(summary.results[0]).toMatchObject({ userId: approverId });
    expect((await row(summary.results[0]!.messageId)).recipientUserId).toBe(approverId);
  });

  it('refuses a call with neither role nor user ids', async () => {
    const { acts } = build();
    await expect(
      acts.notifyStaff({
        keyPrefix: 'x',
        applicationId: appId,
        template: 'action_required',
        purpose: 'x',
        data: { action: 'evaluation', candidateName: 'A', jobTitle: 'B', dueAt: '2025-03-21' },
      }),
    ).rejects.toMatchObject({ name: 'NotificationInputError' });
  });
});

describe('message log', () => {
  it("lists an application's messages oldest first, bodies only on request", async () => {
    const list = await listMessages(tdb.handle, appId);
    expect(list.length).toBeGreaterThan(5);
    const times = list.map((m) => m.createdAt);
    expect([...times].sort()).toEqual(times);
    const ack = list.find(
      (m) => m.purpose === 'acknowledgement' && m.channel === 'email' && m.status !== 'rendered',
    )!;
    expect(ack).toMatchObject({
      template: 'interview_acknowledgement',
      locale: 'en',
      recipient: 'zhang@candidates.example',
      delivered: true,
    });
    expect(ack.providerMessageId).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
    expect(ack).not.toHaveProperty('bodyHtml');
    expect(list.some((m) => m.status === 'failed')).toBe(true);

    const withBodies = await listMessages(tdb.handle, appId, { includeBodies: true });
    expect(withBodies.find((m) => m.id === ack.id)?.bodyHtml).toContain('<!doctype html>');
    expect(await listMessages(tdb.handle, 'nope')).toEqual([]);
    expect(await listMessages(tdb.handle, jobId)).toEqual([]);
  });
});

describe('workflow-facing activities', () => {
  async function workflowIdOf(applicationId: string) {
    const [a] = await tdb.handle.db
      .select({ workflowId: applications.workflowId })
      .from(applications)
      .where(eq(applications.id, applicationId));
    return a!.workflowId;
  }

  it('sendAcknowledgement: percentile at send time, the promise from the workflow, e-mail and SMS, once', async () => {
    const job = await insertJob('Data Analyst', deptId);
    for (const acc of [0.2, 0.3, 0.4, 0.5, 0.9]) await insertApplication(job, acc);
    const id = await insertApplication(job, 0.6, {
      email: 'wang@candidates.example',
      phone: '+8613900000001',
      name: '王芳',
      locale: 'zh-CN',
    });
    const { acts } = build();
    const receivedAt = '2025-03-14T15:00:00.000Z'; // Friday afternoon
    const input = {
      applicationId: id,
      receivedAt,
      decisionDueAt: new Date(addBusinessDays(Date.parse(receivedAt), 3)).toISOString(),
      channels: ['email', 'sms'] as ('email' | 'sms')[],
    };
    const res = await acts.sendAcknowledgement(input);
    expect(res).toMatchObject({ status: 'sent', delivered: true, accuracy: 0.6, percentile: 80 });
    expect(res.sms).toMatchObject({ status: 'sent', delivered: true });

    const [mail] = smtp.to('wang@candidates.example');
    expect(mail!.parsed.subject).toBe('您的Data Analyst职位面试已完成');
    expect(mail!.parsed.text).toContain('3个工作日内（2025年3月19日（星期三）前）');
    expect(mail!.parsed.text).toContain('正确率60%，高于该职位80%的候选人');
    expect(mail!.parsed.text).toContain('Acme Robotics');
    const sms = gateway.received.find((m) => m.to === '+8613900000001');
    expect(sms!.text).toContain('3月19日前');

    const wf = await workflowIdOf(id);
    const keys = (
      await tdb.handle.db.select({ key: messages.key }).from(messages).where(eq(messages.applicationId, id))
    ).map((r) => r.key);
    expect(keys.sort()).toEqual(
      [messageKey(wf, 'acknowledgement', 1, 'email'), messageKey(wf, 'acknowledgement', 1, 'sms')].sort(),
    );

    // a retried activity (even after more candidates arrived) sends nothing new
    await insertApplication(job, 0.1);
    const again = await acts.sendAcknowledgement(input);
    expect(again.messageId).toBe(res.messageId);
    expect(smtp.to('wang@candidates.example')).toHaveLength(1);
    expect(gateway.received.filter((m) => m.to === '+8613900000001')).toHaveLength(1);
  });

  it('sendAcknowledgement: a promise running out at 00:00 is told as the day before', async () => {
    const job = await insertJob('Weekend Job', deptId);
    const id = await insertApplication(job, 0.6, { email: 'weekend@candidates.example' });
    const { acts } = build();
    const receivedAt = '2025-03-15T10:00:00.000Z'; // Saturday: the promise counts from Monday 00:00
    const decisionDueAt = new Date(addBusinessDays(Date.parse(receivedAt), 3)).toISOString();
    expect(decisionDueAt).toBe('2025-03-20T00:00:00.000Z');
    const res = await acts.sendAcknowledgement({ applicationId: id, receivedAt, decisionDueAt });
    expect(res).toMatchObject({ status: 'sent', percentile: null });
    const [mail] = smtp.to('weekend@candidates.example');
    expect(mail!.parsed.text).toContain('within 3 business days, by Wednesday 19 March 2025');
    expect(mail!.parsed.text).not.toContain('higher than');
  });

  it('sendToCandidate: a permanent failure is returned and raised to HR, once', async () => {
    const job = await insertJob('Bounce Job', deptId);
    const id = await insertApplication(job, 0.5, {
      email: 'bounce@candidates.example',
      name: 'Bo <b>Unce</b>',
    });
    const { acts } = build();
    const hrMails = () =>
      smtp.received.filter((m) => m.parsed.subject === 'Message to Bo <b>Unce</b> could not be delivered');
    const input = {
      applicationId: id,
      channel: 'email' as const,
      purpose: 'acknowledgement',
      template: 'interview_acknowledgement' as const,
      data: { accuracy: 0.5, percentile: null, businessDays: 3, decisionBy: '2025-03-19' },
    };
    const res = await acts.sendToCandidate(input);
    expect(res).toMatchObject({ status: 'failed', delivered: false });
    expect(res.error).toMatch(/550/);
    expect(hrMails()).toHaveLength(2);
    const alert = hrMails()[0]!.parsed;
    expect(alert.text).toContain(
      '"Interview acknowledgement" to Bo <b>Unce</b> (bounce@candidates.example) about Bounce Job could not be delivered',
    );
    expect(alert.text).toMatch(/Reason: .*550/);
    expect(alert.html).toContain('Bo &lt;b&gt;Unce&lt;/b&gt;');

    expect(await acts.sendToCandidate(input)).toEqual(res);
    expect(hrMails()).toHaveLength(2);
    const log = await listMessages(tdb.handle, id);
    expect(log.map((m) => [m.template, m.recipientKind, m.status]).sort()).toEqual([
      ['delivery_failed', 'staff', 'sent'],
      ['delivery_failed', 'staff', 'sent'],
      ['interview_acknowledgement', 'candidate', 'failed'],
    ]);
  });

  it('sendToCandidate: SMS to a candidate without a phone number is skipped', async () => {
    const { acts } = build();
    const res = await acts.sendToCandidate({
      applicationId: appId,
      channel: 'sms',
      purpose: 'reminder',
      template: 'interview_acknowledgement',
      data: { accuracy: 0.5, percentile: null, businessDays: 3, decisionBy: '2025-03-19' },
    });
    expect(res).toEqual({
      messageId: null,
      status: 'skipped',
      delivered: false,
      error: 'no phone number on file',
    });
  });

  it('notifyStaff: the key comes from the workflow id and the application fills in the template', async () => {
    const { acts } = build();
    const res = await acts.notifyStaff({
      applicationId: zhAppId,
      userIds: [approverId],
      purpose: 'decision_overdue',
      template: 'decision_overdue',
      data: { promisedBy: '2025-03-19T15:00:00Z' },
    });
    expect(res).toMatchObject({ recipients: 1, sent: 1 });
    const r = await row(res.results[0]!.messageId);
    expect(r.key).toBe(
      `${messageKey(await workflowIdOf(zhAppId), 'decision_overdue', 1, 'email')}:${approverId}`,
    );
    expect(r.subject).toBe('Decision overdue: 李雷 for Backend Engineer');
    expect(r.bodyText).toContain(`Application: ${zhAppId}`);
  });
});
