/**
 * The console's offer documents and previews (issue 13): HR downloads the letter as sent
 * and the signed copy (real PDFs with the candidate's name and salary; each read in the
 * audit log; 404 before there is one), everyone else is refused; the offer-letter and
 * rejection-feedback previews render without changing anything, and bad input is a 4xx.
 */
import { sql } from 'drizzle-orm';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application, createOrg, createUser, type Org } from '../helpers/org';
import { OFFER, toOfferDrafting, toOfferSent, waitForStage } from '../helpers/journey';
import { eventually, startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;

beforeAll(async () => {
  s = await startStack({ env: { TEMPORAL_RPC_TIMEOUT_MS: '60000' } });
  org = await createOrg(s);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

async function get(url: string, token: string | null) {
  return s.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function post(url: string, token: string, payload: unknown) {
  return s.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'idempotency-key': `k-${Math.random().toString(36).slice(2)}` }, payload: payload as object });
}

async function pdfText(bytes: Buffer): Promise<string> {
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return text;
}

const auditRows = (action: string, applicationId: string) =>
  s.db.handle.rows<{ actor_id: string }>(
    sql`select actor_id from audit_log where action = ${action} and target_id = ${applicationId}`,
  );

/**
 * What a preview must leave alone: the stage, the decision, the offer versions, the human
 * actions the workflow took in (Updates and signals in its history: a preview would have to
 * be one of them to change anything) and the candidate messages a decision or offer sends.
 * (The workflow's own steps may still run meanwhile: its staff notifications are not counted.)
 */
async function footprint(id: string) {
  const st = (await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token })).body;
  const history = await s.temporal.workflow.getHandle(`application-${id}`).fetchHistory();
  const actions = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionSignaledEventAttributes).length;
  const [m] = await s.db.handle.rows<{ n: number }>(
    sql`select count(*)::int as n from messages where application_id = ${id} and template in ('rejection_feedback', 'offer_sent')`,
  );
  const [o] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from offer_versions where application_id = ${id}`);
  return { stage: st.stage, decision: st.decision, versions: st.offer.versions.length, actions, candidateMessages: m!.n, offerRows: o!.n };
}

describe('offer letter and signed copy downloads', { timeout: 180_000 }, () => {
  it('HR downloads the letter then the signed copy; 404 before each exists; others refused; every read audited', async () => {
    const name = 'Dora Download';
    const drafting = await toOfferDrafting(s, org, { candidate: { name, email: 'dora@candidates.example.com', locale: 'en' } });
    const id = drafting.id;
    const approver = await createUser(s, { name: 'Ada Approver', roles: ['approver'] });

    // Before anything is sent: 404 for both.
    expect((await get(`/v1/applications/${id}/offer/letter`, org.hr.token)).statusCode).toBe(404);
    expect((await get(`/v1/applications/${id}/offer/signed`, org.hr.token)).statusCode).toBe(404);

    const draft = await s.api('PUT', `/v1/applications/${id}/offer`, { token: org.hr.token, body: OFFER({ salary: { amount: 345678, currency: 'CNY', period: 'year' } }) });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect((await s.api('POST', `/v1/applications/${id}/offer/submit`, { token: org.hr.token })).status).toBe(200);
    await waitForStage(s, id, 'offer_approval', org.hr.token);
    for (const a of [org.manager, org.gm]) {
      let last: unknown;
      await eventually(async () => {
        const r = await s.api('POST', `/v1/applications/${id}/offer/approvals`, { token: a.token, body: { decision: 'approve' } });
        last = r.body;
        return r.status === 200 ? true : null;
      }).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(last)}`);
      });
    }
    await waitForStage(s, id, 'offer_sent', org.hr.token);

    const letter = await eventually(async () => {
      const r = await get(`/v1/applications/${id}/offer/letter`, org.hr.token);
      return r.statusCode === 200 ? r : null;
    });
    expect(letter.headers['content-type']).toBe('application/pdf');
    expect(letter.headers['content-disposition']).toContain('offer-v1.pdf');
    const text = await pdfText(letter.rawPayload);
    expect(text).toContain(name);
    expect(text).toMatch(/345,678/);
    // The same bytes the candidate's link serves.
    const [stored] = await s.db.handle.rows<{ sha256: string }>(sql`select sha256 from offer_documents where application_id = ${id} and kind = 'letter'`);
    expect(letter.headers['x-content-sha256']).toBe(stored!.sha256);
    // The admin too; an unknown version is 404, a bad one 400.
    expect((await get(`/v1/applications/${id}/offer/letter?version=1`, s.adminToken)).statusCode).toBe(200);
    expect((await get(`/v1/applications/${id}/offer/letter?version=7`, org.hr.token)).statusCode).toBe(404);
    expect((await get(`/v1/applications/${id}/offer/letter?version=zero`, org.hr.token)).statusCode).toBe(400);
    expect((await get(`/v1/applications/not-a-uuid/offer/letter`, org.hr.token)).statusCode).toBe(400);
    expect((await get(`/v1/applications/${crypto.randomUUID()}/offer/letter`, org.hr.token)).statusCode).toBe(404);

    // No signed copy until the candidate signs.
    expect((await get(`/v1/applications/${id}/offer/signed`, org.hr.token)).statusCode).toBe(404);

    // Everyone else: the manager of the department, of another, an approver, IT, the integrator, nobody.
    for (const token of [org.manager.token, org.otherManager.token, org.gm.token, approver.token, org.it.token, org.integrator.token]) {
      for (const kind of ['letter', 'signed']) {
        const r = await get(`/v1/applications/${id}/offer/${kind}`, token);
        expect(r.statusCode, `${kind}: ${r.body}`).toBe(403);
        expect(r.headers['content-type']).toContain('json');
      }
    }
    expect((await get(`/v1/applications/${id}/offer/letter`, null)).statusCode).toBe(401);

    // The candidate signs: the signed copy carries the typed name.
    const token = await eventually(async () => {
      const rows = await s.db.handle.rows<{ body_text: string }>(sql`select body_text from messages where application_id = ${id} and template = 'offer_sent'`);
      return /\/offers\/([A-Za-z0-9_.-]+)/.exec(rows[0]?.body_text ?? '')?.[1] ?? null;
    });
    const accept = await s.api('POST', `/v1/candidate/offer/accept?token=${token}`, { token: null, body: { signatureName: name, consent: true } });
    expect(accept.status, JSON.stringify(accept.body)).toBe(200);
    const signed = await eventually(async () => {
      const r = await get(`/v1/applications/${id}/offer/signed`, org.hr.token);
      return r.statusCode === 200 ? r : null;
    });
    expect(signed.headers['content-disposition']).toContain('offer-v1-signed.pdf');
    const signedText = await pdfText(signed.rawPayload);
    expect(signedText).toContain(name);
    expect(signedText).toMatch(/345,678/);

    // Each successful read is one audit row naming HR (or the admin) and the application; refusals are not reads.
    await eventually(async () => {
      const letters = await auditRows('GET /v1/applications/:id/offer/letter', id);
      const signedRows = await auditRows('GET /v1/applications/:id/offer/signed', id);
      return letters.length === 2 && signedRows.length === 1 ? true : null;
    });
    const letters = await auditRows('GET /v1/applications/:id/offer/letter', id);
    expect(letters.map((r) => r.actor_id)).toContain(org.hr.id);
    expect((await auditRows('GET /v1/applications/:id/offer/signed', id))[0]!.actor_id).toBe(org.hr.id);
  });
});

describe('previews change nothing', { timeout: 180_000 }, () => {
  it('the offer-letter preview renders the draft (name, salary) and leaves the application as it was; bad drafts are 400 with the field', async () => {
    const { id } = await toOfferDrafting(s, org, { candidate: { name: 'Pia Preview', email: 'pia@candidates.example.com', locale: 'en' } });
    const before = await footprint(id);
    const r = await post(`/v1/applications/${id}/offer/preview`, org.hr.token, OFFER({ salary: { amount: 287654, currency: 'CNY', period: 'year' } }));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(r.rawPayload);
    expect(text).toContain('Pia Preview');
    expect(text).toMatch(/287,654/);

    const bad: [unknown, string][] = [
      [OFFER({ startDate: '2020-01-01' }), 'body.startDate'],
      [OFFER({ salary: { amount: 1000, currency: 'USD', period: 'year' } }), 'body.salary.currency'],
      [OFFER({ salary: { amount: 0, currency: 'CNY', period: 'year' } }), 'body.salary.amount'],
      [OFFER({ position: '' }), 'body.position'],
      [{ position: 'No salary' }, 'body.salary'],
    ];
    for (const [body, path] of bad) {
      const res = await post(`/v1/applications/${id}/offer/preview`, org.hr.token, body);
      expect(res.statusCode, res.body).toBe(400);
      const json = res.json<{ error: { code: string; details: { path: string }[] } }>();
      expect(json.error.code).toBe('validation_failed');
      expect(json.error.details.map((d) => d.path).some((p) => p.startsWith(path)), JSON.stringify(json.error.details)).toBe(true);
    }
    // Not HR: refused before anything renders; another department's application is not there for its manager.
    expect((await post(`/v1/applications/${id}/offer/preview`, org.manager.token, OFFER())).statusCode).toBe(403);
    expect((await post(`/v1/applications/${id}/offer/preview`, org.integrator.token, OFFER())).statusCode).toBe(403);
    expect((await post(`/v1/applications/${crypto.randomUUID()}/offer/preview`, org.hr.token, OFFER())).statusCode).toBe(404);

    // The same Idempotency-Key twice renders twice (no stored JSON replay of a PDF).
    const again = await s.app.inject({ method: 'POST', url: `/v1/applications/${id}/offer/preview`, headers: { authorization: `Bearer ${org.hr.token}`, 'idempotency-key': 'same-key' }, payload: OFFER() });
    const again2 = await s.app.inject({ method: 'POST', url: `/v1/applications/${id}/offer/preview`, headers: { authorization: `Bearer ${org.hr.token}`, 'idempotency-key': 'same-key' }, payload: OFFER() });
    expect([again.statusCode, again2.statusCode]).toEqual([200, 200]);
    expect(again2.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    expect(await footprint(id)).toEqual(before);
    expect(before.versions).toBe(0);
  });

  it("the rejection-feedback preview is in the candidate's language, sends nothing, and only before the decision", async () => {
    const res = await s.api('POST', '/v1/applications', {
      token: org.integrator.token,
      body: application(org.jobId, 'weak', { candidate: { name: '李雷', email: 'lilei@candidates.example.com', locale: 'zh-CN' } }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.id as string;
    await eventually(async () => {
      const st = (await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token })).body;
      return ['evaluation', 'decision'].includes(st.stage) ? st : null;
    }, 30_000);
    const before = await footprint(id);

    const zh = await post(`/v1/applications/${id}/decision/feedback-preview`, org.hr.token, {});
    expect(zh.statusCode, zh.body).toBe(200);
    const body = zh.json<{ locale: string; subject: string; text: string; improvements: { name: string; suggestion?: string }[] }>();
    expect(body.locale).toBe('zh-CN');
    expect(body.text).toContain('李雷，您好');
    expect(body.subject).toContain('Acme Robotics');
    expect(body.improvements.length).toBeGreaterThan(0);
    expect(body.improvements[0]!.suggestion).toMatch(/[\u4e00-\u9fff]/);
    // HR may read it in the other language.
    const en = await post(`/v1/applications/${id}/decision/feedback-preview`, org.hr.token, { locale: 'en' });
    expect(en.statusCode).toBe(200);
    expect(en.json<{ text: string }>().text).toContain('Dear 李雷');

    // Bad input: an unknown language, an unknown field, a body that is not an object.
    for (const bad of [{ locale: 'fr' }, { reason: 'x' }, [1]]) {
      const r = await post(`/v1/applications/${id}/decision/feedback-preview`, org.hr.token, bad);
      expect(r.statusCode, r.body).toBe(400);
    }
    expect((await post(`/v1/applications/${id}/decision/feedback-preview`, org.manager.token, {})).statusCode).toBe(403);
    expect((await post(`/v1/applications/${crypto.randomUUID()}/decision/feedback-preview`, org.hr.token, {})).statusCode).toBe(404);
    expect(await footprint(id)).toEqual(before);
    const [feedbackMails] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from messages where application_id = ${id} and template = 'rejection_feedback'`);
    expect(feedbackMails!.n).toBe(0);

    // After an offer went out there is no feedback to preview.
    const sent = await toOfferSent(s, org, { candidate: { name: 'Sam Sent', email: 'sam@candidates.example.com', locale: 'en' } });
    const late = await post(`/v1/applications/${sent.id}/decision/feedback-preview`, org.hr.token, {});
    expect(late.statusCode).toBe(409);
    expect(late.json<{ error: { code: string } }>().error.code).toBe('wrong_stage');
  });

  it('a settings logo that cannot go on a letter (saved before PUT checked it) makes the preview 409 naming it, not 500', async () => {
    const { id } = await toOfferDrafting(s, org, { candidate: { name: 'Lou Logo', email: 'lou@candidates.example.com', locale: 'en' } });
    // Written as an older version could have saved it; PUT /v1/settings refuses it now.
    await s.db.handle.rows(sql`update settings set logo_png_base64 = 'iVBORw0KGgoAAAANSUhEUg==' where id = 1`);
    try {
      // The API reads its settings through a cache of a few seconds.
      const res = await eventually(async () => {
        const r = await post(`/v1/applications/${id}/offer/preview`, org.hr.token, OFFER());
        return r.statusCode === 200 ? null : r;
      }, 20_000);
      expect(res.statusCode, res.body).toBe(409);
      const error = res.json<{ error: { code: string; message: string } }>().error;
      expect(error.code).toBe('conflict');
      expect(error.message).toMatch(/^the company logo is not a readable PNG.*PUT \/v1\/settings/);
    } finally {
      await s.db.handle.rows(sql`update settings set logo_png_base64 = null where id = 1`);
    }
    await eventually(async () => (await post(`/v1/applications/${id}/offer/preview`, org.hr.token, OFFER())).statusCode === 200, 20_000);
  });
});
