/**
 * Offers after approval over HTTP (issue 5, steps 5-7): revisions within and above the
 * approved salary, the superseded link (JSON, accept, page, letter), expiry with a short
 * job timer in real time, accepting twice, declining, and drafts refused with paths.
 * One stack, one SMTP server and one organisation for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createOrg, type Org } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { futureDate, OFFER, toOfferDrafting, toOfferSent, waitForStage } from '../helpers/journey';
import {
  approvalsOf,
  approve,
  createJob,
  draftAndSubmit,
  draftingFor,
  emailOf,
  entries,
  mailsTo,
  status,
  tokenIn,
  waitForLevel,
  waitForMails,
} from '../helpers/offers';

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;
const mail = {} as Record<'hr' | 'manager' | 'gm', string>;
let shortExpiryJob: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({ env: { SMTP_URL: smtp.url } });
  org = await createOrg(s);
  mail.hr = await emailOf(s, org.hr.id);
  mail.manager = await emailOf(s, org.manager.id);
  mail.gm = await emailOf(s, org.gm.id);
  shortExpiryJob = await createJob(s, org, { timers: { offerExpiry: '5s' } });
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
});

const money = (amount: number) => ({ amount, currency: 'CNY', period: 'year' });
const FIRST_OFFER = /^Your offer from Acme Robotics: Backend Engineer$/;
const UPDATED_OFFER = /^Your updated offer from Acme Robotics: Backend Engineer$/;
const asked = (name: string) => new RegExp(`^Action required: Offer approval for ${name}$`);
/** Approval requests to `address` about version `version` of `name`'s offer. */
const askedFor = (address: string, name: string, version: number) =>
  mailsTo(smtp, address, asked(name)).filter((m) => (m.parsed.text ?? '').includes(`Backend Engineer, v${version}`));
const hrEvent = (title: string, name: string, version: number) => new RegExp(`^${title}: ${name} \\(v${version}\\)$`);

async function sent(name: string, email: string) {
  const app = await toOfferSent(s, org, { candidate: { name, email, locale: 'en' } });
  const [first] = await waitForMails(smtp, email, FIRST_OFFER);
  return { ...app, token: tokenIn(first!) };
}

const getJson = (token: string) => s.api('GET', `/v1/candidate/offer?token=${token}`, { token: null });
const accept = (token: string, signatureName: string) =>
  s.api('POST', `/v1/candidate/offer/accept?token=${token}`, { token: null, body: { signatureName, consent: true } });
const decline = (token: string, reason?: string) =>
  s.api('POST', `/v1/candidate/offer/decline?token=${token}`, { token: null, body: reason ? { reason } : {} });
const page = (token: string) => s.app.inject({ method: 'GET', url: `/offers/${token}` });
const revise = (id: string, offer: Record<string, unknown>) =>
  s.api('PUT', `/v1/applications/${id}/offer`, { token: org.hr.token, body: OFFER(offer) });

async function waitForCurrent(id: string, version: number, offerStatus: string) {
  return eventually(async () => {
    const st = await status(s, org, id);
    return st.offer.current?.version === version && st.offer.current.status === offerStatus ? st : null;
  });
}

/** Waits until the application has moved to 'accepted' (onboarding may already have followed). */
const reachedAccepted = (id: string) =>
  eventually(async () => {
    const st = await status(s, org, id);
    return entries(st, 'stage_changed').some((e) => e.detail?.to === 'accepted') ? st : null;
  });

const versionRows = (id: string) =>
  s.db.handle.rows<{ version: number; status: string }>(
    sql`select version, status from offer_versions where application_id = ${id} order by version`,
  );

/** The old link of a superseded version: every candidate route refuses it with 409. */
async function expectSuperseded(token: string) {
  const json = await getJson(token);
  expect(json.status).toBe(409);
  expect(json.body.error.code).toBe('stale_version');
  const acc = await accept(token, 'whoever');
  expect(acc.status).toBe(409);
  expect(acc.body.error.code).toBe('stale_version');
  const dec = await decline(token);
  expect(dec.status).toBe(409);
  const html = await page(token);
  expect(html.statusCode).toBe(409);
  expect(html.headers['content-type']).toMatch(/text\/html/);
  expect(html.body).toContain('This offer has been replaced by a newer version');
  expect(html.body).not.toContain('Accept and sign');
  expect(html.body).not.toContain('name="signatureName"');
  const pdf = await s.app.inject({ method: 'GET', url: `/v1/candidate/offer.pdf?token=${token}` });
  expect(pdf.statusCode).toBe(409);
}

describe('revisions of a sent offer', () => {
  it('within the approved salary: re-issued directly as v2 with a new link; the old link is superseded', async () => {
    const name = 'Ria Within';
    const email = 'ria.within@candidates.example.com';
    const app = await sent(name, email);

    const r = await revise(app.id, { salary: money(290_000), benefits: ['Health insurance', '20 days paid leave'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ version: 2, requiresApproval: false, stage: 'offer_sent' });

    await waitForCurrent(app.id, 2, 'sent');
    const st = await eventually(async () => {
      const x = await status(s, org, app.id);
      return x.stage === 'offer_sent' && entries(x, 'offer_sent').length === 2 ? x : null;
    });
    expect(st.offer.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'sent'],
    ]);
    expect(st.offer.current).toMatchObject({ requiresApproval: false, levels: [], decisions: [] });
    expect(st.offer.current.offer.salary.amount).toBe(290_000);
    expect(entries(st, 'offer_revised')).toEqual([expect.objectContaining({ detail: { version: 2, salary: money(290_000), requiresApproval: false } })]);
    expect(entries(st, 'offer_sent').map((e) => e.detail?.version)).toEqual([1, 2]);
    // no approval round: the stage never left the sent stages
    const stages = entries(st, 'stage_changed').map((e) => e.detail?.to);
    expect(stages.filter((x) => x === 'offer_approval')).toHaveLength(1);
    expect(stages.filter((x) => x === 'offer_drafting')).toHaveLength(1);
    expect(stages.at(-1)).toBe('offer_sent');

    // a new e-mail with a new link for v2
    const [updated] = await waitForMails(smtp, email, UPDATED_OFFER);
    const newToken = tokenIn(updated!);
    expect(newToken).not.toBe(app.token);
    expect(updated!.parsed.text).toContain('Offer version 2');
    expect(mailsTo(smtp, email, FIRST_OFFER)).toHaveLength(1);
    await waitForMails(smtp, mail.hr, hrEvent('Offer sent', name, 2));
    // the approvers were not asked again
    expect([...askedFor(mail.manager, name, 2), ...askedFor(mail.gm, name, 2)]).toEqual([]);
    expect(await approvalsOf(s, org.manager.token)).not.toContain(app.id);
    expect(await s.db.handle.rows(sql`select 1 from approval_items where application_id = ${app.id} and version = 2`)).toEqual([]);

    await expectSuperseded(app.token);

    const cur = await getJson(newToken);
    expect(cur.status, JSON.stringify(cur.body)).toBe(200);
    expect(cur.body).toMatchObject({ version: 2, salary: money(290_000), benefits: ['Health insurance', '20 days paid leave'] });
    // the database mirror follows: v1 superseded, v2 sent
    expect.soft(await versionRows(app.id), 'offer_versions mirror after a direct re-issue').toEqual([
      { version: 1, status: 'superseded' },
      { version: 2, status: 'sent' },
    ]);
    // v2 is the one to accept
    const ok = await accept(newToken, name);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, response: { kind: 'accepted' } });
    const done = await reachedAccepted(app.id);
    expect(entries(done, 'stage_changed').find((e) => e.detail?.to === 'accepted')!.detail).toMatchObject({ version: 2 });
  });

  it('above the approved salary: back to drafting, submitted and approved again before v2 goes out', async () => {
    const name = 'Hugo Higher';
    const email = 'hugo.higher@candidates.example.com';
    const app = await sent(name, email);

    const r = await revise(app.id, { salary: money(350_000) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ version: 2, requiresApproval: true, stage: 'offer_drafting' });
    const drafting = await waitForStage(s, app.id, 'offer_drafting', org.hr.token);
    expect(drafting.offer.current).toMatchObject({ version: 2, status: 'draft', requiresApproval: true });
    expect(drafting.pendingActions).toEqual([expect.objectContaining({ action: 'submit_offer', actor: 'hr' })]);
    await expectSuperseded(app.token);
    // nothing goes out before approval
    await new Promise((res) => setTimeout(res, 300));
    expect(mailsTo(smtp, email, UPDATED_OFFER)).toEqual([]);

    const sub = await s.api('POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token });
    expect(sub.status, JSON.stringify(sub.body)).toBe(200);
    expect(sub.body.version).toBe(2);
    await waitForLevel(s, org, app.id, 0);
    // the manager is asked again, for v2 (an approver who decides before the request goes out is not
    // e-mailed, so v1's request may or may not exist: look for v2's)
    await eventually(async () => askedFor(mail.manager, name, 2).length === 1);
    expect((await approve(s, app.id, org.manager.token, { version: 2 })).status).toBe(200);
    await waitForLevel(s, org, app.id, 1);
    expect((await approve(s, app.id, org.gm.token, { version: 2 })).status).toBe(200);
    await waitForCurrent(app.id, 2, 'sent');
    const out = await waitForStage(s, app.id, 'offer_sent', org.hr.token);
    expect(out.offer.current.levels.map((l: { status: string }) => l.status)).toEqual(['approved', 'approved']);
    const [updated] = await waitForMails(smtp, email, UPDATED_OFFER);
    const json = await getJson(tokenIn(updated!));
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ version: 2, salary: money(350_000) });
    expect.soft(await versionRows(app.id), 'offer_versions mirror after a re-approved revision').toEqual([
      { version: 1, status: 'superseded' },
      { version: 2, status: 'sent' },
    ]);
  });

  it('below the band (though under the approved salary): needs approval again', async () => {
    const app = await sent('Bea Below', 'bea.below@candidates.example.com');
    const r = await revise(app.id, { salary: money(150_000) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ version: 2, requiresApproval: true, stage: 'offer_drafting' });
    await waitForStage(s, app.id, 'offer_drafting', org.hr.token);
  });
});

describe("the candidate's answer", () => {
  it('accepting twice is harmless: the same response, one signature, HR told once', async () => {
    const name = 'Tess Twice';
    const app = await sent(name, 'tess.twice@candidates.example.com');
    const first = await accept(app.token, name);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ version: 1, response: { kind: 'accepted' } });
    const second = await accept(app.token, 'TESS  TWICE');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.response).toEqual(first.body.response);
    await reachedAccepted(app.id);
    // the page's form, once more: the confirmation, not an error
    const form = await s.app.inject({
      method: 'POST',
      url: `/offers/${app.token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ action: 'accept', signatureName: name, consent: 'true' }).toString(),
    });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('You accepted this offer');
    // declining an accepted offer is refused
    const dec = await decline(app.token, 'changed my mind');
    expect(dec.status).toBe(409);

    await waitForMails(smtp, mail.hr, hrEvent('Offer accepted', name, 1));
    await new Promise((res) => setTimeout(res, 300));
    expect(mailsTo(smtp, mail.hr, hrEvent('Offer accepted', name, 1))).toHaveLength(1);
    const sigs = await s.db.handle.rows<{ signature_name: string }>(
      sql`select signature_name from offer_signatures where application_id = ${app.id}`,
    );
    expect(sigs).toEqual([{ signature_name: name }]);
    const st = await status(s, org, app.id);
    expect(entries(st, 'stage_changed').filter((e) => e.detail?.to === 'accepted')).toHaveLength(1);
    expect(entries(st, 'offer_accepted')).toHaveLength(1);
    expect(st.offer.current.response.signature.name).toBe(name);
  });

  it("declining: stage 'declined', the reason in the timeline, HR told", async () => {
    const name = 'Dan Decline';
    const app = await sent(name, 'dan.decline@candidates.example.com');
    const reason = 'I accepted another offer.';
    const res = await decline(app.token, reason);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ version: 1, response: { kind: 'declined', reason } });
    const st = await waitForStage(s, app.id, 'declined', org.hr.token);
    expect(st.offer.current.status).toBe('declined');
    expect(entries(st, 'offer_declined')).toEqual([expect.objectContaining({ detail: { version: 1, reason } })]);
    expect(entries(st, 'stage_changed').at(-1)!.detail).toMatchObject({ to: 'declined', reason });
    const [told] = await waitForMails(smtp, mail.hr, hrEvent('Offer declined', name, 1));
    expect(told!.parsed.text).toContain(reason);
    const acc = await accept(app.token, name);
    expect(acc.status).toBe(409);
    const html = await page(app.token);
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('You declined this offer');
  });

  it('an expired offer (job offerExpiry 5s) cannot be accepted: 409; candidate and HR are told', async () => {
    const name = 'Eve Expired';
    const email = 'eve.expired@candidates.example.com';
    const app = await draftingFor(s, org, name, email, shortExpiryJob);
    await draftAndSubmit(s, org, app.id);
    expect((await approve(s, app.id, org.manager.token)).status).toBe(200);
    await waitForLevel(s, org, app.id, 1);
    expect((await approve(s, app.id, org.gm.token)).status).toBe(200);
    const out = await waitForStage(s, app.id, 'offer_sent', org.hr.token);
    const { sentAt, expiresAt } = out.offer.current;
    expect(Date.parse(expiresAt) - Date.parse(sentAt)).toBe(5_000);
    const [offerMail] = await waitForMails(smtp, email, FIRST_OFFER);
    const token = tokenIn(offerMail!);

    const st = await waitForStage(s, app.id, 'expired', org.hr.token, 20_000);
    expect(st.offer.current.status).toBe('expired');
    expect(entries(st, 'stage_changed').at(-1)!.detail).toMatchObject({ from: 'offer_sent', to: 'expired', version: 1 });
    const acc = await accept(token, name);
    expect(acc.status).toBe(409);
    expect(acc.body.error.code).toBe('wrong_stage');
    expect((await getJson(token)).status).toBe(409);
    const html = await page(token);
    expect(html.statusCode).toBe(410);
    expect(html.body).toContain('This offer has expired');
    expect(html.body).not.toContain('Accept and sign');
    await waitForMails(smtp, email, /^Your offer from Acme Robotics for Backend Engineer has expired$/);
    await waitForMails(smtp, mail.hr, hrEvent('Offer expired', name, 1));
    const sigs = await s.db.handle.rows(sql`select 1 from offer_signatures where application_id = ${app.id}`);
    expect(sigs).toEqual([]);
  });
});

describe('bad drafts', () => {
  it('are refused with 400 and the bad field paths, and change nothing (before and after sending)', async () => {
    const app = await toOfferDrafting(s, org, { candidate: { name: 'Bad Draft', email: 'bad.draft@candidates.example.com', locale: 'en' } });
    const cases: { name: string; offer: Record<string, unknown>; paths: string[] }[] = [
      { name: 'start date today', offer: { startDate: futureDate(0) }, paths: ['body.startDate'] },
      { name: 'start date in the past', offer: { startDate: futureDate(-10) }, paths: ['body.startDate'] },
      { name: 'zero salary', offer: { salary: money(0) }, paths: ['body.salary.amount'] },
      { name: 'negative salary', offer: { salary: money(-5_000) }, paths: ['body.salary.amount'] },
      { name: 'another currency', offer: { salary: { amount: 300_000, currency: 'USD', period: 'year' } }, paths: ['body.salary.currency'] },
      { name: 'another period', offer: { salary: { amount: 25_000, currency: 'CNY', period: 'month' } }, paths: ['body.salary.period'] },
      {
        name: 'several at once',
        offer: { startDate: futureDate(-1), salary: { amount: 300_000, currency: 'EUR', period: 'year' } },
        paths: ['body.startDate', 'body.salary.currency'],
      },
    ];
    const check = async (expectedVersions: number, expectedStage: string) => {
      for (const c of cases) {
        const r = await revise(app.id, c.offer);
        expect(r.status, `${c.name}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.error.code, c.name).toBe('validation_failed');
        expect(r.body.error.details.map((d: { path: string }) => d.path).sort(), c.name).toEqual([...c.paths].sort());
      }
      const st = await status(s, org, app.id);
      expect(st.stage).toBe(expectedStage);
      expect(st.offer.versions).toHaveLength(expectedVersions);
      expect(entries(st, 'offer_drafted').length + entries(st, 'offer_revised').length).toBe(expectedVersions);
      return st;
    };
    const before = await check(0, 'offer_drafting');
    expect(before.offer.current).toBeNull();

    // a good draft is then version 1: the refused ones left no trace
    const good = await revise(app.id, {});
    expect(good.body).toMatchObject({ version: 1, requiresApproval: true });
    await draftAndSubmitExisting(app.id);
    const after = await check(1, 'offer_sent');
    expect(after.offer.current).toMatchObject({ version: 1, status: 'sent' });
  });
});

/** Submits the current draft and has both default levels approve it. */
async function draftAndSubmitExisting(id: string) {
  expect((await s.api('POST', `/v1/applications/${id}/offer/submit`, { token: org.hr.token })).status).toBe(200);
  await waitForLevel(s, org, id, 0);
  expect((await approve(s, id, org.manager.token)).status).toBe(200);
  await waitForLevel(s, org, id, 1);
  expect((await approve(s, id, org.gm.token)).status).toBe(200);
  await waitForStage(s, id, 'offer_sent', org.hr.token);
}
