/**
 * Least privilege on an application's status, through the API: HR, admins and the offer's
 * approvers see the salary, the signature evidence and the evaluator's comment; the
 * department's hiring manager and an integrator get the same status with those fields
 * null; a scoped key without `offers:read` narrows HR too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type Org } from '../helpers/org';
import { OFFER } from '../helpers/journey';
import { atStage, inApproval, inEvaluation, offerToken, quickJob, until, type Candidate } from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;
let c: Candidate;
const COMMENT = 'COMMENT-SECRET: strong on systems, weak on tests';
const BROWSER = 'Mozilla/5.0 (SIGNATURE-EVIDENCE)';

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  const jobId = await quickJob(s, org);
  c = await inEvaluation(s, org, jobId);
  const ok = async (p: Promise<{ status: number; body: unknown }>) => {
    const r = await p;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  await ok(s.api('POST', `/v1/applications/${c.id}/evaluations`, {
    token: org.hr.token,
    body: { ratings: { programming: 'good', systems: 'excellent', teamwork: 'good' }, comment: COMMENT, recommendation: 'advance' },
  }));
  await atStage(s, org, c.id, 'decision');
  await ok(s.api('POST', `/v1/applications/${c.id}/decision`, { token: org.hr.token, body: { decision: 'advance' } }));
  await atStage(s, org, c.id, 'offer_drafting');
  await ok(s.api('PUT', `/v1/applications/${c.id}/offer`, { token: org.hr.token, body: OFFER() }));
  await ok(s.api('POST', `/v1/applications/${c.id}/offer/submit`, { token: org.hr.token }));
  await until(s, org, c.id, 'pending approval', (st) => st.offer.current?.levels[0]?.status === 'pending');
  await ok(s.api('POST', `/v1/applications/${c.id}/offer/approvals`, { token: org.gm.token, body: { decision: 'approve' } }));
  await until(s, org, c.id, 'offer sent', (st) => st.offer.current?.status === 'sent');
  await ok(s.api('POST', `/v1/candidate/offer/accept?token=${offerToken(s, c.id)}`, {
    token: null,
    headers: { 'user-agent': BROWSER },
    body: { signatureName: c.name, consent: true },
  }));
  await atStage(s, org, c.id, 'onboarding');
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

async function statusAs(token: string) {
  const r = await s.api('GET', `/v1/applications/${c.id}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const salary = OFFER().salary;

describe('GET /v1/applications/:id filtered by role', () => {
  it('HR sees the salary, the signature evidence and the comment', async () => {
    for (const token of [org.hr.token, s.adminToken]) {
      const st = await statusAs(token);
      expect(st.redacted).toEqual([]);
      expect(st.offer.current.offer.salary).toEqual(salary);
      expect(st.offer.current.response.signature).toMatchObject({ name: c.name, userAgent: BROWSER, ip: expect.any(String) });
      expect(st.evaluations[0].comment).toBe(COMMENT);
      expect(st.timeline.find((t: { type: string }) => t.type === 'offer_drafted').detail.salary).toEqual(salary);
    }
  });

  it("the department's hiring manager and the integrator get the status without them", async () => {
    for (const token of [org.manager.token, org.integrator.token]) {
      const st = await statusAs(token);
      expect(st.stage).toBe('onboarding');
      expect(st.redacted).toEqual(['salary', 'signatureEvidence', 'evaluationComments']);
      expect(st.offer.current.offer).toMatchObject({ position: OFFER().position, salary: null });
      expect(st.offer.versions.map((v: any) => v.offer.salary)).toEqual([null]);
      expect(st.offer.current.response.signature).toMatchObject({ name: c.name, ip: null, userAgent: null });
      expect(st.evaluations[0]).toMatchObject({ evaluatorName: 'Hana HR', recommendation: 'advance', comment: null });
      const body = JSON.stringify(st);
      expect(body).not.toContain(COMMENT);
      expect(body).not.toContain('SIGNATURE-EVIDENCE');
      expect(body).not.toContain(`"amount":${salary.amount}`);
    }
  });

  it("a hiring manager named in the current offer's approval chain sees the salary; the integrator still does not", async () => {
    const jobId = await quickJob(s, org, { approvalChain: [{ approvers: [org.manager.id], quorum: 'any' }] });
    const d = await inApproval(s, org, jobId);
    const asApprover = await s.api('GET', `/v1/applications/${d.id}`, { token: org.manager.token });
    expect(asApprover.status).toBe(200);
    expect(asApprover.body.redacted).toEqual([]);
    expect(asApprover.body.offer.current.offer.salary).toEqual(salary);
    const asIntegrator = await s.api('GET', `/v1/applications/${d.id}`, { token: org.integrator.token });
    expect(asIntegrator.body.offer.current.offer.salary).toBeNull();
    // ...and on the first application, where the general manager approved, the manager still sees none.
    expect((await statusAs(org.manager.token)).offer.current.offer.salary).toBeNull();
  });

  it('an HR key without offers:read gets no salary or evidence; with it, everything; offers:read widens no integrator', async () => {
    const key = async (userId: string, scopes: string[]) => {
      const r = await s.api('POST', `/v1/users/${userId}/api-keys`, { body: { name: `read ${scopes.join(' ')}`, scopes } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.key as string;
    };
    const narrow = await statusAs(await key(org.hr.id, ['applications:read']));
    expect(narrow.redacted).toEqual(['salary', 'signatureEvidence']);
    expect(narrow.offer.current.offer.salary).toBeNull();
    expect(narrow.offer.current.response.signature).toMatchObject({ ip: null, userAgent: null });
    expect(narrow.evaluations[0].comment).toBe(COMMENT);

    const offers = await statusAs(await key(org.hr.id, ['applications:read', 'offers:read']));
    expect(offers.redacted).toEqual([]);
    expect(offers.offer.current.offer.salary).toEqual(salary);

    const integrator = await statusAs(await key(org.integrator.id, ['applications:read', 'offers:read']));
    expect(integrator.offer.current.offer.salary).toBeNull();
    expect(integrator.redacted).toEqual(['salary', 'signatureEvidence', 'evaluationComments']);
  });
});
