/**
 * The candidate page's later pieces in Chromium (issue 13): the rejection-feedback preview
 * in the candidate's language, the offer-letter preview, the sent letter and signed copy
 * downloads (the PDFs arrive through the browser's download), a course result recorded
 * from the onboarding section (a bad score refused next to its field), the job's question
 * calibration, and the probation screen's actions for the manager, the mentor and HR.
 * One stack on the time-skipping test server, so the start date arrives when asked;
 * set-up goes through the API. Every screen: axe, 1440 and 390 px, screenshots.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { buildConsole, consoleBuildIsStale } from '../../scripts/build-console';
import { startTimeSkippingServer } from '../../scripts/harness/time-skipping';
import { startOfDay } from '../../workflows/phases/probation/rules';
import { en } from '../../web/src/i18n/en';
import { launchBrowser, listen } from '../helpers/browser';
import { checkScreen, pageAs as openAs, SHOTS } from '../helpers/console';
import { createOrg, createUser, type Org } from '../helpers/org';
import { atStage, inDecision, inDrafting, onboarded, quickJob, status, until, type Candidate } from '../helpers/scenario';
import { eventually, startStack, type Stack } from '../helpers/stack';

let env: TestWorkflowEnvironment;
let s: Stack;
let org: Org;
let base: string;
let browser: Browser;
let jobId: string;
let mentor: { id: string; token: string };
const contexts: BrowserContext[] = [];
const c = {} as { decision: Candidate; drafting: Candidate; hire: Candidate & { employeeId: string } };

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  if (consoleBuildIsStale()) await buildConsole();
  mkdirSync(SHOTS, { recursive: true });
  env = await startTimeSkippingServer();
  // The shared machine is slow: a 60 s Temporal deadline rather than a 503 in the set-up.
  s = await startStack({ timeSkipping: env, env: { TEMPORAL_RPC_TIMEOUT_MS: '60000' } });
  org = await createOrg(s);
  mentor = await createUser(s, { name: 'Mo Mentor', roles: ['mentor'] });
  base = await listen(s);
  jobId = await quickJob(s, org, {
    onboarding: { tasks: [{ key: 'computer', title: 'Prepare a computer', assignee: 'hr', dueDaysFromStart: -2 }], mentorUserId: mentor.id },
    probation: { months: 3 },
  });
  const [b, decision, drafting, hire] = await Promise.all([launchBrowser(), inDecision(s, org, jobId), inDrafting(s, org, jobId), onboarded(s, org, jobId)]);
  browser = b;
  Object.assign(c, { decision, drafting, hire });
}, 240_000);

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => {});
  await browser?.close();
  await s?.stop();
  await env?.teardown();
});

const pageAs = (token: string, opts: { locale?: string } = {}) => openAs(browser, contexts, token, { ...opts, timeoutMs: 20_000 });

/** Clicks `name` and returns the bytes of the file the browser downloads. */
async function downloadBy(page: Page, name: string): Promise<{ filename: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const file = await download.path();
  return { filename: download.suggestedFilename(), bytes: readFileSync(file) };
}

describe('the candidate page before the decision and in the offer editor', { timeout: 180_000 }, () => {
  it("previews the rejection feedback in the candidate's language and sends nothing", async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/applications/${c.decision.id}#decision`);
    await page.getByRole('button', { name: en['cc.feedback.preview'] }).click();
    const preview = page.getByRole('region', { name: en['cc.feedback.title'] });
    await preview.waitFor();
    expect(await preview.textContent()).toContain(`Dear ${c.decision.name}`);
    expect(await preview.textContent()).toContain('In English');
    await checkScreen(page, 'cc-feedback-preview', { noHorizontalScroll: true });
    // Still waiting for the decision, and no feedback went out.
    expect((await status(s, org, c.decision.id)).stage).toBe('decision');
    const [m] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from messages where application_id = ${c.decision.id} and template = 'rejection_feedback'`);
    expect(m!.n).toBe(0);
  });

  it('previews the offer letter of the draft being typed (a PDF download) and marks a refused field', async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/applications/${c.drafting.id}#offer`);
    await page.getByLabel(en['candidate.position'], { exact: true }).fill('Platform Engineer');
    await page.getByLabel(en['candidate.salary'], { exact: true }).fill('321000');
    // A start date in the past: refused next to the field, nothing saved.
    await page.getByLabel(en['candidate.startDate'], { exact: true }).fill('2020-01-01');
    await page.getByRole('button', { name: en['cc.offer.previewLetter'] }).click();
    await page.getByText(/must be after today/).waitFor();
    const future = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(en['candidate.startDate'], { exact: true }).fill(future);
    const pdf = await downloadBy(page, en['cc.offer.previewLetter']);
    expect(pdf.filename).toBe('offer-preview.pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await checkScreen(page, 'cc-offer-preview', { noHorizontalScroll: true });
    const st = await status(s, org, c.drafting.id);
    expect(st.stage).toBe('offer_drafting');
    expect(st.offer.versions).toHaveLength(0);
  });
});

describe('the job page', { timeout: 120_000 }, () => {
  it("shows the interview-question calibration of the job's answers", async () => {
    const questions = await s.db.handle.rows<{ question_id: string }>(sql`select distinct question_id from interview_answers where job_id = ${jobId} order by 1`);
    expect(questions.length).toBeGreaterThan(0);
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/jobs/${jobId}`);
    await page.getByRole('tab', { name: en['cc.calibration.tab'] }).click();
    const table = page.getByRole('table');
    await table.getByRole('cell', { name: questions[0]!.question_id, exact: true }).waitFor();
    for (const q of questions) expect(await table.getByRole('cell', { name: q.question_id, exact: true }).count()).toBe(1);
    await page.getByText(en['cc.calibration.noneFlagged']).or(page.getByText(/question\(s\) flagged/)).first().waitFor();
    await checkScreen(page, 'cc-calibration', { noHorizontalScroll: false });
  });
});

describe('after the offer: documents, course result, probation', { timeout: 300_000 }, () => {
  it('HR downloads the sent letter and the signed copy', async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/applications/${c.hire.id}#offer`);
    const letter = await downloadBy(page, en['cc.offer.downloadLetter']);
    expect(letter.filename).toBe('offer-v1.pdf');
    expect(letter.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const signed = await downloadBy(page, en['cc.offer.downloadSigned']);
    expect(signed.filename).toBe('offer-v1-signed.pdf');
    expect(signed.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(signed.bytes.equals(letter.bytes)).toBe(false);
    // Each read is in the audit log.
    const rows = await eventually(async () => {
      const r = await s.db.handle.rows<{ action: string }>(sql`select action from audit_log where target_id = ${c.hire.id} and action like 'GET /v1/applications/:id/offer/%'`);
      return r.length >= 2 ? r : null;
    });
    expect(rows.map((r) => r.action).sort()).toEqual(['GET /v1/applications/:id/offer/letter', 'GET /v1/applications/:id/offer/signed']);
  });

  it('HR records a course result from the onboarding section; a score over 100 is refused at the field', async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/applications/${c.hire.id}#onboarding`);
    const score = page.getByLabel(en['cc.course.scoreFor'].replace('{title}', 'Company orientation'));
    await score.fill('150');
    await page.getByRole('button', { name: en['cc.course.record'] }).click();
    await page.getByText(/^Refused: .*100/).waitFor();
    expect((await status(s, org, c.hire.id)).onboarding.courses[0].attempts).toHaveLength(0);
    await score.fill('88');
    await page.getByRole('button', { name: en['cc.course.record'] }).click();
    await page.getByText(/scored 88 on/).waitFor();
    await until(s, org, c.hire.id, 'course passed', (st) => st.onboarding.courses[0].status === 'passed');
    await checkScreen(page, 'cc-onboarding-course', { noHorizontalScroll: true });
  });

  it('probation: the manager checks in, the mentor notes, HR is refused a bad extension then confirms', async () => {
    const done = await s.api('POST', `/v1/employees/${c.hire.employeeId}/onboarding/tasks/computer/complete`, { token: org.hr.token, body: {} });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const hired = await atStage(s, org, c.hire.id, 'hired');
    const target = startOfDay(hired.onboarding.startDate as string) + 60_000;
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
    await atStage(s, org, c.hire.id, 'probation');

    // The department's hiring manager: the check-in.
    const manager = await pageAs(org.manager.token);
    await manager.goto(`${base}/app/applications/${c.hire.id}#probation`);
    await manager.getByRole('button', { name: en['cc.probation.recordCheckIn'] }).click();
    await manager.getByText('Refused: must not be empty').waitFor();
    await manager.getByLabel(en['cc.probation.checkInNote'], { exact: true }).fill('Settling in well; owns the deploy pipeline already.');
    await manager.getByRole('button', { name: en['cc.probation.recordCheckIn'] }).click();
    await manager.getByText(/On track, said Mei Manager/).waitFor();
    // Not the manager's to review.
    expect(await manager.getByRole('button', { name: en['cc.probation.submit.confirm'] }).count()).toBe(0);

    // The mentor, from My work.
    const m = await pageAs(mentor.token);
    await m.goto(`${base}/app/`);
    await m.getByRole('link', { name: new RegExp(`${en['action.probation_mentor_note']}.*${c.hire.name}`) }).click();
    await m.waitForURL(`**/app/applications/${c.hire.id}#probation`);
    await m.getByLabel(en['cc.probation.mentorNoteText'], { exact: true }).fill('Asks good questions, pairs well.');
    await m.getByRole('button', { name: en['cc.probation.saveMentorNote'] }).click();
    await m.getByText('Asks good questions, pairs well.').first().waitFor();

    // HR: an extension with a date before the end is refused at the field, then confirmed.
    const hr = await pageAs(org.hr.token);
    await hr.goto(`${base}/app/applications/${c.hire.id}#probation`);
    await hr.getByRole('radio', { name: en['cc.probation.outcome.extend'] }).check();
    await hr.getByLabel(en['cc.probation.newEndDate'], { exact: true }).fill(hired.onboarding.startDate as string);
    await hr.getByLabel(en['cc.probation.reasonRequired'], { exact: true }).fill('More time on the on-call rota.');
    await hr.getByRole('button', { name: en['cc.probation.submit.extend'] }).click();
    await hr.getByRole('alert').first().waitFor();
    expect((await status(s, org, c.hire.id)).probation.extension).toBeNull();
    await checkScreen(hr, 'cc-probation', { noHorizontalScroll: true });
    await hr.getByRole('radio', { name: en['cc.probation.outcome.confirm'] }).check();
    await hr.getByRole('button', { name: en['cc.probation.submit.confirm'] }).click();
    await hr.getByText(/Confirmed by Hana HR/).waitFor();
    await atStage(s, org, c.hire.id, 'confirmed');
  });
});
