/**
 * Approvers, IT and mentors outside an application's department: they see the
 * application they are named on (the general manager approving, IT and the mentor
 * during onboarding) and My work lists it for them (GET /v1/me/assignments); anyone not
 * named, and whoever handed their approval on, still gets 404, and lists stay closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, createUser, type Org } from '../helpers/org';
import { inApproval, inEvaluation, onboarded, quickJob, until, type Candidate } from '../helpers/scenario';
import { eventually, startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;
let mentor: { id: string; token: string };
let outsider: { id: string; token: string };
let delegate: { id: string; token: string };
const c = {} as { approval: Candidate; hire: Candidate & { employeeId: string }; evaluation: Candidate };

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  mentor = await createUser(s, { name: 'Mia Mentor', roles: ['mentor'] });
  outsider = await createUser(s, { name: 'Ola Outsider', roles: ['approver', 'mentor'] });
  delegate = await createUser(s, { name: 'Dee Delegate', roles: ['approver'] });
  // The quick job's only approval level is the general manager, who sits in no department.
  const jobId = await quickJob(s, org, { onboarding: { mentorUserId: mentor.id } });
  const [approval, hire, evaluation] = await Promise.all([inApproval(s, org, jobId), onboarded(s, org, jobId), inEvaluation(s, org, jobId)]);
  Object.assign(c, { approval, hire, evaluation });
  // Three applications driven to their stages on a busy machine: minutes, not seconds.
}, 480_000);

afterAll(async () => {
  await s?.stop();
});

const get = (url: string, token: string) => s.api('GET', url, { token });
const assignments = async (token: string) => {
  const r = await get('/v1/me/assignments', token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items as { applicationId: string; reason: string }[];
};

describe('an approver outside the department', () => {
  it('sees the application whose offer they approve, with the salary, and finds it in their assignments', async () => {
    const r = await get(`/v1/applications/${c.approval.id}`, org.gm.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.offer.current.offer.salary).toEqual({ amount: 300000, currency: 'CNY', period: 'year' });
    expect(r.body.pendingActions).toContainEqual(expect.objectContaining({ action: 'approve_offer', actor: org.gm.id }));
    expect(await assignments(org.gm.token)).toContainEqual({ applicationId: c.approval.id, reason: 'approver' });
  });

  it('still gets 404 for an application they are not named on, and may not list applications', async () => {
    const r = await get(`/v1/applications/${c.evaluation.id}`, org.gm.token);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    expect((await assignments(org.gm.token)).map((a) => a.applicationId)).not.toContain(c.evaluation.id);
    expect((await get('/v1/applications', org.gm.token)).status).toBe(403);
  });

  it('loses sight of it once HR hands the approval to someone else, who gains it', async () => {
    expect((await get(`/v1/applications/${c.approval.id}`, delegate.token)).status).toBe(404);
    const d = await s.api('POST', `/v1/applications/${c.approval.id}/offer/approvals/delegate`, {
      token: org.hr.token,
      body: { fromUserId: org.gm.id, toUserId: delegate.id },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    await until(s, org, c.approval.id, 'delegated', (st) => st.offer.current.levels[0].approvers.includes(delegate.id));
    // The approvals mirror follows the workflow: wait for it, then the general manager is out.
    await eventually(async () => (await get(`/v1/applications/${c.approval.id}`, org.gm.token)).status === 404);
    expect((await assignments(org.gm.token)).map((a) => a.applicationId)).not.toContain(c.approval.id);
    expect((await get(`/v1/applications/${c.approval.id}`, delegate.token)).status).toBe(200);
    expect(await assignments(delegate.token)).toEqual([{ applicationId: c.approval.id, reason: 'approver' }]);
  });
});

describe('IT and the mentor during onboarding', () => {
  it('IT sees every new hire in onboarding, and nothing before', async () => {
    const r = await get(`/v1/applications/${c.hire.id}`, org.it.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.stage).toBe('onboarding');
    expect(r.body.pendingActions).toContainEqual(expect.objectContaining({ action: 'task:computer', actor: 'it' }));
    // No salary for IT.
    expect(r.body.offer.current.offer.salary).toBeNull();
    expect(await assignments(org.it.token)).toContainEqual({ applicationId: c.hire.id, reason: 'it' });
    expect((await get(`/v1/applications/${c.approval.id}`, org.it.token)).status).toBe(404);
    expect((await get(`/v1/applications/${c.evaluation.id}`, org.it.token)).status).toBe(404);
  });

  it("the new hire's mentor sees them; a mentor of nobody here does not", async () => {
    const r = await get(`/v1/applications/${c.hire.id}`, mentor.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.pendingActions).toContainEqual(expect.objectContaining({ action: 'task:mentor_meeting', actor: mentor.id }));
    expect(await assignments(mentor.token)).toEqual([{ applicationId: c.hire.id, reason: 'mentor' }]);
    // Another mentor (and approver) named on nothing: the job names its mentor, so the role alone gives nothing.
    expect((await get(`/v1/applications/${c.hire.id}`, outsider.token)).status).toBe(404);
    expect(await assignments(outsider.token)).toEqual([]);
  });

  it('a hiring manager of another department sees none of them, and their assignments are empty', async () => {
    for (const id of [c.approval.id, c.hire.id, c.evaluation.id]) {
      const r = await get(`/v1/applications/${id}`, org.otherManager.token);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect(await assignments(org.otherManager.token)).toEqual([]);
  });
});
