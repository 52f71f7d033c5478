/**
 * Steps 1 and 2 end to end over HTTP: applications in, the two-way check, discrepancy
 * review, screening and the ranking, against a live worker, Temporal and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { application, createOrg, type Org } from '../helpers/org';
import { eventually, startStack, type Stack } from '../helpers/stack';

let s: Stack;
let org: Org;

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
});
afterAll(async () => {
  await s?.stop();
});

async function submit(profile: Parameters<typeof application>[1], over = {}, token = org.integrator.token) {
  const res = await s.api('POST', '/v1/applications', { token, body: application(org.jobId, profile, over) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { id: string; workflowId: string; stage: string };
}

async function waitForStage(id: string, stage: string, token = org.hr.token) {
  return eventually(async () => {
    const res = await s.api('GET', `/v1/applications/${id}`, { token });
    return res.status === 200 && res.body.stage === stage ? res.body : null;
  });
}

describe('happy path', () => {
  it('ranks three clearly different candidates best first, computed by the database', async () => {
    const weak = await submit('weak', { externalId: 'rank-weak', candidate: { name: 'Wu Weak', email: 'w@x.com' } });
    const strong = await submit('strong', { externalId: 'rank-strong', candidate: { name: 'Sun Strong', email: 's@x.com' } });
    const average = await submit('average', { externalId: 'rank-avg', candidate: { name: 'Ai Average', email: 'a@x.com' } });
    expect(strong.workflowId).toBe(`application-${strong.id}`);
    for (const a of [weak, strong, average]) await waitForStage(a.id, 'evaluation');

    const ranking = await s.api('GET', `/v1/jobs/${org.jobId}/ranking`, { token: org.hr.token });
    expect(ranking.status).toBe(200);
    const ids = ranking.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual([strong.id, average.id, weak.id]);
    const scores = ranking.body.items.map((i: { rankScore: number }) => i.rankScore);
    expect(scores[0]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[2]);

    // keyset pagination walks the same order
    const p1 = await s.api('GET', `/v1/jobs/${org.jobId}/ranking?limit=2`, { token: org.hr.token });
    expect(p1.body.items.map((i: { id: string }) => i.id)).toEqual([strong.id, average.id]);
    const p2 = await s.api('GET', `/v1/jobs/${org.jobId}/ranking?limit=2&cursor=${p1.body.nextCursor}`, { token: org.hr.token });
    expect(p2.body.items.map((i: { id: string }) => i.id)).toEqual([weak.id]);
    expect(p2.body.nextCursor).toBeNull();

    // the report carries per-dimension scores and the cosine match
    const report = await s.api('GET', `/v1/applications/${strong.id}/report`, { token: org.hr.token });
    expect(report.status).toBe(200);
    expect(report.body.dimensions.map((d: { key: string }) => d.key)).toEqual(['programming', 'systems', 'teamwork']);
    expect(report.body.cosine).toBeGreaterThan(0.95);
    expect(report.body.matchScore).toBeCloseTo(scores[0], 2);

    // the status query: stage, scores, timeline and who owes what
    const status = await waitForStage(strong.id, 'evaluation');
    expect(status.scores.matchScore).toBeCloseTo(scores[0], 2);
    expect(status.timeline.map((t: { type: string }) => t.type)).toEqual(
      expect.arrayContaining(['application_received', 'validated', 'screened', 'stage_changed']),
    );
    expect(status.pendingActions).toEqual([
      expect.objectContaining({ action: 'submit_evaluation', actor: 'hr', overdue: false }),
      expect.objectContaining({ action: 'submit_evaluation', actor: 'hiring_manager', overdue: false }),
      expect.objectContaining({ action: 'record_decision', actor: 'hr', dueAt: status.decisionDueAt, overdue: false }),
    ]);
    expect(status.interview.recordingUrl).toBe('https://recordings.example.com/r/abc');

    // the search attribute follows the stage
    const listed = await eventually(async () => {
      const found: string[] = [];
      for await (const wf of s.temporal.workflow.list({ query: `Stage = 'evaluation' AND JobId = '${org.jobId}'` })) {
        found.push(wf.workflowId);
      }
      return found.length === 3 ? found : null;
    });
    expect(listed.sort()).toEqual([weak, strong, average].map((a) => a.workflowId).sort());
  });

  it('holds a contradiction in discrepancy_review until HR resolves every high one, then screens', async () => {
    const app = await submit('contradictory');
    const review = await waitForStage(app.id, 'discrepancy_review');
    const high = review.discrepancies.filter((d: { severity: string }) => d.severity === 'high');
    expect(high.map((d: { id: string }) => d.id)).toEqual(['claimed_skill_failed:python']);
    expect(high[0].evidence).toEqual({
      resume: { skill: 'Python', level: 'expert', years: 6 },
      interview: { score: 40, passScore: 65 },
    });
    expect(review.pendingActions[0]).toMatchObject({ action: 'resolve_discrepancies', actor: 'hr' });

    const res = await s.api('POST', `/v1/applications/${app.id}/discrepancies/claimed_skill_failed:python/resolution`, {
      token: org.hr.token,
      body: { resolution: 'retest', note: 'Ask for a live coding retest' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.resolution).toMatchObject({ resolution: 'retest', by: org.hr.id, note: 'Ask for a live coding retest' });

    const after = await waitForStage(app.id, 'evaluation');
    expect(after.timeline.map((t: { type: string }) => t.type)).toContain('retest_requested');
    expect(after.scores.matchScore).toBeGreaterThan(0);
  });

  it('recognises a repeated start by externalId and refuses the same externalId with another body', async () => {
    const body = application(org.jobId, 'average', { externalId: 'ats-42' });
    const first = await s.api('POST', '/v1/applications', { token: org.integrator.token, body });
    expect(first.status).toBe(202);
    const again = await s.api('POST', '/v1/applications', { token: org.integrator.token, body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, workflowId: first.body.workflowId });
    const other = await s.api('POST', '/v1/applications', {
      token: org.integrator.token,
      body: { ...body, candidate: { ...body.candidate, name: 'Someone Else' } },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('conflict');
    const rows = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from applications where external_id = 'ats-42'`);
    expect(rows[0]!.n).toBe(1);
  });
});
