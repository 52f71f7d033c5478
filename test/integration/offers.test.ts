/** The offer life cycle over HTTP: approval chain, letter, link, e-signature. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createOrg, type Org } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { offerToken } from '../helpers/scenario';
import { OFFER, toOfferSent, waitForStage } from '../helpers/journey';
import { loadOfferDocument, rotateOfferDocuments } from '../../db/queries/offers';
import { newPayloadKeyEntry } from '../../privacy/keys';
import { parsePayloadKeys } from '../../temporal.config';

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
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // At rest the letter is ciphertext: no PDF header, no name, its key wrapped beside it.
    const [letterRow] = await rawOfferDocs(app.id, 'letter');
    expect(letterRow).toMatchObject({ wrapping_key_id: 'test', wrapped_key: expect.any(String), sha256: sha });
    expect(readable(letterRow!.content)).toEqual([]);

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
    expect(signed.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The signed copy (made by the activity from the letter it read back in plain) is sealed too.
    const [signedRow] = await rawOfferDocs(app.id, 'signed');
    expect(signedRow).toMatchObject({ wrapping_key_id: 'test', sha256: createHash('sha256').update(signed.rawPayload).digest('hex') });
    expect(readable(signedRow!.content)).toEqual([]);
    expect(readable(signed.rawPayload)).toContain('%PDF');
  });
});

/** An offer document's row as PostgreSQL holds it. */
const rawOfferDocs = (applicationId: string, kind: string) =>
  s.db.handle.rows<{ id: string; version: number; content: Uint8Array; sha256: string; wrapping_key_id: string | null; wrapped_key: string | null }>(sql`
    select id, version, content, sha256, wrapping_key_id, wrapped_key from offer_documents where application_id = ${applicationId} and kind = ${kind}`);
/** What a reader of the stored bytes would recognise: the PDF header, the candidates' names. */
const readable = (bytes: Uint8Array) => ['%PDF', 'Lin Zhou', 'Pat Plain'].filter((n) => Buffer.from(bytes).includes(Buffer.from(n, 'latin1')));

describe('offer letters at rest', () => {
  it('a plain row from before still reads; rotation encrypts it, then re-wraps its key under a new key; a sealed PDF moved to another row does not open', async () => {
    const email = 'pat.plain@candidates.example.com';
    const app = await toOfferSent(s, org, { candidate: { name: 'Pat Plain', email, locale: 'en' } });
    const ring = s.config.payloadKeys!;
    const deps = { db: s.db.handle, config: { payloadKeys: ring } };
    const letter = (await loadOfferDocument(deps, app.id, 1, 'letter'))!;
    expect(letter.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // As an earlier version stored it: the plain PDF, no key.
    await s.db.handle.rows(sql`
      update offer_documents set content = ${letter.content}, wrapping_key_id = null, wrapped_key = null where id = ${letter.id}`);
    const token = offerToken(s, app.id);
    const plainRead = await s.app.inject({ method: 'GET', url: `/v1/candidate/offer.pdf?token=${token}` });
    expect(plainRead.statusCode).toBe(200);
    expect(Buffer.compare(plainRead.rawPayload, letter.content)).toBe(0);

    // Rotation (what npm run keys:rotate runs) encrypts it under the active key.
    const first = await rotateOfferDocuments(s.db.handle, ring);
    expect(first.encrypted).toBeGreaterThanOrEqual(1);
    expect(first.remaining).not.toHaveProperty('plain');
    const [sealed] = await rawOfferDocs(app.id, 'letter');
    expect(sealed).toMatchObject({ wrapping_key_id: 'test' });
    expect(readable(sealed!.content)).toEqual([]);
    expect(Buffer.compare((await loadOfferDocument(deps, app.id, 1, 'letter'))!.content, letter.content)).toBe(0);

    // A new key first: the document key is re-wrapped, the content stays as sealed; the new key alone opens it.
    const rotated = parsePayloadKeys(`${newPayloadKeyEntry('next')},test:${ring.keys.get('test')!.toString('base64')}`).keys!;
    const second = await rotateOfferDocuments(s.db.handle, rotated);
    expect(second.rewrapped).toBeGreaterThanOrEqual(1);
    expect(second.remaining).toEqual({ next: expect.any(Number) });
    const [rewrapped] = await rawOfferDocs(app.id, 'letter');
    expect(rewrapped!.wrapping_key_id).toBe('next');
    expect(Buffer.compare(Buffer.from(rewrapped!.content), Buffer.from(sealed!.content))).toBe(0);
    const newOnly = parsePayloadKeys(`next:${rotated.keys.get('next')!.toString('base64')}`).keys!;
    expect(Buffer.compare((await loadOfferDocument({ db: s.db.handle, config: { payloadKeys: newOnly } }, app.id, 1, 'letter'))!.content, letter.content)).toBe(0);
    // The API, still on the old ring, no longer has the wrapping key: refused, not read as garbage.
    await expect(loadOfferDocument(deps, app.id, 1, 'letter')).rejects.toThrow(/wrapped by 'next'/);

    // Ciphertext and key copied onto another version's row fail their check (the row's identity is associated data).
    await s.db.handle.rows(sql`
      insert into offer_documents (application_id, version, kind, sha256, content, wrapping_key_id, wrapped_key)
      values (${app.id}, 2, 'letter', 'x', ${rewrapped!.content}, 'next', ${rewrapped!.wrapped_key})`);
    await expect(loadOfferDocument({ db: s.db.handle, config: { payloadKeys: newOnly } }, app.id, 2, 'letter')).rejects.toThrow();
    await s.db.handle.rows(sql`delete from offer_documents where application_id = ${app.id} and version = 2`);
    // Back under the stack's key, so the rest of this file reads as before.
    await rotateOfferDocuments(s.db.handle, parsePayloadKeys(`test:${ring.keys.get('test')!.toString('base64')},next:${rotated.keys.get('next')!.toString('base64')}`).keys!);
    expect(Buffer.compare((await loadOfferDocument(deps, app.id, 1, 'letter'))!.content, letter.content)).toBe(0);
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
