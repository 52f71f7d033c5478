/**
 * Human evaluation and the hiring decision over HTTP (issue 4): two evaluators and a
 * revision, the composite beside the AI and human scores in status, report and ranking,
 * the hiring manager's department-scoped view, the decision (advance -> offer_drafting,
 * reject -> personalised feedback e-mailed in English and Chinese with none of the
 * internal data), and every bad input and wrong person refused with nothing changed.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TLocale } from '../../domain/contracts/common';
import { SUGGESTION_CATALOGUE } from '../../domain/feedback';
import { application, createOrg, JOB, type Org } from '../helpers/org';
import { startSmtpServer, type TReceivedMail, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';

type TRatings = Record<string, string>;

/** The documented defaults (README / domain/contracts/settings.ts): the test's own copy. */
const SCALE: Record<string, number> = { excellent: 100, good: 75, fair: 50, poor: 25 };
const W_AI = 0.4;
const W_HUMAN = 0.6;
const COMPETENCIES = JOB('x').competencies;

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({ env: { SMTP_URL: smtp.url } });
  org = await createOrg(s);
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
});

// ---------------------------------------------------------------- helpers

async function submit(
  profile: Parameters<typeof application>[1],
  candidate: { name: string; locale?: TLocale },
  jobId = org.jobId,
) {
  const email = `${randomUUID().slice(0, 8)}@candidates.example.com`;
  const body = application(jobId, profile, { candidate: { name: candidate.name, email, locale: candidate.locale ?? 'en' } });
  const res = await s.api('POST', '/v1/applications', { token: org.integrator.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { ...(res.body as { id: string; workflowId: string }), email, name: candidate.name };
}

async function status(id: string, token = org.hr.token) {
  const res = await s.api('GET', `/v1/applications/${id}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function waitForStage(id: string, stage: string) {
  return eventually(async () => {
    const st = await status(id);
    return st.stage === stage ? st : null;
  });
}

const evaluate = (id: string, token: string, body: { ratings: TRatings; comment?: string; recommendation?: string }) =>
  s.api('POST', `/v1/applications/${id}/evaluations`, { token, body });

async function evaluateOk(id: string, token: string, body: { ratings: TRatings; comment?: string; recommendation?: string }) {
  const res = await evaluate(id, token, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const decide = (id: string, token: string, decision: string, reason?: string) =>
  s.api('POST', `/v1/applications/${id}/decision`, { token, body: { decision, ...(reason ? { reason } : {}) } });

const all = (rating: string): TRatings => Object.fromEntries(COMPETENCIES.map((c) => [c.key, rating]));

async function dbRow(id: string) {
  const [row] = await s.db.handle.rows<{ stage: string; human_score: string | null; composite_score: string | null; rank_score: string | null }>(
    sql`select stage, human_score, composite_score, rank_score from applications where id = ${id}`,
  );
  return row!;
}

/** What must not move when a request is refused: the workflow's state and the database mirror. */
async function snapshot(id: string) {
  const st = await status(id);
  const row = await dbRow(id);
  return {
    stage: st.stage,
    evaluations: st.evaluations,
    decision: st.decision,
    timelineLength: st.timeline.length,
    timelineTypes: st.timeline.map((t: { type: string }) => t.type),
    scores: st.scores,
    db: row,
  };
}

function expectRefused(res: { status: number; body: any }, httpStatus: number, code: string, paths?: string[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(httpStatus);
  expect(res.body.error.code).toBe(code);
  if (paths) expect((res.body.error.details ?? []).map((d: { path: string }) => d.path).sort()).toEqual([...paths].sort());
}

/**
 * The composite computed independently: per dimension the mean of the evaluators'
 * ratings on the scale, blended with the AI score 40/60; overall, competency-weighted means.
 */
function expectedComposite(dimensions: { key: string; weight: number; score: number }[], evaluations: TRatings[]) {
  const round = (n: number) => Math.round(n * 100) / 100;
  const rows = dimensions.map((d) => {
    const human = evaluations.reduce((a, e) => a + SCALE[e[d.key]!]!, 0) / evaluations.length;
    return { key: d.key, weight: d.weight, ai: d.score, human, composite: W_AI * d.score + W_HUMAN * human };
  });
  const total = rows.reduce((a, r) => a + r.weight, 0);
  const mean = (f: (r: (typeof rows)[number]) => number) => round(rows.reduce((a, r) => a + r.weight * f(r), 0) / total);
  return { rows, aiScore: mean((r) => r.ai), humanScore: mean((r) => r.human), compositeScore: mean((r) => r.composite) };
}

const suggestion = (topic: string, locale: TLocale) => {
  const e = SUGGESTION_CATALOGUE.find((x) => x.topic === topic)!;
  return locale === 'zh-CN' ? e.zh : e.en;
};

/** The HTML part as a reader sees it: no tags, entities decoded. */
const visibleText = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

async function feedbackMail(address: string, subject: string): Promise<TReceivedMail> {
  return eventually(async () => smtp.to(address).find((m) => m.parsed.subject === subject));
}

// Ratings for the rejection: programming and systems low, teamwork high. Whatever the AI
// scores (0-100), programming's composite is at most 0.4*100 + 0.6*37.5 = 62.5 < 80 and
// systems' at most 55 < 70 (both shortfalls), teamwork's at least 0.6*87.5 = 52.5 plus
// 0.4 * its AI score, above 60 for any AI score over 19 (a strength).
const HR_FIRST = { ratings: { programming: 'good', systems: 'poor', teamwork: 'excellent' }, comment: 'HR-SECRET first look', recommendation: 'advance' };
const HR_REVISED = { ratings: { programming: 'poor', systems: 'poor', teamwork: 'excellent' }, comment: 'HR-SECRET shaky fundamentals', recommendation: 'reject' };
const MANAGER = { ratings: { programming: 'fair', systems: 'poor', teamwork: 'good' }, comment: 'MGR-SECRET not ready for on-call', recommendation: 'reject' };
const REASON = 'INTERNAL-REASON below the bar on systems';

// ---------------------------------------------------------------- tests

describe('two evaluators, a revision and the composite', () => {
  let rui: Awaited<ReturnType<typeof submit>>;
  let other: Awaited<ReturnType<typeof submit>>;

  beforeAll(async () => {
    rui = await submit('average', { name: 'Rui Reject' });
    other = await submit('strong', { name: 'Olga Otherperson' });
    await waitForStage(rui.id, 'evaluation');
    await waitForStage(other.id, 'evaluation');
  });

  it('records both evaluations, keeps the revision in the timeline, moves to decision and shows agreement', async () => {
    const first = await evaluateOk(rui.id, org.hr.token, HR_FIRST);
    expect(first).toMatchObject({ evaluatorId: org.hr.id, evaluatorName: 'Hana HR', role: 'hr', revision: 1, recommendation: 'advance' });
    let st = await status(rui.id);
    expect(st.stage).toBe('evaluation');
    expect(st.recommendations).toEqual({ hr: ['advance'], hiringManager: [], agree: null });
    expect(st.pendingActions.map((p: { action: string; actor: string }) => `${p.action}:${p.actor}`)).toEqual([
      'submit_evaluation:hiring_manager',
      'record_decision:hr',
    ]);

    const mgr = await evaluateOk(rui.id, org.manager.token, MANAGER);
    expect(mgr).toMatchObject({ evaluatorId: org.manager.id, evaluatorName: 'Mei Manager', role: 'hiring_manager', revision: 1 });
    st = await waitForStage(rui.id, 'decision');
    expect(st.recommendations).toEqual({ hr: ['advance'], hiringManager: ['reject'], agree: false });
    expect(st.pendingActions.map((p: { action: string }) => p.action)).toEqual(['record_decision']);
    expect((await dbRow(rui.id)).stage).toBe('decision');

    const revised = await evaluateOk(rui.id, org.hr.token, HR_REVISED);
    expect(revised).toMatchObject({ evaluatorId: org.hr.id, role: 'hr', revision: 2, recommendation: 'reject', comment: HR_REVISED.comment });
    st = await status(rui.id);
    expect(st.stage).toBe('decision');
    expect(st.recommendations).toEqual({ hr: ['reject'], hiringManager: ['reject'], agree: true });
    // one current evaluation per evaluator
    expect(st.evaluations).toHaveLength(2);
    expect(st.evaluations.find((e: { role: string }) => e.role === 'hr')).toMatchObject({ revision: 2, ratings: HR_REVISED.ratings });
    // ...and every revision in the timeline
    const evals = st.timeline.filter((t: { type: string }) => t.type.startsWith('evaluation_'));
    expect(evals.map((t: any) => [t.type, t.actor.id, t.detail.revision])).toEqual([
      ['evaluation_submitted', org.hr.id, 1],
      ['evaluation_submitted', org.manager.id, 1],
      ['evaluation_revised', org.hr.id, 2],
    ]);
    expect(evals[0].detail).toMatchObject({ role: 'hr', ratings: HR_FIRST.ratings, recommendation: 'advance', comment: HR_FIRST.comment });
    expect(evals[2].detail).toMatchObject({ role: 'hr', ratings: HR_REVISED.ratings, recommendation: 'reject' });
  });

  it('shows AI, human and composite side by side in status, report and ranking', async () => {
    const st = await status(rui.id);
    const want = expectedComposite(st.report.dimensions, [HR_REVISED.ratings, MANAGER.ratings]);
    expect(st.scores.aiScore).toBeCloseTo(want.aiScore, 1);
    expect(st.scores.humanScore).toBeCloseTo(want.humanScore, 2);
    expect(st.scores.compositeScore).toBeCloseTo(want.compositeScore, 2);
    expect(st.composite.aiScore).toBeCloseTo(want.aiScore, 1);
    expect(st.composite.humanScore).toBe(st.scores.humanScore);
    expect(st.composite.compositeScore).toBe(st.scores.compositeScore);
    for (const r of want.rows) {
      const d = st.composite.dimensions.find((x: { key: string }) => x.key === r.key);
      expect(d, r.key).toMatchObject({ ai: r.ai, ratings: 2 });
      expect(d.human).toBeCloseTo(r.human, 2);
      expect(d.composite).toBeCloseTo(r.composite, 2);
    }
    // the humans pulled this candidate well below the machine
    expect(st.scores.compositeScore).toBeLessThan(st.scores.aiScore);

    const report = await s.api('GET', `/v1/applications/${rui.id}/report`, { token: org.hr.token });
    expect(report.status).toBe(200);
    expect(report.body.scores).toEqual(st.scores);
    expect(report.body.composite).toEqual(st.composite);
    expect(report.body.aiScore).toBeCloseTo(want.aiScore, 1);

    const row = await dbRow(rui.id);
    expect(Number(row.human_score)).toBeCloseTo(want.humanScore, 2);
    expect(Number(row.composite_score)).toBeCloseTo(want.compositeScore, 2);
    const ranking = await s.api('GET', `/v1/jobs/${org.jobId}/ranking`, { token: org.hr.token });
    const item = ranking.body.items.find((i: { id: string }) => i.id === rui.id);
    expect(item.matchScore).toBeCloseTo(st.scores.matchScore, 2);
    expect(item.aiScore).toBeCloseTo(st.scores.aiScore, 2);
    expect(item.humanScore).toBeCloseTo(want.humanScore, 2);
    expect(item.compositeScore).toBeCloseTo(want.compositeScore, 2);
    expect(item.rankScore).toBeCloseTo(want.compositeScore, 2);
  });

  it('reject: the feedback e-mail names strengths and improvements with catalogue suggestions, and nothing internal', async () => {
    const before = await status(rui.id);
    const res = await decide(rui.id, org.hr.token, 'reject', REASON);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ stage: 'rejected', decision: { decision: 'reject', by: org.hr.id, reason: REASON } });
    await expect(s.temporal.workflow.getHandle(rui.workflowId).result()).resolves.toBe('rejected');
    expect((await dbRow(rui.id)).stage).toBe('rejected');
    const st = await status(rui.id);
    expect(st.stage).toBe('rejected');
    expect(st.timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['decision_recorded']));

    const mail = await feedbackMail(rui.email, 'Your application for Backend Engineer at Acme Robotics');
    const text = mail.parsed.text!;
    // what buildFeedback must pick, worked out from the composite by hand
    const margins = new Map<string, number>(
      before.composite.dimensions.map((d: { key: string; composite: number }) => [
        d.key,
        d.composite - COMPETENCIES.find((c) => c.key === d.key)!.requiredLevel,
      ]),
    );
    expect(margins.get('teamwork')).toBeGreaterThanOrEqual(0);
    expect(margins.get('programming')).toBeLessThan(0);
    expect(margins.get('systems')).toBeLessThan(0);
    const weakest = ['programming', 'systems'].sort((a, b) => margins.get(a)! - margins.get(b)!);
    const line = { programming: `- Programming ability: ${suggestion('programming', 'en')}`, systems: `- Distributed systems: ${suggestion('systems', 'en')}` };
    expect(text).toContain('Dear Rui Reject,');
    expect(text).toContain('What you did well:\n- Teamwork\n\n');
    expect(text).toContain(`What to work on:\n${weakest.map((k) => line[k as keyof typeof line]).join('\n')}\n\n`);
    const html = mail.parsed.html as string;
    expect(html).toContain('<li>Teamwork</li>');
    expect(html).toContain(`<li><strong>Programming ability</strong>: ${suggestion('programming', 'en')}</li>`);
    expect(html).toContain(`<li><strong>Distributed systems</strong>: ${suggestion('systems', 'en')}</li>`);

    for (const body of [text, visibleText(html), mail.parsed.subject!]) {
      for (const secret of ['HR-SECRET', 'MGR-SECRET', 'INTERNAL-REASON', 'Hana HR', 'Mei Manager', 'Hana', 'Mei', 'Olga Otherperson', 'Otherperson']) {
        expect(body).not.toContain(secret);
      }
      // no score of any kind: not the candidate's, not anyone else's
      expect(body).not.toMatch(/\d/);
    }
    expect(smtp.to(rui.email).filter((m) => m.parsed.subject === mail.parsed.subject)).toHaveLength(1);

    const log = await s.api('GET', `/v1/applications/${rui.id}/messages`, { token: org.hr.token });
    expect(log.body.items.filter((m: { template: string }) => m.template === 'rejection_feedback')).toEqual([
      expect.objectContaining({ status: 'sent', locale: 'en', recipient: rui.email, purpose: 'rejection_feedback' }),
    ]);
    // a rejected application leaves the ranking
    const ranking = await s.api('GET', `/v1/jobs/${org.jobId}/ranking`, { token: org.hr.token });
    expect(ranking.body.items.map((i: { id: string }) => i.id)).not.toContain(rui.id);
  });

  it('reject in Chinese for a zh-CN candidate', async () => {
    const wang = await submit('weak', { name: '王芳', locale: 'zh-CN' });
    await waitForStage(wang.id, 'evaluation');
    await evaluateOk(wang.id, org.hr.token, HR_REVISED);
    await evaluateOk(wang.id, org.manager.token, MANAGER);
    await waitForStage(wang.id, 'decision');
    const st = await status(wang.id);
    expect((await decide(wang.id, org.hr.token, 'reject', REASON)).status).toBe(200);
    await expect(s.temporal.workflow.getHandle(wang.workflowId).result()).resolves.toBe('rejected');

    const mail = await feedbackMail(wang.email, '关于您申请Acme RoboticsBackend Engineer职位的结果');
    const text = mail.parsed.text!;
    const margin = (key: string) =>
      st.composite.dimensions.find((d: { key: string }) => d.key === key).composite - COMPETENCIES.find((c) => c.key === key)!.requiredLevel;
    expect(margin('teamwork')).toBeGreaterThanOrEqual(0);
    const weakest = ['programming', 'systems'].sort((a, b) => margin(a) - margin(b));
    const line = { programming: `- Programming ability：${suggestion('programming', 'zh-CN')}`, systems: `- Distributed systems：${suggestion('systems', 'zh-CN')}` };
    expect(text).toContain('王芳，您好：');
    expect(text).toContain('经过认真评估，我们决定暂不推进您的申请。');
    expect(text).toContain('您表现出色的方面：\n- Teamwork\n\n');
    expect(text).toContain(`可以继续提升的方面：\n${weakest.map((k) => line[k as keyof typeof line]).join('\n')}\n\n`);
    expect(text).not.toMatch(/Dear|What you did well|What to work on|Practise/);
    expect(mail.parsed.html).toContain('<html lang="zh-CN">');
    for (const body of [text, visibleText(mail.parsed.html as string)]) {
      for (const secret of ['HR-SECRET', 'MGR-SECRET', 'INTERNAL-REASON', 'Hana', 'Mei', 'Olga', 'Rui Reject']) expect(body).not.toContain(secret);
      expect(body).not.toMatch(/\d/);
    }
  });

  it('advance: both recommend it, the decision reaches offer_drafting and the workflow waits there', async () => {
    await evaluateOk(other.id, org.hr.token, { ratings: all('excellent'), recommendation: 'advance' });
    await evaluateOk(other.id, org.manager.token, { ratings: all('good'), recommendation: 'advance' });
    const st = await waitForStage(other.id, 'decision');
    expect(st.recommendations.agree).toBe(true);
    const res = await decide(other.id, org.hr.token, 'advance', 'Strong on every dimension');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ stage: 'offer_drafting', decision: { decision: 'advance', by: org.hr.id } });
    const after = await waitForStage(other.id, 'offer_drafting');
    expect(after.decision).toMatchObject({ decision: 'advance', reason: 'Strong on every dimension', byName: 'Hana HR' });
    expect(after.pendingActions.map((p: { action: string }) => p.action)).not.toContain('record_decision');
    expect(await eventually(async () => ((await dbRow(other.id)).stage === 'offer_drafting' ? true : null))).toBe(true);
    const desc = await s.temporal.workflow.getHandle(other.workflowId).describe();
    expect(desc.status.name).toBe('RUNNING');
    expect(smtp.to(other.email).map((m) => m.parsed.subject)).toEqual(['Your interview for Backend Engineer is complete']);
  });
});

describe('the ranking orders by the composite once there is one', () => {
  it('two candidates whose composite reverses their match-score order', async () => {
    const job = await s.api('POST', '/v1/jobs', { token: org.hr.token, body: { ...JOB(org.departmentId), title: 'Platform Engineer' } });
    expect(job.status).toBe(201);
    const jobId = job.body.id as string;
    const sam = await submit('strong', { name: 'Sam Strong' }, jobId);
    const ava = await submit('average', { name: 'Ava Average' }, jobId);
    await waitForStage(sam.id, 'evaluation');
    await waitForStage(ava.id, 'evaluation');

    const before = await s.api('GET', `/v1/jobs/${jobId}/ranking`, { token: org.hr.token });
    expect(before.body.items.map((i: { id: string }) => i.id)).toEqual([sam.id, ava.id]);
    expect(before.body.items.every((i: { compositeScore: number | null }) => i.compositeScore === null)).toBe(true);

    await evaluateOk(sam.id, org.hr.token, { ratings: all('poor') });
    await evaluateOk(ava.id, org.hr.token, { ratings: all('excellent') });
    const after = await eventually(async () => {
      const r = await s.api('GET', `/v1/jobs/${jobId}/ranking`, { token: org.manager.token });
      return r.body.items.every((i: { compositeScore: number | null }) => i.compositeScore !== null) ? r : null;
    });
    const [first, second] = after.body.items;
    expect([first.id, second.id]).toEqual([ava.id, sam.id]);
    expect(first.matchScore).toBeLessThan(second.matchScore);
    expect(first.compositeScore).toBeGreaterThan(second.compositeScore);
    for (const i of [first, second]) expect(i.rankScore).toBe(i.compositeScore);
    const samStatus = await status(sam.id);
    expect(second.compositeScore).toBeCloseTo(samStatus.scores.compositeScore, 2);
    expect(samStatus.scores.humanScore).toBe(25);
  });
});

describe("the hiring manager's view", () => {
  let chen: Awaited<ReturnType<typeof submit>>;

  beforeAll(async () => {
    chen = await submit('contradictory', { name: 'Chen Contra' });
    await waitForStage(chen.id, 'discrepancy_review');
    const res = await s.api('POST', `/v1/applications/${chen.id}/discrepancies/claimed_skill_failed:python/resolution`, {
      token: org.hr.token,
      body: { resolution: 'confirmed', note: 'Confirmed on a call: rusty Python' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await waitForStage(chen.id, 'evaluation');
    await evaluateOk(chen.id, org.hr.token, { ratings: all('fair'), comment: 'HR view: needs a coding retest', recommendation: 'reject' });
  });

  it("sees their department's candidate: recording, report, discrepancies and resolutions, HR's evaluation without its comment", async () => {
    const t = org.manager.token;
    const st = await status(chen.id, t);
    expect(st.interview.recordingUrl).toBe('https://recordings.example.com/r/abc');
    expect(st.discrepancies.find((d: { id: string }) => d.id === 'claimed_skill_failed:python')).toMatchObject({
      severity: 'high',
      resolution: { resolution: 'confirmed', note: 'Confirmed on a call: rusty Python', by: org.hr.id },
    });
    expect(st.evaluations).toEqual([
      // Evaluators' comments are for HR, admins and the offer's approvers (api/status-redaction.ts).
      expect.objectContaining({ role: 'hr', evaluatorName: 'Hana HR', comment: null, recommendation: 'reject' }),
    ]);
    expect(st.redacted).toContain('evaluationComments');
    expect(JSON.stringify(st)).not.toContain('needs a coding retest');
    expect(st.report.dimensions).toHaveLength(3);
    expect(st.scores.compositeScore).not.toBeNull();

    const report = await s.api('GET', `/v1/applications/${chen.id}/report`, { token: t });
    expect(report.status).toBe(200);
    expect(report.body.recordingUrl).toBe('https://recordings.example.com/r/abc');
    expect(report.body.discrepancies.map((d: { id: string }) => d.id)).toContain('claimed_skill_failed:python');
    expect(report.body.composite.compositeScore).toBe(st.scores.compositeScore);

    // and adds their own evaluation
    const mine = await evaluateOk(chen.id, t, { ratings: all('poor'), comment: 'Agree with HR', recommendation: 'reject' });
    expect(mine).toMatchObject({ role: 'hiring_manager', revision: 1 });
    const after = await waitForStage(chen.id, 'decision');
    expect(after.recommendations.agree).toBe(true);
  });

  it('lists and ranks only their own department; another department is a 404', async () => {
    const own = await s.api('GET', '/v1/applications', { token: org.manager.token });
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: { id: string }) => i.id)).toContain(chen.id);
    expect(own.body.items.every((i: { departmentId: string }) => i.departmentId === org.departmentId)).toBe(true);

    const t = org.otherManager.token;
    for (const url of [`/v1/applications/${chen.id}`, `/v1/applications/${chen.id}/report`, `/v1/jobs/${org.jobId}/ranking`]) {
      const res = await s.api('GET', url, { token: t });
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    for (const q of ['', `?departmentId=${org.departmentId}`, `?jobId=${org.jobId}`]) {
      const res = await s.api('GET', `/v1/applications${q}`, { token: t });
      expect(res.status).toBe(200);
      expect(res.body.items, q).toEqual([]);
    }
    const ranking = await s.api('GET', `/v1/jobs/${org.jobId}/ranking`, { token: org.manager.token });
    expect(ranking.status).toBe(200);
    expect(ranking.body.items.map((i: { id: string }) => i.id)).toContain(chen.id);
  });
});

describe('bad input and wrong people: a clear 4xx and nothing changes', () => {
  let bea: Awaited<ReturnType<typeof submit>>;

  beforeAll(async () => {
    bea = await submit('average', { name: 'Bea Bad' });
    await waitForStage(bea.id, 'evaluation');
    // Messages go out in the background and note themselves in the timeline when done:
    // let the acknowledgement and both evaluation requests land before comparing timelines.
    await eventually(async () => {
      const types = (await status(bea.id)).timeline.map((t: { type: string }) => t.type);
      return types.includes('message_sent') && types.filter((t: string) => t === 'staff_notified').length === 2;
    });
  });

  async function expectUnchanged(before: Awaited<ReturnType<typeof snapshot>>) {
    expect(await snapshot(bea.id)).toEqual(before);
  }

  it('refuses bad evaluations and the wrong evaluators', async () => {
    const before = await snapshot(bea.id);
    expect(before.evaluations).toEqual([]);

    expectRefused(
      await evaluate(bea.id, org.hr.token, { ratings: { ...all('good'), leadership: 'good' } }),
      400,
      'validation_failed',
      ['body.ratings.leadership'],
    );
    expectRefused(
      await evaluate(bea.id, org.hr.token, { ratings: { programming: 'good', systems: 'good' } }),
      400,
      'validation_failed',
      ['body.ratings.teamwork'],
    );
    expectRefused(
      await evaluate(bea.id, org.hr.token, { ratings: { ...all('good'), teamwork: 'superb' } }),
      400,
      'validation_failed',
      ['body.ratings.teamwork'],
    );
    expectRefused(await evaluate(bea.id, org.otherManager.token, { ratings: all('good') }), 404, 'not_found');
    expectRefused(await evaluate(bea.id, org.integrator.token, { ratings: all('good') }), 403, 'forbidden');
    expectRefused(await evaluate(randomUUID(), org.hr.token, { ratings: all('good') }), 404, 'not_found');
    await expectUnchanged(before);
  });

  it('refuses a decision by a hiring manager, and one without the required evaluations naming what is missing', async () => {
    let before = await snapshot(bea.id);
    expectRefused(await decide(bea.id, org.manager.token, 'advance'), 403, 'forbidden');
    expectRefused(await decide(bea.id, org.hr.token, 'reject'), 409, 'conflict', ['evaluations.hr', 'evaluations.hiring_manager']);
    expectRefused(await s.api('POST', `/v1/applications/${bea.id}/decision`, { token: org.hr.token, body: { decision: 'maybe' } }), 400, 'validation_failed', [
      'body.decision',
    ]);
    await expectUnchanged(before);

    await evaluateOk(bea.id, org.hr.token, { ratings: all('good'), recommendation: 'advance' });
    before = await snapshot(bea.id);
    expect(before.db.human_score).not.toBeNull();
    const res = await decide(bea.id, org.hr.token, 'advance');
    expectRefused(res, 409, 'conflict', ['evaluations.hiring_manager']);
    expect(res.body.error.message).toMatch(/hiring manager/);
    await expectUnchanged(before);
  });

  it('refuses an evaluation after the decision and a second decision', async () => {
    await evaluateOk(bea.id, org.manager.token, { ratings: all('good'), recommendation: 'advance' });
    await waitForStage(bea.id, 'decision');
    expect((await decide(bea.id, org.hr.token, 'advance')).status).toBe(200);
    await waitForStage(bea.id, 'offer_drafting');
    // HR's "draft the offer" notice goes out beside the decision and lands in the timeline a moment later:
    // the snapshot is taken once it is there, so that only the refused requests could change anything after it.
    await eventually(async () => {
      const types: string[] = (await status(bea.id)).timeline.map((t: { type: string }) => t.type);
      return types.lastIndexOf('staff_notified') > types.lastIndexOf('decision_recorded');
    });
    const before = await snapshot(bea.id);

    expectRefused(await evaluate(bea.id, org.hr.token, { ratings: all('poor'), recommendation: 'reject' }), 409, 'wrong_stage');
    expectRefused(await evaluate(bea.id, org.manager.token, { ratings: all('poor') }), 409, 'wrong_stage');
    const again = await decide(bea.id, org.hr.token, 'reject');
    expectRefused(again, 409, 'wrong_stage');
    expect(again.body.error.message).toMatch(/already recorded/);
    await expectUnchanged(before);
    expect(before.decision).toMatchObject({ decision: 'advance' });
  });

  it('after a rejection the finished workflow refuses both with a 409', async () => {
    const zoe = await submit('weak', { name: 'Zoe Done' });
    await waitForStage(zoe.id, 'evaluation');
    await evaluateOk(zoe.id, org.hr.token, { ratings: all('poor') });
    await evaluateOk(zoe.id, org.manager.token, { ratings: all('poor') });
    await waitForStage(zoe.id, 'decision');
    expect((await decide(zoe.id, org.hr.token, 'reject')).status).toBe(200);
    await s.temporal.workflow.getHandle(zoe.workflowId).result();
    const before = await snapshot(zoe.id);
    expectRefused(await evaluate(zoe.id, org.hr.token, { ratings: all('good') }), 409, 'wrong_stage');
    expectRefused(await decide(zoe.id, org.hr.token, 'advance'), 409, 'wrong_stage');
    expect(await snapshot(zoe.id)).toEqual(before);
  });
});
