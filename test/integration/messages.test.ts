/**
 * Candidate communications over HTTP (issue 3): an application submitted through the API
 * is acknowledged by e-mail to a real SMTP server (parsed back with mailparser), the
 * message log lists it, the tracking pixel marks it opened and tells the workflow, and a
 * permanent SMTP failure is logged as failed, raised to HR, and does not stop the workflow.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../activities/notifications/templates/format';
import type { TLocale } from '../../domain/contracts/common';
import { application, createOrg, JOB, type Org } from '../helpers/org';
import { startSmtpServer, type TReceivedMail, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';

const BOUNCE = 'bounce@candidates.example.com';
const BOUNCE_REVIEW = 'bounce.review@candidates.example.com';
const EVIL_NAME = '<script>x</script>';
const DAY_MS = 86_400_000;

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;
let hrEmails: string[];

beforeAll(async () => {
  smtp = await startSmtpServer({ rejectRecipients: [BOUNCE, BOUNCE_REVIEW] });
  // The open sweep every half second, so a test can wait for it.
  s = await startStack({ env: { SMTP_URL: smtp.url, OPEN_SIGNAL_RETRY_MS: '500' } });
  org = await createOrg(s);
  const rows = await s.db.handle.rows<{ email: string }>(sql`select email from users where 'hr' = any(roles) order by email`);
  hrEmails = rows.map((r) => r.email);
  expect(hrEmails).toHaveLength(1);
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
});

let seq = 0;
interface TCandidate {
  name?: string;
  locale?: TLocale;
  accuracy?: number;
  email?: string;
}

/** Submits an application and returns its ids and the candidate's address. */
async function submit(profile: Parameters<typeof application>[1], c: TCandidate = {}, jobId = org.jobId) {
  seq += 1;
  const email = c.email ?? `cand${seq}.${randomUUID().slice(0, 8)}@candidates.example.com`;
  const base = application(jobId, profile);
  const body = {
    ...base,
    candidate: { name: c.name ?? `Candidate ${seq}`, email, locale: c.locale ?? 'en' },
    interview: { ...base.interview, accuracy: c.accuracy ?? base.interview.accuracy },
  };
  const res = await s.api('POST', '/v1/applications', { token: org.integrator.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { ...(res.body as { id: string; workflowId: string }), email };
}

async function newJob(): Promise<string> {
  const res = await s.api('POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.departmentId) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The one e-mail delivered to `address` whose subject matches. */
async function mailTo(address: string, subject: RegExp = /./): Promise<TReceivedMail> {
  return eventually(async () => {
    const got = smtp.to(address).filter((m) => subject.test(m.parsed.subject ?? ''));
    return got.length ? got[0] : null;
  });
}

async function status(id: string, token = org.hr.token) {
  const res = await s.api('GET', `/v1/applications/${id}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function waitForStage(id: string, stage: string) {
  return eventually(async () => {
    const st = await status(id);
    return st.stage === stage ? st : null;
  });
}

async function messageLog(id: string, token = org.hr.token) {
  const res = await s.api('GET', `/v1/applications/${id}/messages`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as any[];
}

const html = (m: TReceivedMail) => m.parsed.html as string;
const pixelOf = (m: TReceivedMail) => /<img src="([^"]*)\/t\/([A-Za-z0-9_-]+)\.gif" width="1" height="1" alt="">/.exec(html(m));

/** The promise date as the acknowledgement tells it (a 00:00 UTC deadline is the day before). */
function promisedDay(decisionDueAt: string, locale: TLocale) {
  const due = Date.parse(decisionDueAt);
  return formatDate(new Date(due % DAY_MS === 0 ? due - 1 : due).toISOString(), locale);
}

describe('the interview acknowledgement', () => {
  let jobId: string;
  let evil: Awaited<ReturnType<typeof submit>>;
  let evilMail: TReceivedMail;

  beforeAll(async () => {
    jobId = await newJob();
  });

  it('leaves the percentile out below 5 other candidates of the job', async () => {
    // Five candidates: none of them has more than 4 others to be compared with.
    const first = await Promise.all([0.35, 0.5, 0.7, 0.7, 0.9].map((accuracy) => submit('average', { accuracy }, jobId)));
    for (const c of first) {
      const mail = await mailTo(c.email, /interview/);
      expect(mail.parsed.text).toMatch(/Your results: accuracy \d+%\.\n/);
      expect(mail.parsed.text).not.toContain('higher than');
      expect(html(mail)).not.toContain('higher than');
    }
    expect(smtp.to(first[0]!.email)[0]!.parsed.text).toContain('Your results: accuracy 35%.');
  });

  it('in English with both parts, the percentile among 5 others, the promise, the escaped name and the pixel', async () => {
    // others: 0.35, 0.5 lower; 0.7, 0.7 tie; 0.9 higher -> (2 + 2/2) / 5 = 60%
    evil = await submit('average', { name: EVIL_NAME, accuracy: 0.7 }, jobId);
    evilMail = await mailTo(evil.email);
    const st = await status(evil.id);
    const mail = evilMail.parsed;

    expect(mail.subject).toBe('Your interview for Backend Engineer is complete');
    expect(mail.from?.value[0]?.address).toBe('hiring@example.com');
    expect(mail.text).toContain(`Dear ${EVIL_NAME},`);
    expect(mail.text).toContain('Thank you for completing your interview for Backend Engineer at Acme Robotics.');
    expect(mail.text).toContain(`We will tell you the result within 3 business days, by ${promisedDay(st.decisionDueAt, 'en')}.`);
    expect(mail.text).toContain('Your results: accuracy 70%, higher than 60% of candidates for this role.');

    const body = html(evilMail);
    expect(body).toContain('<html lang="en">');
    expect(body).toContain('higher than 60% of candidates for this role');
    expect(body).not.toContain(EVIL_NAME);
    expect(body).not.toMatch(/<script/i);
    expect(body).toContain('Dear &lt;script&gt;x&lt;/script&gt;,');

    const pixel = pixelOf(evilMail);
    expect(pixel, body).not.toBeNull();
    expect(pixel![1]).toBe(s.config.publicUrl);
    // the pixel is the last element of the body
    expect(body.slice(body.indexOf(pixel![0]) + pixel![0].length).trim()).toBe('</body>\n</html>');
  });

  it('in Simplified Chinese for a zh-CN candidate', async () => {
    // others: 0.35, 0.5, 0.7 x3 lower; 0.9 tie -> (5 + 1/2) / 6 = 91.7 -> 91%
    const li = await submit('average', { name: '李雷', locale: 'zh-CN', accuracy: 0.9 }, jobId);
    const m = await mailTo(li.email);
    const st = await status(li.id);
    expect(m.parsed.subject).toBe('您的Backend Engineer职位面试已完成');
    expect(m.parsed.text).toContain('李雷，您好：');
    expect(m.parsed.text).toContain('感谢您参加Acme RoboticsBackend Engineer职位的面试，您的面试已完成。');
    expect(m.parsed.text).toContain(`我们将在3个工作日内（${promisedDay(st.decisionDueAt, 'zh-CN')}前）通知您结果。`);
    expect(m.parsed.text).toContain('您的面试结果：正确率90%，高于该职位91%的候选人。');
    expect(m.parsed.text).not.toMatch(/Dear|accuracy|business days/);
    expect(html(m)).toContain('<html lang="zh-CN">');
    expect(html(m)).toContain('高于该职位91%的候选人');
    expect(pixelOf(m)).not.toBeNull();

    const [ack] = (await messageLog(li.id)).filter((x) => x.template === 'interview_acknowledgement');
    expect(ack).toMatchObject({ locale: 'zh-CN', recipient: li.email, status: 'sent' });
  });

  it('is listed in the message log with channel, template, locale, recipient, status and provider id', async () => {
    const log = await messageLog(evil.id);
    const acks = log.filter((m) => m.template === 'interview_acknowledgement');
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({
      channel: 'email',
      template: 'interview_acknowledgement',
      purpose: 'acknowledgement',
      locale: 'en',
      recipient: evil.email,
      recipientKind: 'candidate',
      status: 'sent',
      delivered: true,
      providerMessageId: evilMail.parsed.messageId,
      attempts: 1,
      error: null,
      openedAt: null,
    });
    expect(Date.parse(acks[0].createdAt)).not.toBeNaN();
    expect(Date.parse(acks[0].sentAt)).not.toBeNaN();
    // bodies carry signed links: only on request
    expect(acks[0]).not.toHaveProperty('bodyHtml');
    const withBodies = await s.api('GET', `/v1/applications/${evil.id}/messages?includeBodies=true`, { token: org.hr.token });
    const full = withBodies.body.items.find((m: { id: string }) => m.id === acks[0].id);
    expect(full.bodyHtml).toContain(pixelOf(evilMail)![2]);
    // staff are asked for their evaluations through the same log
    expect(log.filter((m) => m.template === 'action_required' && m.recipientKind === 'staff').length).toBeGreaterThan(0);
  });

  it('the pixel marks the message opened once and tells the workflow; a tampered token changes nothing', async () => {
    const token = pixelOf(evilMail)![2]!;
    await waitForStage(evil.id, 'evaluation');
    const ackId = (await messageLog(evil.id)).find((m) => m.template === 'interview_acknowledgement').id as string;
    const opened = async () => (await status(evil.id)).timeline.filter((t: { type: string }) => t.type === 'message_opened');

    // tampered: still the image, nothing recorded
    const i = Math.floor(token.length / 2);
    const tampered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    for (const bad of [tampered, `${token}x`, 'not-a-token']) {
      const res = await s.api('GET', `/t/${bad}.gif`, { token: null });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/gif');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await messageLog(evil.id)).find((m) => m.id === ackId)).toMatchObject({ status: 'sent', openedAt: null });
    expect(await opened()).toEqual([]);

    // the real one, as a mail client would load it: no credentials
    const res = await s.api('GET', `/t/${token}.gif`, { token: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cache-control']).toContain('no-store');
    const log = await messageLog(evil.id);
    const ack = log.find((m) => m.id === ackId);
    expect(ack.status).toBe('opened');
    expect(Date.parse(ack.openedAt)).not.toBeNaN();
    const entries = await eventually(async () => {
      const e = await opened();
      return e.length ? e : null;
    });
    expect(entries).toEqual([
      expect.objectContaining({
        type: 'message_opened',
        actor: 'system',
        detail: { template: 'interview_acknowledgement', purpose: 'acknowledgement', messageId: ackId },
      }),
    ]);

    // a second load changes nothing
    await s.api('GET', `/t/${token}.gif`, { token: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(await opened()).toHaveLength(1);
    expect((await messageLog(evil.id)).find((m) => m.id === ackId).openedAt).toBe(ack.openedAt);
  });
});

describe('an e-mail open that Temporal did not take', () => {
  const openedEntries = async (id: string) =>
    (await status(id)).timeline.filter((t: { type: string }) => t.type === 'message_opened');
  const signalledAt = async (messageId: string) =>
    (await s.db.handle.rows<{ at: Date | null }>(sql`select open_signalled_at as at from messages where id = ${messageId}`))[0]!.at;

  it('reaches the workflow through the sweep, once, even when the signal is repeated', async () => {
    const app = await submit('average');
    const mail = await mailTo(app.email);
    await waitForStage(app.id, 'evaluation');
    const ackId = (await messageLog(app.id)).find((m) => m.template === 'interview_acknowledgement').id as string;

    // What the pixel route leaves when its signal fails: the open recorded, the workflow untold.
    await s.db.handle.rows(sql`update messages set status = 'opened', opened_at = now() where id = ${ackId}`);
    expect(await signalledAt(ackId)).toBeNull();
    const entries = await eventually(async () => {
      const e = await openedEntries(app.id);
      return e.length ? e : null;
    });
    expect(entries).toEqual([expect.objectContaining({ type: 'message_opened', detail: expect.objectContaining({ messageId: ackId }) })]);
    await eventually(async () => ((await signalledAt(ackId)) ? true : null));

    // Temporal took the signal but the mark was lost: the sweep tells it again, and the
    // pixel loaded meanwhile too; the workflow keeps one open for the message.
    await s.db.handle.rows(sql`update messages set open_signalled_at = null where id = ${ackId}`);
    expect((await s.api('GET', `/t/${pixelOf(mail)![2]}.gif`, { token: null })).status).toBe(200);
    await eventually(async () => ((await signalledAt(ackId)) ? true : null));
    await new Promise((r) => setTimeout(r, 1_200)); // two more sweeps: nothing left to tell
    expect(await openedEntries(app.id)).toHaveLength(1);
  });

  it('of a finished workflow is marked told, with nothing left to try again', async () => {
    const app = await submit('average');
    const mail = await mailTo(app.email);
    await s.temporal.workflow.getHandle(app.workflowId).terminate('the test ends it');
    const ackId = (await messageLog(app.id)).find((m) => m.template === 'interview_acknowledgement').id as string;

    const res = await s.api('GET', `/t/${pixelOf(mail)![2]}.gif`, { token: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect((await messageLog(app.id)).find((m) => m.id === ackId).status).toBe('opened');
    await eventually(async () => ((await signalledAt(ackId)) ? true : null));
  });
});

describe('the message log route', () => {
  it('is for HR and admins: 403 for a hiring manager (even of the department) and an integrator, 404 for unknown ids', async () => {
    const app = await submit('average');
    await mailTo(app.email);
    for (const who of [org.manager, org.otherManager, org.integrator, org.it]) {
      const res = await s.api('GET', `/v1/applications/${app.id}/messages`, { token: who.token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const unknown = await s.api('GET', `/v1/applications/${randomUUID()}/messages`, { token: org.hr.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const malformed = await s.api('GET', '/v1/applications/not-a-uuid/messages', { token: org.hr.token });
    expect(malformed.status).toBe(400);
    const none = await s.api('GET', `/v1/applications/${app.id}/messages`, { token: null });
    expect(none.status).toBe(401);
    expect((await messageLog(app.id, s.adminToken)).length).toBeGreaterThan(0);
  });
});

describe('a permanent delivery failure', () => {
  it('is logged as failed, raised to every HR user by e-mail, and the workflow goes on to evaluation', async () => {
    const app = await submit('average', { name: 'Bo Bounce', email: BOUNCE });
    const st = await waitForStage(app.id, 'evaluation');

    const ack = await eventually(async () => {
      const a = (await messageLog(app.id)).find((m) => m.template === 'interview_acknowledgement');
      return a?.status === 'failed' ? a : null;
    });
    expect(ack).toMatchObject({ recipient: BOUNCE, delivered: false, providerMessageId: null, sentAt: null });
    expect(ack.error).toMatch(/550/);
    expect(smtp.rejectedRecipients).toContain(BOUNCE);
    expect(smtp.to(BOUNCE)).toEqual([]);

    for (const hr of hrEmails) {
      const alert = await mailTo(hr, /^Message to Bo Bounce could not be delivered$/);
      expect(alert.parsed.text).toContain(`"Interview acknowledgement" to Bo Bounce (${BOUNCE}) about Backend Engineer could not be delivered.`);
      expect(alert.parsed.text).toMatch(/Reason: .*550/);
      expect(smtp.to(hr).filter((m) => m.parsed.subject === alert.parsed.subject)).toHaveLength(1);
    }
    const log = await messageLog(app.id);
    const alerts = log.filter((m) => m.template === 'delivery_failed');
    expect(alerts.map((m) => m.recipient).sort()).toEqual(hrEmails);
    expect(alerts.every((m) => m.status === 'sent' && m.recipientKind === 'staff')).toBe(true);

    const after = await status(app.id);
    expect(after.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'message_failed', detail: expect.objectContaining({ template: 'interview_acknowledgement' }) }),
      ]),
    );
    expect(st.scores.matchScore).toBeGreaterThan(0);
  });

  it('does not hold up a contradictory profile either: it reaches discrepancy_review', async () => {
    const app = await submit('contradictory', { name: 'Cy Contra', email: BOUNCE_REVIEW });
    await waitForStage(app.id, 'discrepancy_review');
    const ack = await eventually(async () => {
      const a = (await messageLog(app.id)).find((m) => m.template === 'interview_acknowledgement');
      return a?.status === 'failed' ? a : null;
    });
    expect(ack.error).toMatch(/550/);
    await mailTo(hrEmails[0]!, /^Message to Cy Contra could not be delivered$/);
  });
});
