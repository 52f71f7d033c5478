/**
 * A dozen demo candidates spread over the stages, driven through the HTTP API as people
 * would (integrator submits; HR and the manager evaluate, decide, draft and submit
 * offers), so every console screen shows something on the first `npm start`: three
 * held in discrepancy review, two in evaluation, two awaiting the decision, one
 * rejected, two in offer drafting and two waiting for approval.
 */
import { readFileSync } from 'node:fs';
import type { TCreateApplication } from '../../domain/contracts/application';

export type TCall = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: unknown) => Promise<{ status: number; body: unknown }>;
export interface TDemoActors {
  hr: string;
  manager: string;
  integrator: string;
}
export type TDemoTarget = 'discrepancy_review' | 'evaluation' | 'decision' | 'rejected' | 'offer_drafting' | 'offer_approval';

const TEMPLATE = JSON.parse(readFileSync(new URL('./application.json', import.meta.url), 'utf8')) as TCreateApplication;

/** Name, locale, Python interview score (below 65 with an expert claim: a high discrepancy) and where it ends. */
export const DEMO_CANDIDATES: [string, 'en' | 'zh-CN', number, TDemoTarget][] = [
  ['Lin Zhou', 'zh-CN', 48, 'discrepancy_review'],
  ['Omar Haddad', 'en', 52, 'discrepancy_review'],
  ['Chen Jing', 'zh-CN', 45, 'discrepancy_review'],
  ['Sofia Rossi', 'en', 82, 'evaluation'],
  ['Wang Lei', 'zh-CN', 76, 'evaluation'],
  ['Priya Nair', 'en', 90, 'decision'],
  ['Zhang Min', 'zh-CN', 84, 'decision'],
  ['Tom Becker', 'en', 70, 'rejected'],
  ['Liu Yang', 'zh-CN', 93, 'offer_drafting'],
  ['Grace Kim', 'en', 88, 'offer_drafting'],
  ['Zhao Xin', 'zh-CN', 95, 'offer_approval'],
  ['Daniel Silva', 'en', 86, 'offer_approval'],
];

const RATINGS = { programming: 'good', systems: 'good', teamwork: 'excellent' };
const ORDER: TDemoTarget[] = ['evaluation', 'decision', 'rejected', 'offer_drafting', 'offer_approval'];
const reaches = (target: TDemoTarget, step: TDemoTarget) => ORDER.indexOf(target) >= ORDER.indexOf(step);

function payload(jobId: string, i: number, [name, locale, python]: (typeof DEMO_CANDIDATES)[number]): TCreateApplication {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@candidates.example.com`;
  return {
    ...TEMPLATE,
    externalId: `demo-${String(i + 1).padStart(4, '0')}`,
    jobId,
    candidate: { ...TEMPLATE.candidate, name, email, locale },
    interview: { ...TEMPLATE.interview, skillScores: { ...TEMPLATE.interview.skillScores, Python: python } },
  };
}

async function must(call: Promise<{ status: number; body: unknown }>, what: string): Promise<unknown> {
  const r = await call;
  if (r.status >= 300) throw new Error(`demo: ${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function stageReached(call: TCall, token: string, id: string, stage: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('GET', `/v1/applications/${id}`, token);
    const now = (r.body as { stage?: string } | null)?.stage;
    if (r.status === 200 && now === stage) return;
    if (Date.now() > deadline) throw new Error(`demo: ${id} did not reach ${stage} (is ${now})`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function drive(call: TCall, who: TDemoActors, jobId: string, i: number): Promise<string> {
  const c = DEMO_CANDIDATES[i]!;
  const target = c[3];
  const created = await must(call('POST', '/v1/applications', who.integrator, payload(jobId, i, c)), `submit ${c[0]}`);
  const id = (created as { id: string }).id;
  if (target === 'discrepancy_review') {
    await stageReached(call, who.hr, id, 'discrepancy_review');
    return id;
  }
  await stageReached(call, who.hr, id, 'evaluation');
  if (!reaches(target, 'decision')) return id;
  for (const token of [who.hr, who.manager]) {
    await must(call('POST', `/v1/applications/${id}/evaluations`, token, { ratings: RATINGS, recommendation: 'advance', comment: 'Demo evaluation' }), 'evaluate');
  }
  await stageReached(call, who.hr, id, 'decision');
  if (target === 'decision') return id;
  const decision = target === 'rejected' ? 'reject' : 'advance';
  await must(call('POST', `/v1/applications/${id}/decision`, who.hr, { decision, reason: 'Demo decision' }), 'decide');
  if (target === 'rejected') return id;
  await stageReached(call, who.hr, id, 'offer_drafting');
  if (target === 'offer_drafting') return id;
  const startDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await must(
    call('PUT', `/v1/applications/${id}/offer`, who.hr, {
      position: 'Backend Engineer',
      salary: { amount: 320000, currency: 'CNY', period: 'year' },
      benefits: ['Health insurance', '15 days paid leave'],
      startDate,
      terms: 'Probation of three months.',
    }),
    'draft offer',
  );
  await must(call('POST', `/v1/applications/${id}/offer/submit`, who.hr), 'submit offer');
  await stageReached(call, who.hr, id, 'offer_approval');
  return id;
}

/** Submits and drives the dozen; resolves with each application's id and target stage. */
export async function seedDemoCandidates(call: TCall, who: TDemoActors, jobId: string): Promise<{ id: string; target: TDemoTarget }[]> {
  const ids = await Promise.all(DEMO_CANDIDATES.map((_, i) => drive(call, who, jobId, i)));
  return ids.map((id, i) => ({ id, target: DEMO_CANDIDATES[i]![3] }));
}
