/**
 * The console's job form refuses exactly what the API refuses: for each draft, the
 * browser's check (web/src/features/admin/job-draft.ts, the domain's ZCreateJobSchema) and
 * the API's answer to the same body (POST /v1/jobs, PATCH /v1/jobs/:id) name the same
 * fields with the same messages, and a draft the browser lets through the API accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBody, createIssues, editIssues, emptyCompetency, emptyJob, competencyBody, type TJobDraft } from '../../web/src/features/admin/job-draft';
import { startRouteApp, type TRouteApp } from '../helpers/route-app';

let ra: TRouteApp;
let departmentId: string;
let jobId: string;

beforeAll(async () => {
  ra = await startRouteApp('hwe_console_job_validation');
  const manager = await ra.createUser(['hiring_manager']);
  const dept = await ra.api('POST', '/v1/departments', { body: { name: 'Engineering', managerUserId: manager.id } });
  expect(dept.status, dept.text).toBe(201);
  departmentId = dept.body.id;
});

afterAll(async () => {
  await ra?.close();
});

const good = (): TJobDraft => ({
  ...emptyJob(),
  title: 'Data Scientist',
  departmentId,
  salaryMin: 300_000,
  salaryMax: 500_000,
  competencies: [
    { ...emptyCompetency(), key: 'statistics', name: 'Statistics', weight: 2, skills: 'regression, sampling' },
    { ...emptyCompetency(), key: 'python', name: 'Python' },
  ],
});

const withCompetency = (i: number, patch: Partial<TJobDraft['competencies'][number]>) => (d: TJobDraft) => ({
  ...d,
  competencies: d.competencies.map((c, j) => (j === i ? { ...c, ...patch } : c)),
});

/** Bad drafts a person can type, each as the form would hold it. */
const BAD: [string, (d: TJobDraft) => TJobDraft][] = [
  ['weights that do not sum to 1', (d) => ({ ...d, ai: 0.5, human: 0.6 })],
  ['a weight out of range', (d) => ({ ...d, ai: 1.5, human: -0.5 })],
  ['a missing weight', (d) => ({ ...d, human: null })],
  ['a duplicate competency key', withCompetency(1, { key: 'statistics' })],
  ['a key not in lower_snake_case', withCompetency(0, { key: 'Stats Key' })],
  ['a competency weight of 0', withCompetency(0, { weight: 0 })],
  ['a competency weight above 1000', withCompetency(1, { weight: 1001 })],
  ['a missing competency weight', withCompetency(1, { weight: null })],
  ['a pass score above 100 and a required level below 0', withCompetency(0, { passScore: 150, requiredLevel: -1 })],
  ['an empty competency name', withCompetency(1, { name: '   ' })],
  ['no competency at all', (d) => ({ ...d, competencies: [] })],
  ['an empty title', (d) => ({ ...d, title: '' })],
  ['a salary band upside down', (d) => ({ ...d, salaryMin: 600_000 })],
  ['a currency that is not ISO 4217', (d) => ({ ...d, currency: 'yuan' })],
  ['a missing salary maximum', (d) => ({ ...d, salaryMax: null })],
];

const sorted = (issues: { path: string; message: string }[]) => issues.map((i) => `${i.path}: ${i.message}`).sort();
const apiDetails = (body: { error: { details: { path: string; message: string }[] } }) =>
  sorted(body.error.details.map((d) => ({ path: d.path.replace(/^body\./, ''), message: d.message })));

describe('the job form and POST /v1/jobs agree', () => {
  it.each(BAD)('%s: the same fields and messages refused on both sides, nothing created', async (_name, make) => {
    const draft = make(good());
    const browser = createIssues(draft);
    expect(browser.length).toBeGreaterThan(0);
    const before = (await ra.api('GET', '/v1/jobs')).body.items.length;
    const res = await ra.api('POST', '/v1/jobs', { body: createBody(draft) });
    expect(res.status, res.text).toBe(400);
    expect(apiDetails(res.body)).toEqual(sorted(browser));
    expect((await ra.api('GET', '/v1/jobs')).body.items).toHaveLength(before);
  });

  it('a draft the browser lets through is created as typed', async () => {
    const draft = good();
    expect(createIssues(draft)).toEqual([]);
    const res = await ra.api('POST', '/v1/jobs', { body: createBody(draft) });
    expect(res.status, res.text).toBe(201);
    jobId = res.body.id;
    const job = (await ra.api('GET', `/v1/jobs/${jobId}`)).body;
    expect(job.weights).toEqual({ ai: 0.4, human: 0.6 });
    expect(job.competencies.map((c: { key: string; skills: string[] }) => [c.key, c.skills])).toEqual([
      ['statistics', ['regression', 'sampling']],
      ['python', []],
    ]);
  });
});

describe('the job form and PATCH /v1/jobs/:id agree', () => {
  const patch = (body: unknown) =>
    ra.app.inject({ method: 'PATCH', url: `/v1/jobs/${jobId}`, headers: { authorization: `Bearer ${ra.adminToken}` }, payload: body as object });

  it.each<[string, (d: TJobDraft) => TJobDraft]>([
    ['a duplicate competency key (found on the merged job)', withCompetency(1, { key: 'statistics' })],
    ['a pass score above 100', withCompetency(0, { passScore: 101 })],
    ['an empty title', (d) => ({ ...d, title: ' ' })],
  ])('%s: the same refusal, the job unchanged', async (_name, make) => {
    const current = (await ra.api('GET', `/v1/jobs/${jobId}`)).body;
    const draft = make(good());
    const browser = editIssues(current, draft);
    expect(browser.length).toBeGreaterThan(0);
    const res = await patch({ title: draft.title, competencies: draft.competencies.map(competencyBody) });
    expect(res.statusCode, res.body).toBe(400);
    expect(apiDetails(JSON.parse(res.body))).toEqual(sorted(browser));
    expect((await ra.api('GET', `/v1/jobs/${jobId}`)).body.version).toBe(current.version);
  });

  it('an accepted change is a new version', async () => {
    const current = (await ra.api('GET', `/v1/jobs/${jobId}`)).body;
    const draft = withCompetency(1, { key: 'sql', name: 'SQL' })(good());
    expect(editIssues(current, draft)).toEqual([]);
    const res = await patch({ title: draft.title, competencies: draft.competencies.map(competencyBody) });
    expect(res.statusCode, res.body).toBe(200);
    expect((await ra.api('GET', `/v1/jobs/${jobId}`)).body.version).toBe(current.version + 1);
  });
});
