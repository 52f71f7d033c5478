/**
 * The staff console in Chromium against the real stack: the API serves the built console
 * at /app/, people are authenticated as the API does today (a bearer header set on the
 * browser context, a test-only mechanism: the console itself keeps no token), and every
 * action goes through the screens. Set-up (applications brought to a stage) uses the API.
 * Each main screen is checked with axe-core, at 1440 px and 390 px, and photographed
 * into .data/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildConsole, consoleBuildIsStale } from '../../scripts/build-console';
import { launchBrowser, listen } from '../helpers/browser';
import { checkScreen, pageAs as openAs, seriousViolations, SHOTS } from '../helpers/console';
import { futureDate } from '../helpers/journey';
import { createOrg, type Org } from '../helpers/org';
import { atStage, inApproval, inDiscrepancyReview, inDrafting, inEvaluation, quickJob, status, until, type Candidate } from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';


let s: Stack;
let org: Org;
let base: string;
let browser: Browser;
let jobId: string;
const contexts: BrowserContext[] = [];
const c = {} as { review: Candidate & { discrepancyId: string }; evaluation: Candidate; drafting: Candidate; approval: Candidate };

beforeAll(async () => {
  if (consoleBuildIsStale()) await buildConsole();
  mkdirSync(SHOTS, { recursive: true });
  s = await startStack();
  org = await createOrg(s);
  base = await listen(s);
  jobId = await quickJob(s, org);
  // Approved by the department's manager, who can see the application (an approver outside it cannot).
  const managerApproves = await quickJob(s, org, { title: 'Site Reliability Engineer', approvalChain: [{ approvers: [org.manager.id], quorum: 'any' }] });
  const [b, review, evaluation, drafting, approval] = await Promise.all([
    launchBrowser(),
    inDiscrepancyReview(s, org, jobId),
    inEvaluation(s, org, jobId),
    inDrafting(s, org, jobId),
    inApproval(s, org, managerApproves),
  ]);
  browser = b;
  Object.assign(c, { review, evaluation, drafting, approval });
}, 180_000);

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => {});
  await browser?.close();
  await s?.stop();
});

const pageAs = (token: string | null, opts: { locale?: string; viewport?: { width: number; height: number } } = {}) => openAs(browser, contexts, token, opts);

describe('serving the console', () => {
  it('redirects / to /app/, serves index.html uncached and hashed assets for a year, and falls back for client routes', async () => {
    const root = await s.api('GET', '/', { token: null });
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/app/');
    const index = await s.api('GET', '/app/', { token: null });
    expect(index.status).toBe(200);
    expect(String(index.headers['content-type'])).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = /\/app\/assets\/[^"]+\.js/.exec(index.body as string)?.[0];
    expect(asset).toBeDefined();
    const js = await s.api('GET', asset!, { token: null });
    expect(js.status).toBe(200);
    expect(String(js.headers['cache-control'])).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    const deep = await s.api('GET', `/app/applications/${c.review.id}`, { token: null });
    expect(deep.status).toBe(200);
    expect(deep.body).toBe(index.body);
    const missing = await s.api('GET', '/app/assets/nothing-here.js', { token: null });
    expect(missing.status).toBe(404);
  });
});

describe('the console in Chromium', () => {
  it('shows the sign-in screen to someone without a session', async () => {
    const page = await pageAs(null);
    await page.goto(`${base}/app/`);
    await page.getByLabel('Work e-mail').waitFor();
    expect(await page.getByRole('link', { name: 'Sign in with single sign-on' }).getAttribute('href')).toBe('/auth/login');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('My work lists what HR owes, with due dates, and one click opens the place where it is done', async () => {
    const page = await pageAs(org.hr.token);
    const scripts: Promise<Buffer>[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.push(r.body());
    });
    await page.goto(`${base}/app/`);
    const review = page.getByRole('link', { name: `Review discrepancies · ${c.review.name}` });
    await review.waitFor();
    // The first screen's JavaScript, gzipped: under 300 KB thanks to route-level splitting.
    const gzipKb = (await Promise.all(scripts)).reduce((sum, b) => sum + gzipSync(b).length, 0) / 1024;
    console.log(`first screen (My work): ${scripts.length} scripts, ${gzipKb.toFixed(0)} KB gzip`);
    expect(gzipKb).toBeLessThan(300);
    await page.getByRole('link', { name: `Evaluate · ${c.evaluation.name}` }).waitFor();
    await page.getByRole('link', { name: `Draft the offer · ${c.drafting.name}` }).waitFor();
    // The manager's approval is not HR's work.
    expect(await page.getByRole('link', { name: `Approve the offer · ${c.approval.name}` }).count()).toBe(0);
    await checkScreen(page, 'my-work', { noHorizontalScroll: true });

    await review.click();
    await page.waitForURL(`**/app/applications/${c.review.id}#discrepancies`);
    await page.getByRole('heading', { name: c.review.name }).waitFor();
    await checkScreen(page, 'candidate-discrepancy', { noHorizontalScroll: true });
  });

  it('HR resolves the high discrepancy on the candidate page and the workflow moves on', async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/applications/${c.review.id}`);
    const st = await status(s, org, c.review.id);
    const high = st.discrepancies.filter((d: any) => d.severity === 'high' && !d.resolution);
    for (let i = 0; i < high.length; i++) {
      await page.getByRole('radio', { name: 'Dismissed' }).first().check();
      await page.getByRole('textbox', { name: 'Note' }).first().fill('Checked with the candidate');
      await page.getByRole('button', { name: 'Resolve' }).first().click();
      await until(s, org, c.review.id, `${i + 1} resolved`, (x) => x.discrepancies.filter((d: any) => d.resolution).length >= i + 1);
    }
    const after = await until(s, org, c.review.id, 'past review', (x) => x.stage !== 'discrepancy_review');
    expect(after.discrepancies.find((d: any) => d.id === c.review.discrepancyId).resolution).toMatchObject({ resolution: 'dismissed', note: 'Checked with the candidate' });
    // The page shows the result by itself.
    await page.getByText(/Dismissed by Hana HR/).first().waitFor();
  });

  it('HR evaluates on the four-level scale and the evaluation is recorded', async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/applications/${c.evaluation.id}#evaluation`);
    const form = page.getByRole('form', { name: 'Your evaluation' });
    await form.getByRole('radio', { name: 'Excellent' }).first().waitFor();
    for (const group of await form.getByRole('radiogroup').all()) await group.getByRole('radio').first().check();
    await form.getByRole('radio', { name: 'Advance' }).check();
    await form.getByRole('textbox', { name: 'Comment' }).fill('Clear thinker');
    await form.getByRole('button', { name: 'Submit evaluation' }).click();
    await page.getByRole('status').filter({ hasText: 'Evaluation recorded.' }).waitFor();
    const st = await atStage(s, org, c.evaluation.id, 'decision');
    expect(st.evaluations).toHaveLength(1);
    expect(st.evaluations[0]).toMatchObject({ evaluatorName: 'Hana HR', recommendation: 'advance', comment: 'Clear thinker' });
  });

  it('the offer editor marks a refused field, keeps what was typed through a 503, then saves and submits', async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/applications/${c.drafting.id}#offer`);
    await page.getByLabel('Salary').fill('310000');
    await page.getByLabel('Start date').fill('2020-01-06');
    await page.getByLabel('Benefits (one per line)').fill('Health insurance\nGym');
    await page.getByRole('button', { name: 'Save draft' }).click();
    // The API refuses the past start date: the message is next to that field.
    await page.getByText(/^Refused: /).waitFor();
    expect((await status(s, org, c.drafting.id)).offer.current).toBeNull();

    await page.getByLabel('Start date').fill(futureDate(40));
    // The service is unavailable once (injected at the browser's network layer): "try again" and nothing lost.
    let refused = 0;
    await page.route('**/v1/applications/*/offer', async (route) => {
      if (route.request().method() === 'PUT' && refused === 0) {
        refused++;
        await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Temporal unreachable', requestId: 'x' } }) });
      } else await route.continue();
    });
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('alert').filter({ hasText: 'Nothing you typed is lost' }).waitFor();
    expect(await page.getByLabel('Salary').inputValue()).toBe('310000');
    expect(await page.getByLabel('Benefits (one per line)').inputValue()).toBe('Health insurance\nGym');
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await until(s, org, c.drafting.id, 'a draft', (x) => x.offer.current?.status === 'draft');
    const draft = (await status(s, org, c.drafting.id)).offer.current;
    expect(draft.offer).toMatchObject({ salary: { amount: 310000, currency: 'CNY', period: 'year' }, benefits: ['Health insurance', 'Gym'], startDate: futureDate(40) });

    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await atStage(s, org, c.drafting.id, 'offer_approval');
    await checkScreen(page, 'candidate-offer', { noHorizontalScroll: true });
  });

  it("the department's manager approves from the inbox with a comment, in one step", async () => {
    const page = await pageAs(org.manager.token);
    await page.goto(`${base}/app/approvals`);
    const card = page.getByRole('region', { name: c.approval.name });
    await card.getByText(/300,000 CNY per year/).waitFor();
    await checkScreen(page, 'approvals', { noHorizontalScroll: true });
    await card.getByRole('textbox', { name: `Comment on the offer to ${c.approval.name}` }).fill('Good value');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: `Approved. ${c.approval.name}` }).waitFor();
    // Decided: it leaves the inbox.
    await card.waitFor({ state: 'detached' });
    const st = await until(s, org, c.approval.id, 'approved', (x) => x.offer.current?.decisions.length === 1);
    expect(st.offer.current.decisions[0]).toMatchObject({ decision: 'approve', comment: 'Good value', userName: 'Mei Manager' });
  });

  it('jobs list, pipeline board with a column per stage and counts, and the ranking', async () => {
    const page = await pageAs(org.hr.token);
    await page.goto(`${base}/app/jobs`);
    await page.getByRole('link', { name: 'Platform Engineer' }).click();
    await page.waitForURL(`**/app/jobs/${jobId}`);
    const board = page.getByRole('list', { name: 'Pipeline' });
    await board.getByRole('link', { name: c.evaluation.name }).waitFor();
    expect(await board.getByRole('listitem', { name: /^Offer approval \(\d+\)$/ }).count()).toBe(1);
    await checkScreen(page, 'pipeline-board', { noHorizontalScroll: false });

    await page.getByRole('tab', { name: 'Ranking' }).click();
    const table = page.getByRole('table');
    await table.getByRole('link', { name: c.evaluation.name }).waitFor();
    expect(await table.getByRole('row').count()).toBeGreaterThan(2);
    await checkScreen(page, 'ranking', { noHorizontalScroll: false });
  });

  it('speaks Chinese when the browser does, and a manager of another department sees nothing of it', async () => {
    const zh = await pageAs(org.hr.token, { locale: 'zh-CN' });
    await zh.goto(`${base}/app/`);
    await zh.getByRole('heading', { name: '我的待办' }).waitFor();
    await zh.getByRole('link', { name: `评估 · ${c.review.name}` }).or(zh.getByRole('link', { name: /复核差异|评估|起草录用通知/ }).first()).first().waitFor();
    await checkScreen(zh, 'my-work-zh', { noHorizontalScroll: true });

    const other = await pageAs(org.otherManager.token);
    await other.goto(`${base}/app/applications/${c.evaluation.id}`);
    await other.getByRole('alert').filter({ hasText: 'Not found, or not visible to you.' }).waitFor();
    await other.goto(`${base}/app/`);
    await other.getByText('Nothing waits for you.').waitFor();
  });
});
