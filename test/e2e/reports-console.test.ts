/**
 * The console's Reports page in Chromium against the real stack: two applications brought
 * to evaluation by their workflows give the funnel its figures, which the page must show
 * as the API computes them, as a chart and a table; a filter changes what is asked; the
 * CSV download is the API's file; axe-core finds no serious or critical violation at
 * 1440 px or 390 px. A hiring manager gets the page without the department filter.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildConsole, consoleBuildIsStale } from '../../scripts/build-console';
import { launchBrowser, listen, PHONE } from '../helpers/browser';
import { createOrg, type Org } from '../helpers/org';
import { inEvaluation, quickJob } from '../helpers/scenario';
import { signInByEmail } from '../helpers/sign-in';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { startStack, type Stack } from '../helpers/stack';

const SHOTS = path.resolve('.data/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDE = { width: 1440, height: 900 };

let s: Stack;
let smtp: TTestSmtpServer;
let org: Org;
let base: string;
let browser: Browser;
let jobId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (consoleBuildIsStale()) await buildConsole();
  mkdirSync(SHOTS, { recursive: true });
  smtp = await startSmtpServer();
  s = await startStack({ env: { SMTP_URL: smtp.url } });
  org = await createOrg(s);
  base = await listen(s);
  jobId = await quickJob(s, org);
  const [b] = await Promise.all([launchBrowser(), inEvaluation(s, org, jobId), inEvaluation(s, org, jobId)]);
  browser = b;
}, 180_000);

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => {});
  await browser?.close();
  await s?.stop();
  await smtp?.close();
});

/**
 * A page signed in as `who`: with a bearer header (a test-only mechanism), or for `session`
 * with the console's real cookie session from an e-mailed sign-in link, which the browser
 * also sends with a download (it does not send a context's extra headers with those).
 */
async function pageAs(who: { token: string } | { session: string }): Promise<Page> {
  const context = await browser.newContext({
    viewport: WIDE,
    locale: 'en-US',
    acceptDownloads: true,
    ...('token' in who ? { extraHTTPHeaders: { Authorization: `Bearer ${who.token}` } } : {}),
  });
  if ('session' in who) await context.addCookies([{ name: 'hwe_session', value: who.session, url: base }]);
  // Generous: the machine running these tests may be shared and slow; a broken page still fails.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  contexts.push(context);
  const page = await context.newPage();
  const csp: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  (page as Page & { csp: string[] }).csp = csp;
  return page;
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } })
      .axe;
    return axe.run();
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(', ')}`);
}

/** The body cells of the table under the heading `title`, as text, row by row. */
async function tableUnder(page: Page, title: string): Promise<string[][]> {
  const section = page.getByRole('region', { name: title });
  const rows = section.locator('tbody tr:not(.ant-table-measure-row)');
  return Promise.all((await rows.all()).map(async (r) => (await r.locator('td').allInnerTexts()).map((t) => t.trim())));
}

/** A chart that ECharts has drawn: its canvas has a size. */
async function chartDrawn(page: Page, name: string) {
  const chart = page.getByRole('img', { name });
  await chart.waitFor();
  await expect.poll(() => chart.locator('canvas').evaluate((c) => (c as unknown as { width: number; height: number }).width * (c as unknown as { height: number }).height)).toBeGreaterThan(0);
}

describe('the Reports page', () => {
  it('HR sees the funnel as a chart and a table, filters it, downloads the CSV, and axe finds nothing serious at 1440 and 390 px', async () => {
    const api = await s.api('GET', `/v1/reports/funnel?jobId=${jobId}`, { token: org.hr.token });
    expect(api.status).toBe(200);
    const evaluation = (api.body as { stages: { stage: string; entered: number; stillThere: number }[] }).stages.find((r) => r.stage === 'evaluation');
    expect(evaluation).toMatchObject({ entered: 2, stillThere: 2 });

    const me = await s.api('GET', '/v1/me', { token: org.hr.token });
    const { cookie } = await signInByEmail(s.app, smtp, (me.body as { email: string }).email);
    const page = await pageAs({ session: cookie });
    await page.goto(`${base}/app/`);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL('**/app/reports');
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const reports = page.getByRole('navigation', { name: 'Which report' });
    expect(await reports.getByRole('link', { name: 'Funnel' }).getAttribute('aria-current')).toBe('page');
    await chartDrawn(page, 'Chart: Funnel');

    // The job filter: the request carries it, the table shows what the API computed.
    const filtered = page.waitForResponse((r) => r.url().includes('/v1/reports/funnel') && r.url().includes(`jobId=${jobId}`));
    await page.getByLabel('Job').selectOption(jobId);
    expect((await filtered).status()).toBe(200);
    await expect.poll(async () => (await tableUnder(page, 'Per stage')).find((r) => r[0] === 'Evaluation')).toEqual(['Evaluation', '2', '0', '0%', '0', '0', '0', '0', '2']);

    // CSV: the API's file for the same filters, with the BOM Excel needs.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.url()).toContain(`jobId=${jobId}`);
    expect(download.url()).toContain('format=csv');
    expect(download.suggestedFilename()).toMatch(/^funnel_.*\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('stage,entered,movedOn,passThrough,rejected,withdrawn,declined,expired,stillThere');
    expect(lines).toContain('evaluation,2,0,0,0,0,0,0,2');

    // Another department: nothing there, and the page says so.
    const sales = page.waitForResponse((r) => r.url().includes('/v1/reports/funnel') && r.url().includes(`departmentId=${org.otherDepartmentId}`));
    await page.getByLabel('Job').selectOption('');
    await page.getByLabel('Department').selectOption(org.otherDepartmentId);
    expect((await sales).status()).toBe(200);
    await page.getByRole('region', { name: 'Per stage' }).getByText('Nothing in this period.').waitFor();
    await page.getByLabel('Department').selectOption('');
    await chartDrawn(page, 'Chart: Funnel');

    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'reports-1440.png'), fullPage: true });

    // Another report, then the same checks on a phone-sized screen.
    await reports.getByRole('link', { name: 'Stage times' }).click();
    await chartDrawn(page, 'Chart: Stage times');
    // Its percentiles come from histograms (the API says so): the page says they are approximate.
    const approximate = page.getByRole('note').filter({ hasText: 'are approximate: within 1 % of the exact figure' });
    await approximate.waitFor();
    await page.setViewportSize(PHONE);
    await reports.getByRole('link', { name: 'Funnel' }).click();
    await chartDrawn(page, 'Chart: Funnel');
    expect(await approximate.count()).toBe(0);
    await expect.poll(() => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    // Right after the switch axe can read the report links' colours half-way (seen only at 390 px,
    // with the computed colours and opacities already final): the check must hold once the page settles.
    await expect.poll(() => seriousViolations(page), { timeout: 20_000 }).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'reports-390.png'), fullPage: true });
    expect((page as Page & { csp: string[] }).csp).toEqual([]);
  }, 240_000);

  it('in Chinese, every heading and label of the page is Chinese', async () => {
    const page = await pageAs({ token: org.hr.token });
    await page.goto(`${base}/app/reports?report=offers`);
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '报表', level: 1 }).waitFor();
    await page.getByRole('heading', { name: '录用通知', level: 2 }).waitFor();
    expect(await page.getByRole('navigation', { name: '报表类型' }).getByRole('link', { name: '录用通知' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('region', { name: '概要' }).getByText('接受率').waitFor();
    await page.getByRole('link', { name: '下载 CSV' }).waitFor();
    await chartDrawn(page, '图表：录用通知');
    // Time to answer comes from a histogram (migration 0017): the note says so, in Chinese.
    await page.getByRole('note').filter({ hasText: '为近似值：与精确值相差不超过 1%' }).waitFor();
    await page.getByRole('navigation', { name: '报表类型' }).getByRole('link', { name: '审批', exact: true }).click();
    await page.getByRole('note').filter({ hasText: '为近似值：与精确值相差不超过 1%' }).waitFor();
  }, 120_000);

  it('a hiring manager has Reports, without the department filter (theirs is implied)', async () => {
    const page = await pageAs({ token: org.manager.token });
    await page.goto(`${base}/app/`);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports' }).waitFor();
    await page.goto(`${base}/app/reports`);
    await chartDrawn(page, 'Chart: Funnel');
    await page.getByLabel('Job').waitFor();
    expect(await page.getByLabel('Department').count()).toBe(0);
  }, 120_000);
});
