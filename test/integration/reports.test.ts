/**
 * The reports over a seeded set of five journeys written straight into PostgreSQL (the
 * transitions through the same writer the mirror activity uses, in shuffled order), with
 * every expected figure worked out by hand below. Times are hours after T0.
 *
 *   J1 Eng/job A: hired. Decision at 50h (due 72h: kept). Offer v1 rejected in approval
 *      (comment), v2 approved (level 2 delegated gm -> it), sent 75h, viewed 80h, the
 *      3-day reminder at 147h, accepted 150h; onboarding: a late IT task, a retaken course.
 *   J2 Eng/job A: rejected at 100h (due 72h: broken, 28h late).
 *   J3 Sales/job B: withdrawn by HR in evaluation at 10h.
 *   J4 Eng/job A: still in evaluation since 5h (due 72h, undecided: late and open).
 *   J5 Eng/job A: decision at 40h (kept), offer sent 45h, declined 69h (before any reminder).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { writeTransition } from '../../db/queries/transitions';
import { JOB, createOrg, createUser, type Org } from '../helpers/org';
import { startStack, type Stack } from '../helpers/stack';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const h = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
const PERIOD = 'from=2026-03-01&to=2026-03-31';
const HOUR = 3600;

let s: Stack;
let org: Org;
let jobB: string;
let itUser: { id: string; token: string };
const J = {} as Record<'J1' | 'J2' | 'J3' | 'J4' | 'J5', string>;

async function seedApplication(jobId: string, departmentId: string, extra: { discrepancies?: unknown; dims?: unknown } = {}) {
  const id = randomUUID();
  await s.db.handle.db.execute(sql`
    insert into applications (id, request_hash, job_id, department_id, workflow_id, candidate_name, candidate_email, locale,
                              resume, interview, accuracy, created_at, decision_due_at, discrepancies, score_dimensions)
    values (${id}, 'seed', ${jobId}, ${departmentId}, ${`application-${id}`}, '张伟', ${`${id}@example.com`}, 'zh-CN',
            '{}'::jsonb, '{}'::jsonb, 0.8, ${h(0)}, ${h(72)},
            ${extra.discrepancies ? JSON.stringify(extra.discrepancies) : null}::jsonb, ${extra.dims ? JSON.stringify(extra.dims) : null}::jsonb)`);
  return id;
}

type Step = [from: string, to: string, atHours: number, actor?: { id: string; name: string }];
const PATHS: Record<keyof typeof J, Step[]> = {
  J1: [
    ['received', 'validating', 0], ['validating', 'screening', 1], ['screening', 'evaluation', 2], ['evaluation', 'decision', 26],
    ['decision', 'offer_drafting', 50], ['offer_drafting', 'offer_approval', 51], ['offer_approval', 'offer_drafting', 52],
    ['offer_drafting', 'offer_approval', 53], ['offer_approval', 'offer_sent', 75], ['offer_sent', 'offer_viewed', 80],
    ['offer_viewed', 'accepted', 150], ['accepted', 'onboarding', 150], ['onboarding', 'hired', 390],
  ],
  J2: [['received', 'validating', 0], ['validating', 'screening', 1], ['screening', 'evaluation', 2], ['evaluation', 'decision', 30], ['decision', 'rejected', 100]],
  J3: [['received', 'validating', 0], ['validating', 'screening', 2], ['screening', 'evaluation', 3], ['evaluation', 'withdrawn', 10, { id: 'hr', name: 'Hana HR' }]],
  J4: [['received', 'validating', 0], ['validating', 'screening', 1], ['screening', 'evaluation', 5]],
  J5: [
    ['received', 'validating', 0], ['validating', 'screening', 1], ['screening', 'evaluation', 2], ['evaluation', 'decision', 20],
    ['decision', 'offer_drafting', 40], ['offer_drafting', 'offer_approval', 41], ['offer_approval', 'offer_sent', 45], ['offer_sent', 'declined', 69],
  ],
};

const salary = (amount: number) => ({ position: 'Engineer', salary: { amount, currency: 'CNY', period: 'month' }, benefits: [], startDate: '2026-03-16' });

async function message(applicationId: string | null, template: string, locale: string, channel: string, status: string, opened: boolean, at: number, purpose = template, userId: string | null = null) {
  await s.db.handle.db.execute(sql`
    insert into messages (key, application_id, channel, template, purpose, locale, recipient, recipient_kind, recipient_user_id, body_text, status, opened_at, created_at, sent_at)
    values (${randomUUID()}, ${applicationId}, ${channel}, ${template}, ${purpose}, ${locale}, 'x@example.com', ${userId ? 'staff' : 'candidate'}, ${userId},
            'body', ${status}, ${opened ? h(at + 1) : null}, ${h(at)}, ${status === 'failed' ? null : h(at)})`);
}

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  itUser = await createUser(s, { name: 'Ian IT', roles: ['it'] });
  const job = await s.api('POST', '/v1/jobs', { token: org.hr.token, body: JOB(org.otherDepartmentId) });
  jobB = job.body.id;
  const eng = [org.jobId, org.departmentId] as const;
  J.J1 = await seedApplication(...eng, {
    discrepancies: [{ id: 'claimed_skill_failed:python', rule: 'claimed_skill_failed', severity: 'high', resolution: 'dismissed' }],
    dims: [{ key: 'programming', ai: 80, human: 100 }, { key: 'teamwork', ai: 60, human: 50 }],
  });
  J.J2 = await seedApplication(...eng, {
    discrepancies: [
      { id: 'claimed_skill_failed:python', rule: 'claimed_skill_failed', severity: 'high', resolution: 'confirmed' },
      { id: 'skill_not_tested:go', rule: 'skill_not_tested', severity: 'info', resolution: null },
    ],
    dims: [{ key: 'programming', ai: 70, human: 50 }, { key: 'teamwork', ai: 40, human: 75 }, { key: 'leadership', ai: 55, human: null }],
  });
  J.J3 = await seedApplication(jobB, org.otherDepartmentId, {
    discrepancies: [{ id: 'experience_years_unsupported:resume', rule: 'experience_years_unsupported', severity: 'medium', resolution: 'retest' }],
  });
  J.J4 = await seedApplication(...eng);
  J.J5 = await seedApplication(...eng);

  // Every transition through the real writer, newest first and interleaved, so each stay's
  // end is filled by whichever neighbour comes second.
  const all = Object.entries(PATHS).flatMap(([k, steps]) =>
    steps.map(([from, to, at, actor], i) => ({ applicationId: J[k as keyof typeof J], seq: i + 1, from, to, at: h(at), actor: actor ?? null, source: 'live' as const })),
  );
  for (const t of [...all.filter((_, i) => i % 2 === 1).reverse(), ...all.filter((_, i) => i % 2 === 0)]) await writeTransition(s.db.handle.db, t);

  const db = s.db.handle.db;
  // Approvals of J1: v1 rejected at level 1; v2 approved at level 1, level 2 delegated gm -> IT, IT approved.
  await db.execute(sql`
    insert into approval_items (application_id, version, level, user_id, status, requested_at, decided_at, comment) values
      (${J.J1}, 1, 0, ${org.manager.id}, 'rejected', ${h(51)}, ${h(52)}, ${'Salary above band, "too high" — 请重新考虑'}),
      (${J.J1}, 2, 0, ${org.manager.id}, 'approved', ${h(53)}, ${h(54)}, null),
      (${J.J1}, 2, 1, ${org.gm.id}, 'delegated', ${h(54)}, ${h(56)}, null),
      (${J.J1}, 2, 1, ${itUser.id}, 'approved', ${h(54)}, ${h(58)}, 'ok')`);
  await db.execute(sql`
    insert into offer_versions (application_id, version, status, offer, sent_at, expires_at, viewed_at, reminded_at, responded_at) values
      (${J.J1}, 1, 'superseded', ${JSON.stringify(salary(30000))}::jsonb, null, null, null, null, null),
      (${J.J1}, 2, 'accepted', ${JSON.stringify(salary(28000))}::jsonb, ${h(75)}, ${h(243)}, ${h(80)}, ${h(147)}, ${h(150)}),
      (${J.J5}, 1, 'declined', ${JSON.stringify(salary(25000))}::jsonb, ${h(45)}, ${h(213)}, null, null, ${h(69)})`);
  await message(J.J1, 'interview_acknowledgement', 'en', 'email', 'opened', true, 0);
  await message(J.J3, 'interview_acknowledgement', 'en', 'email', 'failed', false, 0);
  await message(J.J2, 'interview_acknowledgement', 'zh-CN', 'email', 'sent', false, 0);
  await message(J.J1, 'action_required', 'en', 'email', 'sent', false, 55, 'offer_approval_reminder', org.gm.id);
  await message(J.J1, 'offer_reminder', 'en', 'sms', 'sent', false, 147);
  // J1's new hire: ID copy on time, the computer a day late, the mentor meeting on its due day; one course retaken.
  const [emp] = await s.db.handle.rows<{ id: string }>(sql`
    insert into employees (application_id, employee_number, sequence_value, name, email, locale, department_id, job_id, position, start_date,
                           offer_version, status, created_at, hired_at, task_outcomes, course_outcomes)
    values (${J.J1}, 'E2026-00001', 1, '张伟', 'zw@example.com', 'zh-CN', ${org.departmentId}, ${org.jobId}, 'Engineer', '2026-03-16', 2, 'active',
            ${h(150)}, ${h(390)},
            ${JSON.stringify([
              { key: 'id_copy', assignee: 'candidate', dueDate: '2026-03-10', completedAt: '2026-03-09T10:00:00.000Z' },
              { key: 'computer', assignee: 'it', dueDate: '2026-03-12', completedAt: '2026-03-13T09:00:00.000Z' },
              { key: 'mentor_meeting', assignee: 'mentor', dueDate: '2026-03-20', completedAt: '2026-03-20T18:00:00.000Z' },
            ])}::jsonb,
            ${JSON.stringify([{ key: 'security', attempts: 2, passed: true }, { key: 'orientation', attempts: 1, passed: true }])}::jsonb)
    returning id`);
  await db.execute(sql`
    insert into employee_documents (employee_id, kind, filename, content_type, size, sha256, storage_key, status, reject_reason) values
      (${emp!.id}, 'id_copy', 'id.png', 'image/png', 10, 'a', 'a', 'rejected', 'blurred'),
      (${emp!.id}, 'id_copy', 'id2.png', 'image/png', 10, 'b', 'b', 'submitted', null)`);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

const get = (name: string, query = PERIOD, token = org.hr.token) => s.api('GET', `/v1/reports/${name}?${query}`, { token });

describe('the reports, by hand', () => {
  it('funnel: entered, moved on, pass-through and where the others ended', async () => {
    const res = await get('funnel');
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.body.stages.map((r: any) => [r.stage, r]));
    expect(by.validating).toMatchObject({ entered: 5, movedOn: 5, passThrough: 1 });
    // J1, J2, J5 to decision; J3 withdrawn; J4 still there.
    expect(by.evaluation).toEqual({ stage: 'evaluation', entered: 5, movedOn: 3, passThrough: 0.6, rejected: 0, withdrawn: 1, declined: 0, expired: 0, stillThere: 1 });
    expect(by.decision).toMatchObject({ entered: 3, movedOn: 2, rejected: 1, passThrough: 0.6667 });
    // J1 twice (re-entered after the approval rejection) and J5.
    expect(by.offer_drafting).toMatchObject({ entered: 3, movedOn: 3 });
    expect(by.offer_approval).toMatchObject({ entered: 3, movedOn: 3 });
    expect(by.offer_sent).toMatchObject({ entered: 2, movedOn: 1, declined: 1, passThrough: 0.5 });
    expect(by.hired).toMatchObject({ entered: 1, movedOn: 0, passThrough: null });
    expect(res.body.stages.map((r: any) => r.stage)).toEqual([
      'validating', 'screening', 'evaluation', 'decision', 'rejected', 'offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed',
      'accepted', 'declined', 'onboarding', 'hired', 'withdrawn',
    ]);

    const sales = await get('funnel', `${PERIOD}&departmentId=${org.otherDepartmentId}`);
    expect(sales.body.stages.find((r: any) => r.stage === 'evaluation')).toMatchObject({ entered: 1, movedOn: 0, withdrawn: 1 });
    const job = await get('funnel', `${PERIOD}&jobId=${org.jobId}`);
    expect(job.body.stages.find((r: any) => r.stage === 'validating')).toMatchObject({ entered: 4 });
    const before = await get('funnel', 'from=2026-01-01&to=2026-02-28');
    expect(before.body.stages).toEqual([]);
  });

  it('stage-times: p50, p90 and max of finished stays, and who is there now', async () => {
    const res = await get('stage-times');
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.body.stages.map((r: any) => [r.stage, r]));
    // validating: 1h, 1h, 2h, 1h, 1h -> p50 1h; p90 at rank 3.6 of [1,1,1,1,2]h = 1.6h.
    expect(by.validating).toMatchObject({ completed: 5, p50Seconds: HOUR, p90Seconds: 5760, maxSeconds: 2 * HOUR, current: 0 });
    // evaluation: 24h, 28h, 7h, 18h -> p50 21h; p90 at rank 2.7 of [7,18,24,28] = 26.8h; J4 is there now.
    expect(by.evaluation).toMatchObject({ completed: 4, p50Seconds: 21 * HOUR, p90Seconds: 96480, maxSeconds: 28 * HOUR, current: 1 });
    const since = (Date.now() - Date.parse(h(5))) / 1000;
    expect(Math.abs(by.evaluation.currentMaxSeconds - since)).toBeLessThan(120);
    expect(by.hired).toBeUndefined();
  });

  it('decision-promise: kept, broken (decided late and still open), withdrawn', async () => {
    const res = await get('decision-promise');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ due: 5, keptInTime: 2, late: 2, lateOpen: 1, pending: 0, withdrawn: 1, keptRate: 0.5 });
    const [open, decidedLate] = res.body.lateList;
    expect(open).toMatchObject({ applicationId: J.J4, decidedAt: null, dueAt: h(72) });
    expect(decidedLate).toEqual({ applicationId: J.J2, jobId: org.jobId, dueAt: h(72), decidedAt: h(100), lateSeconds: 28 * HOUR });
    expect(res.body.lateList).toHaveLength(2);
  });

  it('approvals: per level and approver, with the rejection comment, the reminder and the delegation', async () => {
    const res = await get('approvals');
    expect(res.status).toBe(200);
    expect(res.body.levels).toEqual([
      { level: 1, decided: 2, approved: 1, rejected: 1, delegated: 0, p50Seconds: HOUR, p90Seconds: HOUR },
      { level: 2, decided: 1, approved: 1, rejected: 0, delegated: 1, p50Seconds: 4 * HOUR, p90Seconds: 4 * HOUR },
    ]);
    const by = Object.fromEntries(res.body.approvers.map((r: any) => [r.userId, r]));
    expect(by[org.manager.id]).toMatchObject({ decided: 2, approved: 1, rejected: 1, remindersSent: 0, p50Seconds: HOUR });
    expect(by[org.gm.id]).toMatchObject({ name: 'Gao GM', decided: 0, delegated: 1, remindersSent: 1, p50Seconds: null });
    expect(by[itUser.id]).toMatchObject({ decided: 1, approved: 1, p50Seconds: 4 * HOUR });
    expect(res.body.rejections).toEqual([
      { applicationId: J.J1, version: 1, level: 1, userId: org.manager.id, name: 'Mei Manager', comment: 'Salary above band, "too high" — 请重新考虑', decidedAt: h(52) },
    ]);
  });

  it('offers: answers before and after the reminder, time to answer, the revision and its salary change', async () => {
    const res = await get('offers');
    expect(res.status).toBe(200);
    // Answers after 75h (J1) and 24h (J5): p50 49.5h, p90 24h + 0.9 * 51h = 69.9h.
    expect(res.body).toEqual({
      percentileMaxRelativeError: 0.01,
      sent: 2, viewed: 2, accepted: 1, declined: 1, expired: 0, superseded: 0, acceptanceRate: 0.5,
      answerP50Seconds: 178200, answerP90Seconds: 251640,
      answeredBeforeReminder: 1, answeredAfterReminder: 1, acceptedBeforeReminder: 0, acceptedAfterReminder: 1,
      revisions: 1, salaryChangeMean: -2000, salaryChangeMin: -2000, salaryChangeMax: -2000,
    });
  });

  it('communications: per template, language and channel', async () => {
    const res = await get('communications');
    expect(res.status).toBe(200);
    expect(res.body.templates).toEqual([
      { template: 'action_required', locale: 'en', channel: 'email', created: 1, sent: 1, failed: 0, opened: 0, openRate: 0 },
      { template: 'interview_acknowledgement', locale: 'en', channel: 'email', created: 2, sent: 1, failed: 1, opened: 1, openRate: 1 },
      { template: 'interview_acknowledgement', locale: 'zh-CN', channel: 'email', created: 1, sent: 1, failed: 0, opened: 0, openRate: 0 },
      { template: 'offer_reminder', locale: 'en', channel: 'sms', created: 1, sent: 1, failed: 0, opened: 0, openRate: null },
    ]);
    const sales = await get('communications', `${PERIOD}&departmentId=${org.otherDepartmentId}`);
    expect(sales.body.templates).toEqual([{ template: 'interview_acknowledgement', locale: 'en', channel: 'email', created: 1, sent: 0, failed: 1, opened: 0, openRate: null }]);
  });

  it('onboarding: tasks on time and late by assignee, a rejected document, a retaken course, days to hired', async () => {
    const res = await get('onboarding');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      // The percentiles come from a 1 % histogram; one duration is its bucket's mean: exact here.
      percentileMaxRelativeError: 0.01,
      started: 1,
      hired: 1,
      tasks: [
        { assignee: 'candidate', onTime: 1, late: 0, open: 0 },
        { assignee: 'it', onTime: 0, late: 1, open: 0 },
        { assignee: 'mentor', onTime: 1, late: 0, open: 0 },
      ],
      documentsRejected: 1,
      courses: { passedFirstAttempt: 1, passedAfterRetake: 1, notPassed: 0 },
      // accepted at 150h, hired at 390h
      acceptedToHiredP50Days: 10,
      acceptedToHiredP90Days: 10,
    });
  });

  it('hiring-quality: AI against human per competency, discrepancies per rule and resolution', async () => {
    const res = await get('hiring-quality');
    expect(res.status).toBe(200);
    expect(res.body.agreement).toEqual([
      // gaps +20 and -20
      { competency: 'programming', evaluated: 2, meanAi: 75, meanHuman: 75, meanGap: 0, meanAbsGap: 20, humanHigher: 1, humanLower: 1, equal: 0 },
      // gaps -10 and +35; leadership had no human score
      { competency: 'teamwork', evaluated: 2, meanAi: 50, meanHuman: 62.5, meanGap: 12.5, meanAbsGap: 22.5, humanHigher: 1, humanLower: 1, equal: 0 },
    ]);
    expect(res.body.discrepancies).toEqual([
      { rule: 'claimed_skill_failed', found: 2, high: 2, confirmed: 1, dismissed: 1, retest: 0, unresolved: 0 },
      { rule: 'experience_years_unsupported', found: 1, high: 0, confirmed: 0, dismissed: 0, retest: 1, unresolved: 0 },
      { rule: 'skill_not_tested', found: 1, high: 0, confirmed: 0, dismissed: 0, retest: 0, unresolved: 1 },
    ]);
  });
});

describe('the rollups behind funnel, stage-times and approvals', () => {
  const snapshot = async () => {
    const db = s.db.handle;
    return {
      stages: await db.rows(sql`select * from stage_rollup where entered <> 0 or "left" <> 0 order by grain, period, job_id, department_id, stage`),
      stays: await db.rows(sql`select * from stage_stay_histogram where n <> 0 order by grain, period, job_id, department_id, stage, bucket`),
      approvals: await db.rows(sql`select * from approval_rollup where requested <> 0 order by grain, period, job_id, department_id, level, user_id`),
      times: await db.rows(sql`select * from approval_time_histogram where n <> 0 order by grain, period, job_id, department_id, level, user_id, bucket`),
    };
  };

  it('the triggers kept them equal to a rebuild from the facts (stays closed by either neighbouring write)', async () => {
    const kept = await snapshot();
    expect(kept.stages.length).toBeGreaterThan(0);
    expect(kept.approvals.length).toBeGreaterThan(0);
    await s.db.handle.db.execute(sql`select report_rollups_rebuild()`);
    expect(await snapshot()).toEqual(kept);
  });

  it('a period of partial days, whole days and a whole month gives the same figures as the month alone', async () => {
    // 27 Feb 06:00 to 2 Apr 03:00: the partial days from the facts, 28 Feb and 1 Apr from the
    // day rows, March from the month rows; every fact of the seed is in March.
    const split = 'from=2026-02-27T06:00:00Z&to=2026-04-02T03:00:00Z';
    // Open stays' ages (current*) move with the clock between the two requests: left out.
    const settled = (body: any) => JSON.parse(JSON.stringify(body, (k, v) => (k.startsWith('current') && k !== 'current' ? undefined : v)));
    for (const name of ['funnel', 'stage-times', 'approvals', 'offers', 'communications', 'onboarding', 'hiring-quality']) {
      const [a, b] = [await get(name), await get(name, split)];
      expect(b.status, name).toBe(200);
      expect(settled(b.body), name).toEqual(settled(a.body));
    }
  });

  it('partial days are read from the facts: a period inside 2 March', async () => {
    // 2 March 00:30 to 23:30: the stays that began at 1h to 5h (validating ended, screening,
    // evaluation's starts) and J3's withdrawal at 10h; none of it from the rollups.
    const res = await get('funnel', 'from=2026-03-02T00:30:00Z&to=2026-03-02T23:30:00Z');
    const by = Object.fromEntries(res.body.stages.map((r: any) => [r.stage, r]));
    expect(by.validating).toBeUndefined();
    expect(by.screening).toMatchObject({ entered: 5, movedOn: 5 });
    expect(by.evaluation).toMatchObject({ entered: 5, movedOn: 3, withdrawn: 1, stillThere: 1 });
    expect(by.withdrawn).toMatchObject({ entered: 1 });
    const times = await get('stage-times', 'from=2026-03-02T00:30:00Z&to=2026-03-02T23:30:00Z');
    // screening: 1h, 1h, 1h, 4h, 1h -> p50 1h, p90 at rank 3.6 = 1h + 0.6 * 3h = 2.8h.
    expect(times.body.stages.find((r: any) => r.stage === 'screening')).toMatchObject({ completed: 5, p50Seconds: HOUR, p90Seconds: 2.8 * HOUR, maxSeconds: 4 * HOUR });
  });

  it('the percentiles say they are approximate, and by how much', async () => {
    expect((await get('stage-times')).body.percentileMaxRelativeError).toBe(0.01);
    expect((await get('approvals')).body.percentileMaxRelativeError).toBe(0.01);
    expect((await get('onboarding')).body.percentileMaxRelativeError).toBe(0.01);
    expect((await get('offers')).body.percentileMaxRelativeError).toBe(0.01);
    expect((await get('decision-promise')).body.percentileMaxRelativeError).toBe(0.01);
  });
});

describe('CSV', () => {
  it('is UTF-8 with a BOM, CRLF, quoted where needed, Chinese intact, one table per section', async () => {
    const res = await s.app.inject({ method: 'GET', url: `/v1/reports/approvals?${PERIOD}&format=csv`, headers: { authorization: `Bearer ${org.hr.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="approvals_2026-03-01_2026-04-01.csv"');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('levels');
    expect(lines[1]).toBe('level,decided,approved,rejected,delegated,p50Seconds,p90Seconds');
    expect(lines[2]).toBe('1,2,1,1,0,3600,3600');
    expect(text).toContain(`${J.J1},1,1,${org.manager.id},Mei Manager,"Salary above band, ""too high"" — 请重新考虑",${h(52)}`);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('every report has a CSV form', async () => {
    for (const name of ['funnel', 'stage-times', 'decision-promise', 'offers', 'communications', 'onboarding', 'hiring-quality']) {
      const res = await s.app.inject({ method: 'GET', url: `/v1/reports/${name}?${PERIOD}&format=csv`, headers: { authorization: `Bearer ${org.hr.token}` } });
      expect(res.statusCode, name).toBe(200);
      expect(res.body.startsWith('\uFEFF'), name).toBe(true);
    }
    const funnel = await s.app.inject({ method: 'GET', url: `/v1/reports/funnel?${PERIOD}&format=csv`, headers: { authorization: `Bearer ${org.hr.token}` } });
    expect(funnel.body.split('\r\n')[1]).toBe('validating,5,5,1,0,0,0,0,0');
  });
});

describe('who sees what', () => {
  it('a hiring manager sees their own department only; another department or its job is a 404', async () => {
    const own = await get('funnel', PERIOD, org.manager.token);
    expect(own.status).toBe(200);
    expect(own.body.stages.find((r: any) => r.stage === 'validating').entered).toBe(4);
    const other = await get('funnel', PERIOD, org.otherManager.token);
    expect(other.body.stages.find((r: any) => r.stage === 'validating').entered).toBe(1);
    expect((await get('funnel', `${PERIOD}&departmentId=${org.otherDepartmentId}`, org.manager.token)).status).toBe(404);
    expect((await get('funnel', `${PERIOD}&jobId=${jobB}`, org.manager.token)).status).toBe(404);
    expect((await get('funnel', `${PERIOD}&jobId=${org.jobId}`, org.manager.token)).status).toBe(200);
  });

  it('other roles are refused', async () => {
    expect((await get('funnel', PERIOD, org.integrator.token)).status).toBe(403);
    expect((await get('offers', PERIOD, itUser.token)).status).toBe(403);
    expect((await get('offers', PERIOD, 'nope')).status).toBe(401);
  });
});

describe('bad filters', () => {
  it.each([
    ['from=yesterday', 'querystring.from'],
    ['to=2026-13-01', 'querystring.to'],
    ['from=2026-03-10&to=2026-03-01', 'querystring.from'],
    ['from=2025-01-01&to=2026-03-01', 'querystring.to'],
    ['jobId=42', 'querystring.jobId'],
    ['departmentId=x', 'querystring.departmentId'],
    ['format=xlsx', 'querystring.format'],
  ])('%s: 400 naming %s', async (query, path) => {
    const res = await get('funnel', query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
  });

  it('an unknown job or department is a 404', async () => {
    expect((await get('funnel', `jobId=${randomUUID()}`)).status).toBe(404);
    expect((await get('funnel', `departmentId=${randomUUID()}`)).status).toBe(404);
  });
});
