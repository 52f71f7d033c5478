/** Drives an application through the pipeline over HTTP, for tests of the later steps. */
import { expect } from 'vitest';
import type { TCreateApplication } from '../../domain/contracts/application';
import { application, type Org } from './org';
import { eventually, type Stack } from './stack';

export async function waitForStage(s: Stack, id: string, stage: string, token: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const res = await s.api('GET', `/v1/applications/${id}`, { token });
    return res.status === 200 && res.body.stage === stage ? res.body : null;
  }, timeoutMs);
}

const ALL_GOOD = { programming: 'good', systems: 'good', teamwork: 'excellent' };

/** Submits a strong application, evaluates it (HR and the manager) and advances it to offer_drafting. */
export async function toOfferDrafting(s: Stack, org: Org, over: Partial<TCreateApplication> = {}) {
  const res = await s.api('POST', '/v1/applications', { token: org.integrator.token, body: application(org.jobId, 'strong', over) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const id = res.body.id as string;
  await waitForStage(s, id, 'evaluation', org.hr.token);
  for (const token of [org.hr.token, org.manager.token]) {
    const ev = await s.api('POST', `/v1/applications/${id}/evaluations`, {
      token,
      body: { ratings: ALL_GOOD, recommendation: 'advance', comment: 'Solid' },
    });
    expect(ev.status, JSON.stringify(ev.body)).toBe(200);
  }
  const d = await s.api('POST', `/v1/applications/${id}/decision`, { token: org.hr.token, body: { decision: 'advance', reason: 'Strong' } });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  await waitForStage(s, id, 'offer_drafting', org.hr.token);
  return { id, workflowId: res.body.workflowId as string };
}

export function futureDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export const OFFER = (over: Record<string, unknown> = {}) => ({
  position: 'Backend Engineer',
  salary: { amount: 300000, currency: 'CNY', period: 'year' },
  benefits: ['Health insurance', '15 days paid leave'],
  startDate: futureDate(30),
  terms: 'Probation of three months.',
  ...over,
});

/** Drafts, submits and approves (manager, then general manager) so the offer goes out. */
export async function toOfferSent(s: Stack, org: Org, over: Partial<TCreateApplication> = {}, offer: Record<string, unknown> = {}) {
  const app = await toOfferDrafting(s, org, over);
  const draft = await s.api('PUT', `/v1/applications/${app.id}/offer`, { token: org.hr.token, body: OFFER(offer) });
  expect(draft.status, JSON.stringify(draft.body)).toBe(200);
  const submit = await s.api('POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token });
  expect(submit.status, JSON.stringify(submit.body)).toBe(200);
  await waitForStage(s, app.id, 'offer_approval', org.hr.token);
  for (const approver of [org.manager, org.gm]) {
    // An approval answers after its consequences (read-your-writes): up to the API's Update deadline on a busy machine.
    const a = await eventually(async () => {
      const r = await s.api('POST', `/v1/applications/${app.id}/offer/approvals`, { token: approver.token, body: { decision: 'approve' } });
      return r.status === 200 ? r : null;
    }, 60_000);
    expect(a.status).toBe(200);
  }
  const sent = await waitForStage(s, app.id, 'offer_sent', org.hr.token);
  return { ...app, status: sent };
}
