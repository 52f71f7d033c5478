/** The demo's dozen candidates, driven through the API, end where scripts/demo/candidates.ts says. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_CANDIDATES, seedDemoCandidates } from '../../scripts/demo/candidates';
import { createOrg, type Org } from '../helpers/org';
import { startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
});
afterAll(async () => {
  await s?.stop();
});

it('spreads a dozen candidates over six stages, each where it was meant to stop', async () => {
  const placed = await seedDemoCandidates(
    (method, url, token, body) => s.api(method, url, { token, ...(body !== undefined ? { body } : {}) }),
    { hr: org.hr.token, manager: org.manager.token, integrator: org.integrator.token },
    org.jobId,
  );
  expect(placed).toHaveLength(DEMO_CANDIDATES.length);
  const stages: Record<string, number> = {};
  for (const p of placed) {
    const st = await s.api('GET', `/v1/applications/${p.id}`, { token: org.hr.token });
    expect(st.body.stage).toBe(p.target);
    stages[p.target] = (stages[p.target] ?? 0) + 1;
  }
  expect(stages).toEqual({ discrepancy_review: 3, evaluation: 2, decision: 2, rejected: 1, offer_drafting: 2, offer_approval: 2 });
  // The ranking the README's example prints is no longer empty.
  const ranking = await s.api('GET', `/v1/jobs/${org.jobId}/ranking`, { token: org.hr.token });
  expect(ranking.body.items.length).toBeGreaterThanOrEqual(8);
}, 180_000);
