/**
 * The offer approval chain over HTTP (issue 5, step 2): the default chain plus the
 * above-band level, quorum levels (N of M, any), delegation, rejection and revision,
 * the wrong approver (403), a stale version (409), each approver's inbox and e-mail.
 * One stack, one SMTP server and one organisation for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createOrg, createUser, type Org } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { OFFER, waitForStage } from '../helpers/journey';
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
  waitForLevel,
  waitForMails,
} from '../helpers/offers';

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;
type Person = { id: string; token: string; email: string; name: string };
const p = {} as Record<'a' | 'b' | 'c' | 'vp' | 'dee', Person>;
const mail = {} as Record<'hr' | 'manager' | 'gm', string>;
let aboveBandJob: string;
let quorumJob: string;
let anyJob: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({ env: { SMTP_URL: smtp.url } });
  org = await createOrg(s);
  const mk = async (key: keyof typeof p, name: string) => {
    const email = `${key}.approvals@acme.example`;
    const u = await createUser(s, { name, roles: ['approver'], email });
    p[key] = { id: u.id, token: u.token, email, name };
  };
  await mk('a', 'Ada Approver');
  await mk('b', 'Bo Approver');
  await mk('c', 'Cy Approver');
  await mk('vp', 'Vera VP');
  await mk('dee', 'Dee Delegate');
  mail.hr = await emailOf(s, org.hr.id);
  mail.manager = await emailOf(s, org.manager.id);
  mail.gm = await emailOf(s, org.gm.id);
  aboveBandJob = await createJob(s, org, { aboveBandApproverUserId: p.vp.id });
  quorumJob = await createJob(s, org, { approvalChain: [{ approvers: [p.a.id, p.b.id, p.c.id], quorum: 2 }] });
  anyJob = await createJob(s, org, { approvalChain: [{ approvers: [p.a.id, p.b.id], quorum: 'any' }, { approvers: [org.gm.id] }] });
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
});

const askedSubject = (candidate: string) => new RegExp(`^Action required: Offer approval for ${candidate}$`);
const money = (amount: number) => ({ amount, currency: 'CNY', period: 'year' });

/** Waits until `userId`'s inbox does (or does not) list the application. */
async function inboxSays(token: string, id: string, listed: boolean, timeoutMs = 10_000) {
  return eventually(async () => (await approvalsOf(s, token)).includes(id) === listed, timeoutMs);
}

async function itemStatuses(id: string) {
  const rows = await s.db.handle.rows<{ version: number; level: number; user_id: string; status: string }>(
    sql`select version, level, user_id, status from approval_items where application_id = ${id} order by version, level, user_id`,
  );
  return Object.fromEntries(rows.map((r) => [`v${r.version}:l${r.level}:${r.user_id}`, r.status]));
}

describe('the default chain and the above-band level', () => {
  it('three levels above the band, in order, each approver asked by e-mail when their level starts', async () => {
    const name = 'Abe Above';
    const app = await draftingFor(s, org, name, 'abe.above@candidates.example.com', aboveBandJob);
    const sub = await draftAndSubmit(s, org, app.id, { salary: money(450_000) });
    expect(sub.version).toBe(1);
    expect(sub.levels.map((l) => [l.reason, l.approvers, l.required])).toEqual([
      ['department_manager', [org.manager.id], 1],
      ['general_manager', [org.gm.id], 1],
      ['above_band', [p.vp.id], 1],
    ]);
    const asked = askedSubject(name);

    // level 1: the department manager only
    await waitForMails(smtp, mail.manager, asked);
    await inboxSays(org.manager.token, app.id, true);
    expect(await approvalsOf(s, org.gm.token)).not.toContain(app.id);
    expect(await approvalsOf(s, p.vp.token)).not.toContain(app.id);
    expect(mailsTo(smtp, mail.gm, asked)).toEqual([]);
    expect(mailsTo(smtp, p.vp.email, asked)).toEqual([]);
    // not yet the general manager's turn, nor the above-band approver's
    expect((await approve(s, app.id, org.gm.token)).status).toBe(403);
    expect((await approve(s, app.id, p.vp.token)).status).toBe(403);

    const l1 = await approve(s, app.id, org.manager.token, { comment: 'Fine by me' });
    expect(l1.status, JSON.stringify(l1.body)).toBe(200);
    expect(l1.body).toMatchObject({ version: 1, level: 1, status: 'approved' });

    // level 2: the general manager
    await waitForLevel(s, org, app.id, 1);
    await waitForMails(smtp, mail.gm, asked);
    await inboxSays(org.gm.token, app.id, true);
    await inboxSays(org.manager.token, app.id, false);
    expect(mailsTo(smtp, p.vp.email, asked)).toEqual([]);
    expect((await approve(s, app.id, p.vp.token)).status).toBe(403);
    expect((await approve(s, app.id, org.gm.token)).status).toBe(200);

    // level 3: above the band
    await waitForLevel(s, org, app.id, 2);
    await waitForMails(smtp, p.vp.email, asked);
    await inboxSays(p.vp.token, app.id, true);
    await inboxSays(org.gm.token, app.id, false);
    expect((await approve(s, app.id, p.vp.token, { version: 1 })).body).toMatchObject({ level: 3, status: 'approved' });

    const sent = await waitForStage(s, app.id, 'offer_sent', org.hr.token);
    expect(sent.offer.current.levels.map((l: { status: string }) => l.status)).toEqual(['approved', 'approved', 'approved']);
    expect(sent.offer.current.decisions.map((d: { userId: string; level: number }) => [d.level, d.userId])).toEqual([
      [0, org.manager.id],
      [1, org.gm.id],
      [2, p.vp.id],
    ]);
    const given = entries(sent, 'offer_approval_given');
    expect(given.map((e) => [e.actor !== 'system' && e.actor.id, e.detail?.level])).toEqual([
      [org.manager.id, 1],
      [org.gm.id, 2],
      [p.vp.id, 3],
    ]);
    expect(given[0]!.detail).toMatchObject({ version: 1, comment: 'Fine by me' });
    expect(entries(sent, 'offer_approved')).toHaveLength(1);
    // each approver asked exactly once
    for (const to of [mail.manager, mail.gm, p.vp.email]) expect(mailsTo(smtp, to, asked)).toHaveLength(1);
    expect(await approvalsOf(s, p.vp.token)).not.toContain(app.id);
  });

  it('two levels when the salary is within the band (at its maximum)', async () => {
    const app = await draftingFor(s, org, 'Wendy Within', 'wendy.within@candidates.example.com', aboveBandJob);
    const sub = await draftAndSubmit(s, org, app.id, { salary: money(400_000) });
    expect(sub.levels.map((l) => [l.reason, l.approvers])).toEqual([
      ['department_manager', [org.manager.id]],
      ['general_manager', [org.gm.id]],
    ]);
    const st = await status(s, org, app.id);
    expect(st.pendingActions).toEqual([expect.objectContaining({ action: 'approve_offer', actor: org.manager.id, overdue: false })]);
  });
});

describe('quorum levels', () => {
  it('2 of 3: one approval keeps the level pending, the second passes it, the third approver is refused', async () => {
    const name = 'Quinn Quorum';
    const app = await draftingFor(s, org, name, 'quinn.quorum@candidates.example.com', quorumJob);
    const sub = await draftAndSubmit(s, org, app.id);
    expect(sub.levels).toEqual([
      expect.objectContaining({ approvers: [p.a.id, p.b.id, p.c.id], quorum: 2, required: 2, reason: 'job_chain' }),
    ]);
    const asked = askedSubject(name);
    for (const x of [p.a, p.b, p.c]) {
      await waitForMails(smtp, x.email, asked);
      await inboxSays(x.token, app.id, true);
    }
    // the department manager and the general manager are not part of a job's own chain
    expect((await approve(s, app.id, org.manager.token)).status).toBe(403);

    const first = await approve(s, app.id, p.a.token);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ version: 1, level: 1, status: 'pending', stage: 'offer_approval' });
    const again = await approve(s, app.id, p.a.token);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const mid = await status(s, org, app.id);
    expect(mid.stage).toBe('offer_approval');
    expect(mid.offer.current.levels[0].status).toBe('pending');
    expect(mid.pendingActions.map((x: { actor: string }) => x.actor).sort()).toEqual([p.b.id, p.c.id].sort());
    await inboxSays(p.a.token, app.id, false);
    expect(await approvalsOf(s, p.b.token)).toContain(app.id);
    expect(await approvalsOf(s, p.c.token)).toContain(app.id);

    const second = await approve(s, app.id, p.b.token);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ level: 1, status: 'approved' });
    const sent = await waitForStage(s, app.id, 'offer_sent', org.hr.token);
    expect(sent.offer.current.decisions.map((d: { userId: string }) => d.userId)).toEqual([p.a.id, p.b.id]);

    // the level is decided and the offer has gone out: nothing is waiting for the third approver
    const third = await approve(s, app.id, p.c.token);
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('wrong_stage');
    await inboxSays(p.c.token, app.id, false);
    expect(await itemStatuses(app.id)).toEqual({
      [`v1:l0:${p.a.id}`]: 'approved',
      [`v1:l0:${p.b.id}`]: 'approved',
      [`v1:l0:${p.c.id}`]: 'cancelled',
    });
    expect(entries(await status(s, org, app.id), 'offer_approval_given')).toHaveLength(2);
  });

  it("'any': the first approval passes the level, the other approver is then refused (403)", async () => {
    const name = 'Annie Any';
    const app = await draftingFor(s, org, name, 'annie.any@candidates.example.com', anyJob);
    const sub = await draftAndSubmit(s, org, app.id);
    expect(sub.levels.map((l) => [l.approvers, l.required])).toEqual([
      [[p.a.id, p.b.id], 1],
      [[org.gm.id], 1],
    ]);
    await inboxSays(p.b.token, app.id, true);
    const a = await approve(s, app.id, p.a.token);
    expect(a.body).toMatchObject({ level: 1, status: 'approved' });
    await waitForLevel(s, org, app.id, 1);
    const late = await approve(s, app.id, p.b.token);
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe('forbidden');
    await inboxSays(p.b.token, app.id, false);
    await inboxSays(org.gm.token, app.id, true);
    expect(await itemStatuses(app.id)).toMatchObject({ [`v1:l0:${p.b.id}`]: 'cancelled', [`v1:l1:${org.gm.id}`]: 'pending' });
    expect((await approve(s, app.id, org.gm.token)).status).toBe(200);
    await waitForStage(s, app.id, 'offer_sent', org.hr.token);
  });
});

describe('delegation', () => {
  it("HR hands the manager's pending approval to another user; logged with both names, the inbox follows", async () => {
    const name = 'Della Gate';
    const app = await draftingFor(s, org, name, 'della.gate@candidates.example.com');
    await draftAndSubmit(s, org, app.id);
    await inboxSays(org.manager.token, app.id, true);
    const url = `/v1/applications/${app.id}/offer/approvals/delegate`;

    // only HR or an admin delegates; only a pending approver's approval can be delegated
    expect((await s.api('POST', url, { token: org.manager.token, body: { fromUserId: org.manager.id, toUserId: p.dee.id } })).status).toBe(403);
    const notPending = await s.api('POST', url, { token: org.hr.token, body: { fromUserId: org.gm.id, toUserId: p.dee.id } });
    expect(notPending.status).toBe(400);
    expect(notPending.body.error.details).toEqual([expect.objectContaining({ path: 'body.fromUserId' })]);

    // least privilege: never to yourself, never to whoever drafted the offer (403); nothing changes
    const self = await s.api('POST', url, { token: org.hr.token, body: { fromUserId: org.manager.id, toUserId: org.hr.id } });
    expect(self.status, JSON.stringify(self.body)).toBe(403);
    expect(self.body.error).toMatchObject({ code: 'forbidden', message: 'you cannot hand an approval to yourself' });
    const admin = await createUser(s, { name: 'Ada Admin', roles: ['admin'] });
    const toDrafter = await s.api('POST', url, { token: admin.token, body: { fromUserId: org.manager.id, toUserId: org.hr.id } });
    expect(toDrafter.status, JSON.stringify(toDrafter.body)).toBe(403);
    expect(toDrafter.body.error.message).toBe('Hana HR drafted offer v1 and cannot approve it');
    const unchanged = await status(s, org, app.id);
    expect(entries(unchanged, 'offer_approval_delegated')).toHaveLength(0);
    expect(unchanged.offer.current.levels[0].approvers).toEqual([org.manager.id]);
    expect(unchanged.pendingActions).toEqual([expect.objectContaining({ action: 'approve_offer', actor: org.manager.id })]);

    const d = await s.api('POST', url, { token: org.hr.token, body: { fromUserId: org.manager.id, toUserId: p.dee.id } });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body).toEqual({ version: 1, level: 1, approvers: [p.dee.id] });

    // the delegate is asked and can approve; the original approver no longer can
    await waitForMails(smtp, p.dee.email, askedSubject(name));
    await inboxSays(p.dee.token, app.id, true);
    const original = await approve(s, app.id, org.manager.token);
    expect(original.status).toBe(403);
    expect(original.body.error.code).toBe('forbidden');

    const st = await status(s, org, app.id);
    const logged = entries(st, 'offer_approval_delegated');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.actor).toEqual({ id: org.hr.id, name: 'Hana HR' });
    expect(logged[0]!.detail).toMatchObject({ version: 1, level: 1, fromUserId: org.manager.id, toUserId: p.dee.id, toName: 'Dee Delegate' });
    // both names: the original approver's name, not only their id
    expect.soft(logged[0]!.detail?.fromName, 'timeline names the original approver').toBe('Mei Manager');
    expect.soft(st.offer.current.levels[0].delegations[0], 'level state names the original approver').toMatchObject({
      fromUserId: org.manager.id,
      fromName: 'Mei Manager',
      toUserId: p.dee.id,
      toName: 'Dee Delegate',
      by: org.hr.id,
      byName: 'Hana HR',
    });
    expect(st.pendingActions).toEqual([expect.objectContaining({ action: 'approve_offer', actor: p.dee.id })]);
    // GET /v1/approvals moves from the manager to the delegate
    const managerStillListed = await inboxSays(org.manager.token, app.id, false, 3_000).then(
      () => false,
      () => true,
    );
    expect.soft(managerStillListed, "the original approver's inbox still lists the delegated approval").toBe(false);

    const ok = await approve(s, app.id, p.dee.token, { comment: 'Approved on behalf of Mei' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ level: 1, status: 'approved' });
    await waitForLevel(s, org, app.id, 1);
    const after = await status(s, org, app.id);
    expect(entries(after, 'offer_approval_given')[0]!.actor).toEqual({ id: p.dee.id, name: 'Dee Delegate' });
    await inboxSays(p.dee.token, app.id, false);
    await inboxSays(org.gm.token, app.id, true);
    expect.soft(
      (await itemStatuses(app.id))[`v1:l0:${org.manager.id}`],
      "the original approver's approval item after the level was decided by the delegate",
    ).not.toBe('pending');
    const mgr = await approvalsOf(s, org.manager.token);
    expect.soft(mgr, 'the manager still sees a decided, delegated approval in GET /v1/approvals').not.toContain(app.id);
  });
});

describe('rejection, revision and resubmission', () => {
  it('a rejection goes back to drafting with the comment and HR is told; v2 goes through; stale and wrong approvers are refused', async () => {
    const name = 'Rita Reject';
    const email = 'rita.reject@candidates.example.com';
    const app = await draftingFor(s, org, name, email);
    await draftAndSubmit(s, org, app.id, { salary: money(390_000) });
    await waitForMails(smtp, mail.manager, askedSubject(name));

    // the wrong approver: the general manager's level has not started; HR is no approver
    const gm = await approve(s, app.id, org.gm.token);
    expect(gm.status).toBe(403);
    expect(gm.body.error.code).toBe('forbidden');
    expect((await approve(s, app.id, org.hr.token)).status).toBe(403);
    expect((await approve(s, app.id, p.a.token)).status).toBe(403);

    const comment = 'Too high for this level: keep it at 340k.';
    const rej = await s.api('POST', `/v1/applications/${app.id}/offer/approvals`, {
      token: org.manager.token,
      body: { decision: 'reject', comment, version: 1 },
    });
    expect(rej.status, JSON.stringify(rej.body)).toBe(200);
    expect(rej.body).toMatchObject({ version: 1, level: 1, status: 'rejected' });

    const back = await waitForStage(s, app.id, 'offer_drafting', org.hr.token);
    expect(back.offer.current).toMatchObject({ version: 1, status: 'approval_rejected' });
    expect(back.offer.current.levels.map((l: { status: string }) => l.status)).toEqual(['rejected', 'cancelled']);
    expect(back.pendingActions).toEqual([expect.objectContaining({ action: 'revise_offer', actor: 'hr' })]);
    const refused = entries(back, 'offer_approval_refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.actor).toEqual({ id: org.manager.id, name: 'Mei Manager' });
    expect(refused[0]!.detail).toEqual({ version: 1, level: 1, comment });
    expect(entries(back, 'stage_changed').at(-1)!.detail).toMatchObject({ from: 'offer_approval', to: 'offer_drafting', rejectedBy: 'Mei Manager' });

    // HR is told, with the comment
    const [told] = await waitForMails(smtp, mail.hr, new RegExp(`^Offer approval rejected: ${name} \\(v1\\)$`));
    expect(told!.parsed.text).toContain(comment);
    expect(told!.parsed.text).toContain('Mei Manager rejected');
    await inboxSays(org.manager.token, app.id, false);
    expect(mailsTo(smtp, mail.gm, askedSubject(name))).toEqual([]);

    // the rejected version cannot be resubmitted as is, nor decided again
    const resubmit = await s.api('POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token });
    expect(resubmit.status).toBe(409);
    expect((await approve(s, app.id, org.manager.token)).status).toBe(409);

    // the revision
    const v2 = await s.api('PUT', `/v1/applications/${app.id}/offer`, { token: org.hr.token, body: OFFER({ salary: money(340_000) }) });
    expect(v2.status, JSON.stringify(v2.body)).toBe(200);
    expect(v2.body).toEqual({ version: 2, requiresApproval: true, stage: 'offer_drafting' });
    const sub = await s.api('POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token });
    expect(sub.status, JSON.stringify(sub.body)).toBe(200);
    expect(sub.body.version).toBe(2);
    await waitForLevel(s, org, app.id, 0);
    await waitForMails(smtp, mail.manager, askedSubject(name), 2);

    // a decision on the old version is stale
    const stale = await s.api('POST', `/v1/applications/${app.id}/offer/approvals`, {
      token: org.manager.token,
      body: { decision: 'approve', version: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
    expect((await approve(s, app.id, org.gm.token, { version: 2 })).status).toBe(403);

    expect((await approve(s, app.id, org.manager.token, { version: 2 })).body).toMatchObject({ version: 2, level: 1, status: 'approved' });
    await waitForLevel(s, org, app.id, 1);
    expect((await approve(s, app.id, org.gm.token, { version: 2 })).body).toMatchObject({ version: 2, level: 2, status: 'approved' });
    const sent = await waitForStage(s, app.id, 'offer_sent', org.hr.token);
    expect(sent.offer.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'sent'],
    ]);
    expect(sent.offer.current.offer.salary.amount).toBe(340_000);
    expect(entries(sent, 'offer_revised')[0]!.detail).toMatchObject({ version: 2, requiresApproval: true });
    // the candidate hears only of the approved version: one offer e-mail, v2
    const offers = await waitForMails(smtp, email, /offer from Acme Robotics/);
    expect(offers).toHaveLength(1);
    expect(offers[0]!.parsed.text).toContain('Offer version 2');
    // v1 never reached the candidate, so v2 is their first offer, not an "update" replacing one "we sent before"
    expect.soft(offers[0]!.parsed.subject, 'first offer the candidate receives is announced as an update').toBe(
      'Your offer from Acme Robotics: Backend Engineer',
    );
    expect.soft(offers[0]!.parsed.text).not.toContain('replaces the one we sent before');
    const rows = await s.db.handle.rows<{ version: number; status: string }>(
      sql`select version, status from offer_versions where application_id = ${app.id} order by version`,
    );
    expect(rows).toEqual([
      { version: 1, status: 'superseded' },
      { version: 2, status: 'sent' },
    ]);
  });
});
