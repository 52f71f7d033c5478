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

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({ env: { SMTP_URL: smtp.url } });
  org = await createOrg(s);
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
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
  });
});
