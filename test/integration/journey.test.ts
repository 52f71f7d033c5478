/**
 * The whole journey over HTTP, from POST /v1/applications to `hired`, against a live
 * worker, Temporal, PostgreSQL and the test SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createOrg, type Org } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { toOfferSent, waitForStage } from '../helpers/journey';
import { JPEG_BYTES, multipart, PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import { startWebhookReceiver, type TTestWebhookReceiver } from '../helpers/webhook-receiver';

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;
let hook: TTestWebhookReceiver;

beforeAll(async () => {
  smtp = await startSmtpServer();
  hook = await startWebhookReceiver({ secret: 'journey-webhook-secret-0123456789' });
  // 50 journeys at once on 2 cores: an answer that waits for its consequences (the letter, the
  // employee) takes seconds; Updates have their own deadline for that (TEMPORAL_UPDATE_TIMEOUT_MS,
  // 30 s by default), so the defaults apply here.
  s = await startStack({ env: { SMTP_URL: smtp.url } });
  org = await createOrg(s);
  const reg = await s.api('POST', '/v1/webhooks', {
    token: org.integrator.token,
    body: { url: hook.url, events: [], secret: hook.secret },
  });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
  await hook?.close();
});

const linkIn = (email: string, path: 'offers' | 'portal') =>
  eventually(async () => {
    for (const m of smtp.to(email)) {
      const hit = new RegExp(`/${path}/([A-Za-z0-9_-]+)`).exec(m.parsed.text ?? '');
      if (hit) return hit[1]!;
    }
    return null;
  });

async function upload(token: string, kind: string, bytes: Uint8Array, filename: string, contentType: string) {
  const body = multipart({ kind }, { field: 'file', filename, contentType, bytes });
  return s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${token}`, payload: body.payload, headers: body.headers });
}

describe('the whole journey', () => {
  it('goes from an application to a hired, trained employee', async () => {
    const email = 'journey@candidates.example.com';
    const app = await toOfferSent(s, org, { candidate: { name: 'Jia Li', email, locale: 'zh-CN' } });
    const offerToken = await linkIn(email, 'offers');
    expect((await s.api('GET', `/v1/candidate/offer?token=${offerToken}`, { token: null })).status).toBe(200);
    await waitForStage(s, app.id, 'offer_viewed', org.hr.token);
    const accept = await s.api('POST', `/v1/candidate/offer/accept?token=${offerToken}`, {
      token: null,
      body: { signatureName: 'Jia Li', consent: true },
    });
    expect(accept.status, JSON.stringify(accept.body)).toBe(200);

    const onboarding = await waitForStage(s, app.id, 'onboarding', org.hr.token);
    const employeeId = onboarding.onboarding.employeeId as string;
    expect(onboarding.onboarding.employeeNumber).toMatch(/^E\d{4}-\d{5}$/);
    expect(onboarding.onboarding.mentorUserId).toBe(org.manager.id);
    const [row] = await s.db.handle.rows<{ stage: string; n: number }>(
      sql`select a.stage, (select count(*)::int from employees e where e.application_id = a.id) as n from applications a where a.id = ${app.id}`,
    );
    expect(row).toEqual({ stage: 'onboarding', n: 1 });

    // The notice arrives in Chinese with the portal link and the documents to bring.
    const portal = await linkIn(email, 'portal');
    const notice = smtp.to(email).find((m) => /portal/.test(m.parsed.text ?? ''))!;
    expect(notice.parsed.text).toContain(onboarding.onboarding.employeeNumber);

    // Documents: a fake PDF is refused, then the real ones complete their tasks.
    const fake = await upload(portal, 'id_copy', new TextEncoder().encode('MZ not a pdf'), 'id.pdf', 'application/pdf');
    expect(fake.statusCode).toBe(400);
    expect((await upload(portal, 'id_copy', PNG_BYTES, 'id.png', 'image/png')).statusCode).toBe(201);
    expect((await upload(portal, 'diploma', PDF_BYTES, 'diploma.pdf', 'application/pdf')).statusCode).toBe(201);
    const medical = await upload(portal, 'medical_report', JPEG_BYTES, 'medical.jpg', 'image/jpeg');
    expect(medical.statusCode).toBe(201);

    // HR rejects the medical report: its task reopens and the new hire is told.
    const rejected = await s.api('POST', `/v1/employees/${employeeId}/documents/${JSON.parse(medical.body).id}/reject`, {
      token: org.hr.token,
      body: { reason: 'The scan is unreadable' },
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.status).toBe('open');
    expect((await upload(portal, 'medical_report', PDF_BYTES, 'medical.pdf', 'application/pdf')).statusCode).toBe(201);

    // IT and the mentor complete their tasks; a wrong role is refused.
    const byHm = await s.api('POST', `/v1/employees/${employeeId}/onboarding/tasks/computer/complete`, { token: org.otherManager.token, body: {} });
    expect(byHm.status).toBe(404);
    for (const key of ['computer', 'badge', 'accounts']) {
      const r = await s.api('POST', `/v1/employees/${employeeId}/onboarding/tasks/${key}/complete`, { token: org.it.token, body: { note: 'done' } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const meeting = await s.api('POST', `/v1/employees/${employeeId}/onboarding/tasks/mentor_meeting/complete`, { token: org.manager.token, body: {} });
    expect(meeting.status, JSON.stringify(meeting.body)).toBe(200);

    // Training: a failure, then a pass on the retake.
    const fail = await s.api('POST', `/v1/employees/${employeeId}/courses/orientation/result`, { token: org.integrator.token, body: { score: 40 } });
    expect(fail.body.status).toBe('retake');
    const pass = await s.api('POST', `/v1/employees/${employeeId}/courses/orientation/result`, { token: org.integrator.token, body: { score: 85 } });
    expect(pass.body.status).toBe('passed');

    await waitForStage(s, app.id, 'hired', org.hr.token);
    const emp = await s.api('GET', `/v1/employees/${employeeId}`, { token: org.manager.token });
    expect(emp.status).toBe(200);
    expect(emp.body).toMatchObject({ status: 'active', stage: 'hired' });
    expect(emp.body.trainingRecord[0].attempts.map((a: { score: number }) => a.score)).toEqual([40, 85]);
    expect(emp.body.documents.map((d: { kind: string; status: string }) => `${d.kind}:${d.status}`).sort()).toEqual([
      'diploma:submitted',
      'id_copy:submitted',
      'medical_report:rejected',
      'medical_report:submitted',
    ]);
    expect(emp.body.milestones.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining(['mentor_assigned', 'documents_complete', 'tasks_complete', 'training_complete', 'hired']),
    );
    const other = await s.api('GET', `/v1/employees/${employeeId}`, { token: org.otherManager.token });
    expect(other.status).toBe(404);

    // The integrator heard every step, signed, in order, each event once.
    const mine = await eventually(async () => {
      const got = hook.accepted.filter((r) => r.json.applicationId === app.id);
      return got.some((r) => r.eventType === 'onboarding.completed') ? got : null;
    });
    expect(hook.invalid).toEqual([]);
    expect(mine.every((r) => r.verified)).toBe(true);
    const ids = mine.map((r) => r.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const types = mine.map((r) => r.eventType);
    const order = ['application.received', 'offer.approved', 'offer.sent', 'offer.viewed', 'offer.accepted', 'employee.created', 'onboarding.completed'];
    expect(order.map((t) => types.indexOf(t))).toEqual([...order.map((t) => types.indexOf(t))].sort((a, b) => a - b));
    expect(order.every((t) => types.includes(t))).toBe(true);
    const stages = mine.filter((r) => r.eventType === 'application.stage_changed').map((r) => r.json.data.to);
    expect(stages).toEqual(['validating', 'screening', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed', 'accepted', 'onboarding', 'hired']);
    const deliveries = await s.api('GET', `/v1/webhooks`, { token: org.integrator.token });
    expect(deliveries.status).toBe(200);
  });
});

describe('many acceptances at once', () => {
  it('gives 50 concurrent acceptances 50 distinct employee numbers with no gaps, and the consistency check finds nothing', async () => {
    const { OFFER } = await import('../helpers/journey');
    const { application, JOB } = await import('../helpers/org');
    // 50 applications straight to offer_sent, with a job whose chain is one approver ('any').
    const job = await s.api('POST', '/v1/jobs', {
      token: org.hr.token,
      body: {
        ...JOB(org.departmentId),
        title: 'Support Engineer',
        approvalChain: [{ approvers: [org.gm.id], quorum: 'any' }],
        evaluation: { requireHr: true, requireHiringManager: false },
      },
    });
    expect(job.status).toBe(201);
    // Every answer waits for what follows from it (read-your-writes). Should one still pass its
    // deadline on a crowded machine (503), a client sends it again with the same
    // Idempotency-Key, which reaches the same Update.
    let keys = 0;
    const resend = async (method: 'POST' | 'PUT', url: string, opts: { token: string | null; body?: unknown }) => {
      const headers = { 'idempotency-key': `bulk-${++keys}` };
      for (let attempt = 0; ; attempt++) {
        const r = await s.api(method, url, { ...opts, headers });
        if (r.status !== 503 || attempt === 10) return r;
      }
    };
    const N = 50;
    const ids = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const r = await s.api('POST', '/v1/applications', {
          token: org.integrator.token,
          body: application(job.body.id, 'strong', { candidate: { name: `Bulk ${i}`, email: `bulk${i}@candidates.example.com` } }),
        });
        expect(r.status).toBe(202);
        return r.body.id as string;
      }),
    );
    await Promise.all(
      ids.map(async (id) => {
        await waitForStage(s, id, 'evaluation', org.hr.token, 60_000);
        const ev = await resend('POST', `/v1/applications/${id}/evaluations`, {
          token: org.hr.token,
          body: { ratings: { programming: 'good', systems: 'good', teamwork: 'good' } },
        });
        expect(ev.status).toBe(200);
        expect((await resend('POST', `/v1/applications/${id}/decision`, { token: org.hr.token, body: { decision: 'advance' } })).status).toBe(200);
        await waitForStage(s, id, 'offer_drafting', org.hr.token, 60_000);
        expect((await resend('PUT', `/v1/applications/${id}/offer`, { token: org.hr.token, body: OFFER() })).status).toBe(200);
        expect((await resend('POST', `/v1/applications/${id}/offer/submit`, { token: org.hr.token })).status).toBe(200);
        // The submit's answer came with the level open: the approver acts at once.
        expect((await resend('POST', `/v1/applications/${id}/offer/approvals`, { token: org.gm.token, body: { decision: 'approve' } })).status).toBe(200);
        await waitForStage(s, id, 'offer_sent', org.hr.token, 60_000);
      }),
    );
    const before = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from employees`);
    const tokens = await Promise.all(ids.map((_, i) => linkIn(`bulk${i}@candidates.example.com`, 'offers')));
    const accepted = await Promise.all(
      tokens.map((t, i) => resend('POST', `/v1/candidate/offer/accept?token=${t}`, { token: null, body: { signatureName: `Bulk ${i}`, consent: true } })),
    );
    expect(accepted.map((r) => r.status)).toEqual(ids.map(() => 200));
    await Promise.all(ids.map((id) => waitForStage(s, id, 'onboarding', org.hr.token, 60_000)));

    const rows = await s.db.handle.rows<{ employee_number: string; sequence_value: number }>(
      sql`select employee_number, sequence_value::int as sequence_value from employees where application_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) order by sequence_value`,
    );
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.employee_number)).size).toBe(N);
    // No gaps: the 50 numbers are consecutive (retries never burned a number).
    const seqs = rows.map((r) => r.sequence_value);
    expect(seqs[seqs.length - 1]! - seqs[0]!).toBe(N - 1);
    expect((await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from employees`))[0]!.n).toBe(before[0]!.n + N);

    const check = await s.api('GET', '/v1/admin/consistency');
    expect(check.status).toBe(200);
    expect(check.body.contradictions).toEqual([]);
    expect(check.body.checkedApplications).toBeGreaterThanOrEqual(N);
  }, 240_000);
});
