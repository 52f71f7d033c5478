/**
 * The console's browser checks, shared by test/e2e/console.test.ts and the whole-hire
 * journey: a page signed in as a person (a bearer header on the Playwright context, a
 * test-only mechanism: the console itself keeps no token), axe-core's serious and
 * critical violations, both widths with screenshots into .data/screenshots/, and
 * keyboard-only focus movement.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const SHOTS = path.resolve('.data/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const WIDE = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export type TConsolePage = Page & { cspErrors: string[] };

/** A page signed in as `token` (null: nobody), in `locale`, at `viewport`; contexts are kept in `contexts` for closing. */
export async function pageAs(
  browser: Browser,
  contexts: BrowserContext[],
  token: string | null,
  opts: { locale?: string; viewport?: { width: number; height: number }; timeoutMs?: number } = {},
): Promise<TConsolePage> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? WIDE,
    locale: opts.locale ?? 'en-US',
    ...(token ? { extraHTTPHeaders: { Authorization: `Bearer ${token}` } } : {}),
  });
  context.setDefaultTimeout(opts.timeoutMs ?? 10_000);
  context.setDefaultNavigationTimeout(Math.max(opts.timeoutMs ?? 10_000, 30_000));
  contexts.push(context);
  const page = (await context.newPage()) as TConsolePage;
  page.cspErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) page.cspErrors.push(m.text());
  });
  whenTestFails(page);
  return page;
}

let failedShots = 0;

/**
 * When the running test fails: a screenshot of the page as it was
 * (.data/screenshots/failed-*.png) and the text of its alerts (an error note says what the
 * API answered). A wait that timed out says only what did not appear.
 */
function whenTestFails(page: Page): void {
  try {
    onTestFailed(async ({ task }) => {
      const name = `failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}-${++failedShots}`;
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
      const alerts = await page.getByRole('alert').allInnerTexts().catch(() => [] as string[]);
      console.error(`[${task.name}] ${page.url()}: screenshot ${name}.png; alerts: ${alerts.length ? alerts.join(' | ') : 'none'}`);
    });
  } catch {
    // Opened outside a running test (in a beforeAll): there is no test to fail.
  }
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run();
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export const horizontalOverflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/** Accessibility, both widths and a screenshot of each: the checks every main screen gets. */
export async function checkScreen(page: TConsolePage, name: string, opts: { noHorizontalScroll: boolean }) {
  expect(await seriousViolations(page), name).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, `${name}-1440.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  if (opts.noHorizontalScroll) await expect.poll(() => horizontalOverflow(page)).toBeLessThanOrEqual(0);
  expect(await seriousViolations(page), `${name} at 390 px`).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
  await page.setViewportSize(WIDE);
  expect(page.cspErrors).toEqual([]);
}

/** The focused element's accessible name (aria-label, its label's text, or its own text). */
function focusedName(page: Page): Promise<string> {
  // A string, so the browser-side code needs no DOM types here (the tests compile without lib.dom).
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '';
    const label = el.getAttribute('aria-label');
    if (label) return label.trim();
    const by = el.getAttribute('aria-labelledby');
    if (by) return (document.getElementById(by)?.textContent ?? '').trim();
    return (el.textContent ?? '').trim();
  })()`);
}

/** Presses Tab (only the keyboard) until the focused element's accessible name is `name`. */
export async function tabTo(page: Page, name: string, maxPresses = 150): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const now = await focusedName(page);
    if (now === name) return;
    seen.push(now);
  }
  throw new Error(`"${name}" not reached by Tab in ${maxPresses} presses; focused in turn: ${seen.slice(-20).join(' | ')}`);
}
