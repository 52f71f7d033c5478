/**
 * Read-your-writes (docs/integrators.md): after any 2xx the next actor can act at once and
 * every read shows the change. Four journeys run at the same time over HTTP; each actor
 * acts the moment the previous answer arrives (no pause, no retry on 403/404/409) and
 * every read right after a 2xx must already show what it did: the status and its pending
 * actions, the approvals inbox, the application list, the job's ranking, the employees.
 *
 * The only waits are for work nobody hands over by an answer: a new application's
 * checks (its POST answers 202, accepted) and the e-mails that carry the candidate's links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFER } from '../helpers/journey';
import { JPEG_BYTES, multipart, PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import { application, createOrg, type Org } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type ApiResponse, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  // An answer now includes the work that follows it (a letter rendered, an employee created);
  // on this shared (heavily loaded) machine that can pass the default 5 s Temporal deadline. The rule under
  // test is what an answer shows, not how fast it comes.
  s = await startStack({ env: { SMTP_URL: smtp.url, TEMPORAL_RPC_TIMEOUT_MS: '120000' } });
  org = await createOrg(s);
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
});

type Method = 'GET' | 'POST' | 'PUT';

/** One call that must answer `status` at once: the test's actors never retry. */
async function act(method: Method, url: string, token: string | null, body?: unknown, status = 200): Promise<any> {
  const res: ApiResponse = await s.api(method, url, { token, ...(body !== undefined ? { body } : {}) });
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.body).slice(0, 400)}`).toBe(status);
  return res.body;
}

const status = (id: string) => act('GET', `/v1/applications/${id}`, org.hr.token);
const inbox = async (token: string) => ((await act('GET', '/v1/approvals', token)).items as { applicationId: string; level: number }[]).map((i) => i.applicationId);
const listed = async (stage?: string) =>
  ((await act('GET', `/v1/applications?jobId=${org.jobId}${stage ? `&stage=${stage}` : ''}&limit=100`, org.hr.token)).items as { id: string }[]).map((i) => i.id);
const ranked = async () => ((await act('GET', `/v1/jobs/${org.jobId}/ranking?limit=100`, org.hr.token)).items as { id: string; humanScore: number | null }[]);
const approve = (id: string, token: string, decision: 'approve' | 'reject' = 'approve') =>
  act('POST', `/v1/applications/${id}/offer/approvals`, token, { decision, comment: 'at once' });

/** Where a new application gets to by itself (after its 202): the only stage the test waits for. */
function reached(id: string, stage: string) {
  return eventually(async () => {
    const r = await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token });
    return r.status === 200 && r.body.stage === stage ? r.body : null;
  }, 30_000);
}

/** The newest link of a kind in the e-mails to `email` (the candidate's only way in). */
function linkIn(email: string, kind: 'offers' | 'portal') {
  return eventually(async () => {
    for (const m of [...smtp.to(email)].reverse()) {
      const hit = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`).exec(m.parsed.text ?? '');
      if (hit) return hit[1]!;
    }
    return null;
  }, 30_000);
}

async function submit(profile: 'strong' | 'contradictory', name: string, email: string): Promise<string> {
  const created = await act('POST', '/v1/applications', org.integrator.token, application(org.jobId, profile, { candidate: { name, email, locale: 'en' } }), 202);
  // The application is listed the moment the 202 arrives.
  expect(await listed()).toContain(created.id);
  return created.id as string;
}

const RATINGS = { programming: 'good', systems: 'good', teamwork: 'excellent' };

/** HR and the manager evaluate; each answer is in the ranking's human score at once. */
async function evaluate(id: string, recommendation: 'advance' | 'reject') {
  await act('POST', `/v1/applications/${id}/evaluations`, org.hr.token, { ratings: RATINGS, recommendation });
  await act('POST', `/v1/applications/${id}/evaluations`, org.manager.token, { ratings: RATINGS, recommendation });
  const st = await status(id);
  expect(st.stage).toBe('decision');
  expect(st.pendingActions).toEqual([expect.objectContaining({ action: 'record_decision', actor: 'hr' })]);
  expect((await ranked()).find((r) => r.id === id)?.humanScore).toEqual(expect.any(Number));
  expect(await listed('decision')).toContain(id);
}

/** HR advances, drafts and submits at once; the first approver's inbox has it at once. */
async function advanceAndSubmit(id: string) {
  await act('POST', `/v1/applications/${id}/decision`, org.hr.token, { decision: 'advance', reason: 'Strong' });
  expect((await status(id)).stage).toBe('offer_drafting');
  expect(await listed('offer_drafting')).toContain(id);
  await act('PUT', `/v1/applications/${id}/offer`, org.hr.token, OFFER());
  await submitOffer(id);
}

async function submitOffer(id: string) {
  await act('POST', `/v1/applications/${id}/offer/submit`, org.hr.token);
  const st = await status(id);
  expect(st.stage).toBe('offer_approval');
  expect(st.pendingActions).toEqual([expect.objectContaining({ action: 'approve_offer', actor: org.manager.id })]);
  expect(await inbox(org.manager.token)).toContain(id);
  expect(await inbox(org.gm.token)).not.toContain(id);
}

/** Both levels approve, each the moment the previous answer arrives; the offer is out at once. */
async function approveAll(id: string, first = org.manager) {
  await approve(id, first.token);
  expect(await inbox(first.token)).not.toContain(id);
  expect(await inbox(org.gm.token)).toContain(id);
  expect((await status(id)).pendingActions).toEqual([expect.objectContaining({ action: 'approve_offer', actor: org.gm.id })]);
  await approve(id, org.gm.token);
  expect(await inbox(org.gm.token)).not.toContain(id);
  const st = await status(id);
  expect(st.stage).toBe('offer_sent');
  expect(st.pendingActions).toEqual([expect.objectContaining({ action: 'respond_to_offer', actor: 'candidate' })]);
  expect(await listed('offer_sent')).toContain(id);
}

async function upload(token: string, kind: string, bytes: Uint8Array, filename: string, contentType: string) {
  const body = multipart({ kind }, { field: 'file', filename, contentType, bytes });
  const res = await s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${token}`, payload: body.payload, headers: body.headers });
  expect(res.statusCode, res.body).toBe(201);
}

/** A contradiction resolved, a delegated approval, acceptance and onboarding to hired. */
async function hiredJourney() {
  const email = 'ryw.hired@candidates.example.com';
  const id = await submit('contradictory', 'Lin Hired', email);
  const review = await reached(id, 'discrepancy_review');
  const high = (review.discrepancies as { id: string; severity: string }[]).filter((d) => d.severity === 'high');
  expect(high.length).toBeGreaterThan(0);
  for (const d of high) await act('POST', `/v1/applications/${id}/discrepancies/${d.id}/resolution`, org.hr.token, { resolution: 'dismissed', note: 'Checked' });
  // The last resolution's answer comes once the application is screened and waits for evaluations.
  const screened = await status(id);
  expect(screened.stage).toBe('evaluation');
  expect(screened.scores.matchScore).toEqual(expect.any(Number));
  expect((await ranked()).map((r) => r.id)).toContain(id);
  await evaluate(id, 'advance');
  await advanceAndSubmit(id);

  // HR hands the manager's approval to another approver, who acts at once.
  await act('POST', `/v1/applications/${id}/offer/approvals/delegate`, org.hr.token, { fromUserId: org.manager.id, toUserId: org.otherManager.id });
  expect(await inbox(org.manager.token)).not.toContain(id);
  expect(await inbox(org.otherManager.token)).toContain(id);
  await approveAll(id, org.otherManager);

  const offerToken = await linkIn(email, 'offers');
  await act('POST', `/v1/candidate/offer/accept?token=${offerToken}`, null, { signatureName: 'Lin Hired', consent: true });
  const onboarding = await status(id);
  expect(onboarding.stage).toBe('onboarding');
  const employeeId = onboarding.onboarding.employeeId as string;
  const employees = (await act('GET', '/v1/employees?limit=100', org.hr.token)).items as { id: string; applicationId: string; status: string }[];
  expect(employees.find((e) => e.applicationId === id)).toMatchObject({ id: employeeId, status: 'onboarding' });

  // IT's tasks, the mentor's meeting and the course, each at once.
  for (const key of ['computer', 'badge', 'accounts']) {
    await act('POST', `/v1/employees/${employeeId}/onboarding/tasks/${key}/complete`, org.it.token, { note: 'done' });
    const task = (await act('GET', `/v1/employees/${employeeId}`, org.hr.token)).checklist.find((t: { key: string }) => t.key === key);
    expect(task.status).toBe('done');
  }
  await act('POST', `/v1/employees/${employeeId}/onboarding/tasks/mentor_meeting/complete`, org.manager.token, {});
  const portal = await linkIn(email, 'portal');
  await upload(portal, 'id_copy', PNG_BYTES, 'id.png', 'image/png');
  await upload(portal, 'diploma', PDF_BYTES, 'diploma.pdf', 'application/pdf');
  await upload(portal, 'medical_report', JPEG_BYTES, 'medical.jpg', 'image/jpeg');
  expect((await status(id)).stage).toBe('onboarding');
  await act('POST', `/v1/employees/${employeeId}/courses/orientation/result`, org.integrator.token, { score: 90 });
  // The last required step's answer comes once the employee is active and the application hired.
  expect((await status(id)).stage).toBe('hired');
  expect(await listed('hired')).toContain(id);
  expect((await act('GET', `/v1/employees/${employeeId}`, org.hr.token)).status).toBe('active');
}

/** HR rejects after the evaluations: closed and out of the ranking at once. */
async function rejectedJourney() {
  const id = await submit('strong', 'Ren Rejected', 'ryw.rejected@candidates.example.com');
  await reached(id, 'evaluation');
  await evaluate(id, 'reject');
  await act('POST', `/v1/applications/${id}/decision`, org.hr.token, { decision: 'reject', reason: 'Another candidate' });
  const st = await status(id);
  expect(st.stage).toBe('rejected');
  expect(st.pendingActions).toEqual([]);
  expect(await listed('rejected')).toContain(id);
  expect((await ranked()).map((r) => r.id)).not.toContain(id);
}

/** The manager refuses v1; HR revises and resubmits at once; approved, sent, then declined. */
async function declinedJourney() {
  const email = 'ryw.declined@candidates.example.com';
  const id = await submit('strong', 'Dai Declined', email);
  await reached(id, 'evaluation');
  await evaluate(id, 'advance');
  await advanceAndSubmit(id);
  await approve(id, org.manager.token, 'reject');
  const refused = await status(id);
  expect(refused.stage).toBe('offer_drafting');
  expect(refused.pendingActions).toEqual([expect.objectContaining({ action: 'revise_offer', actor: 'hr' })]);
  expect(await inbox(org.manager.token)).not.toContain(id);
  await act('PUT', `/v1/applications/${id}/offer`, org.hr.token, OFFER({ salary: { amount: 290000, currency: 'CNY', period: 'year' } }));
  await submitOffer(id);
  await approveAll(id);
  const offerToken = await linkIn(email, 'offers');
  await act('POST', `/v1/candidate/offer/decline?token=${offerToken}`, null, { reason: 'Another offer' });
  expect((await status(id)).stage).toBe('declined');
  expect(await listed('declined')).toContain(id);
}

/** Withdrawn while the manager holds the approval: gone from the inbox at once. */
async function withdrawnJourney() {
  const id = await submit('strong', 'Wu Withdrawn', 'ryw.withdrawn@candidates.example.com');
  await reached(id, 'evaluation');
  await evaluate(id, 'advance');
  await advanceAndSubmit(id);
  await act('POST', `/v1/applications/${id}/withdraw`, org.integrator.token, { reason: 'Withdrew in the ATS' });
  const st = await status(id);
  expect(st.stage).toBe('withdrawn');
  expect(st.pendingActions).toEqual([]);
  expect(await inbox(org.manager.token)).not.toContain(id);
  expect(await listed('withdrawn')).toContain(id);
  const late = await s.api('POST', `/v1/applications/${id}/offer/approvals`, { token: org.manager.token, body: { decision: 'approve' } });
  expect(late.status).toBe(409);
}

describe('read-your-writes', () => {
  it('lets every next actor act at once and every read show the change, four journeys at the same time', async () => {
    await Promise.all([hiredJourney(), rejectedJourney(), declinedJourney(), withdrawnJourney()]);
  }, 300_000);
});
