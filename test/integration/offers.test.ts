/** The offer life cycle over HTTP: approval chain, letter, link, e-signature. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createOrg, type Org } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { OFFER, toOfferSent, waitForStage } from '../helpers/journey';

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

function offerLink(email: string): string {
  const mail = smtp.to(email).find((m) => /offer/i.test(m.parsed.subject ?? '') && /\/offers\//.test(m.parsed.text ?? ''));
  const m = /\/offers\/([A-Za-z0-9_-]+)/.exec(mail?.parsed.text ?? '');
  if (!m) throw new Error(`no offer link e-mailed to ${email}`);
  return m[1]!;
}

describe('offer happy path', () => {
  it('goes through two approval levels, renders the letter, sends the link and takes the e-signature', async () => {
    const email = 'offer.one@candidates.example.com';
    const app = await toOfferSent(s, org, { candidate: { name: 'Lin Zhou', email, locale: 'en' } });
    const offer = app.status.offer.current;
    expect(offer).toMatchObject({ version: 1, status: 'sent' });
    expect(offer.levels.map((l: { reason: string; status: string }) => [l.reason, l.status])).toEqual([
      ['department_manager', 'approved'],
      ['general_manager', 'approved'],
    ]);
    expect(offer.decisions.map((d: { userId: string }) => d.userId)).toEqual([org.manager.id, org.gm.id]);

    const token = await eventually(async () => offerLink(email));
    const json = await s.api('GET', `/v1/candidate/offer?token=${token}`, { token: null });
    expect(json.status, JSON.stringify(json.body)).toBe(200);
    expect(json.body).toMatchObject({ version: 1, position: 'Backend Engineer', candidateName: 'Lin Zhou' });

    const pdf = await s.app.inject({ method: 'GET', url: `/v1/candidate/offer.pdf?token=${token}` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const sha = createHash('sha256').update(pdf.rawPayload).digest('hex');
    expect(sha).toBe(json.body.letterSha256);

    await waitForStage(s, app.id, 'offer_viewed', org.hr.token);

    const wrong = await s.api('POST', `/v1/candidate/offer/accept?token=${token}`, {
      token: null,
      body: { signatureName: 'Someone Else', consent: true },
    });
    expect(wrong.status).toBe(400);
    const ok = await s.api('POST', `/v1/candidate/offer/accept?token=${token}`, {
      token: null,
      body: { signatureName: 'lin zhou', consent: true },
      headers: { 'user-agent': 'TestAgent/1.0' },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.response.kind).toBe('accepted');
    const again = await s.api('POST', `/v1/candidate/offer/accept?token=${token}`, {
      token: null,
      body: { signatureName: 'Lin Zhou', consent: true },
    });
    expect(again.status).toBe(200);
    expect(again.body.response.at).toBe(ok.body.response.at);
    // The answer came once the workflow had moved on (read-your-writes): the employee is made.
    await waitForStage(s, app.id, 'onboarding', org.hr.token);

    const sig = await s.db.handle.rows<{ signature_name: string; user_agent: string; original_sha256: string }>(
      sql`select signature_name, user_agent, original_sha256 from offer_signatures where application_id = ${app.id}`,
    );
    expect(sig).toEqual([{ signature_name: 'lin zhou', user_agent: 'TestAgent/1.0', original_sha256: json.body.letterSha256 }]);
    const signed = await s.app.inject({ method: 'GET', url: `/v1/candidate/offer.pdf?token=${token}&copy=signed` });
    expect(signed.statusCode).toBe(200);
  });
});

describe('approvals inbox and wrong approver', () => {
  it('lists the pending approval for the right user only and refuses others', async () => {
    const { toOfferDrafting } = await import('../helpers/journey');
    const app = await toOfferDrafting(s, org, { candidate: { name: 'Ann Approve', email: 'ann@x.example.com' } });
    expect((await s.api('PUT', `/v1/applications/${app.id}/offer`, { token: org.hr.token, body: OFFER() })).status).toBe(200);
    expect((await s.api('POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token })).status).toBe(200);
    await waitForStage(s, app.id, 'offer_approval', org.hr.token);
    const mine = await eventually(async () => {
      const r = await s.api('GET', '/v1/approvals', { token: org.manager.token });
      return r.body.items.some((i: { applicationId: string }) => i.applicationId === app.id) ? r : null;
    });
    expect(mine.status).toBe(200);
    const gmList = await s.api('GET', '/v1/approvals', { token: org.gm.token });
    expect(gmList.body.items.some((i: { applicationId: string }) => i.applicationId === app.id)).toBe(false);
    const wrong = await s.api('POST', `/v1/applications/${app.id}/offer/approvals`, { token: org.gm.token, body: { decision: 'approve' } });
    expect(wrong.status).toBe(403);
    const stale = await s.api('POST', `/v1/applications/${app.id}/offer/approvals`, {
      token: org.manager.token,
      body: { decision: 'approve', version: 7 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
  });
});
