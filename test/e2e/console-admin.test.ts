/**
 * The console's Admin area in Chromium against the real stack (one stack, one browser, one
 * admin page reused from screen to screen). An admin creates and renames a department,
 * invites a user (whose first token works), changes their roles, deactivates and
 * reactivates them; creates an API key (refused first for a past expiry, next to the
 * field), sees it once, proves it works against the API and revokes it; creates a job
 * whose competency model the browser refuses first (weights that do not sum to 1, a
 * duplicate key: nothing reaches the API), then accepts; changes the retention setting, then
 * every other setting (weights and a day both off and working refused at their fields first;
 * a timer, the weights, a holiday and a PNG logo saved after a 503);
 * registers a webhook against a local receiver, sends a test ping, finds it in the delivery
 * log and redelivers it; and finds all of these in the audit log. A hiring manager has no
 * Admin entry and is refused on the direct address. Every Admin screen: axe at 1440 px and
 * 390 px, screenshots `admin-*.png` in .data/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { buildConsole, consoleBuildIsStale } from '../../scripts/build-console';
import { adminEn } from '../../web/src/i18n/admin.en';
import { adminZhCN } from '../../web/src/i18n/admin.zh-CN';
import { en } from '../../web/src/i18n/en';
import { zhCN } from '../../web/src/i18n/zh-CN';
import { launchBrowser, listen } from '../helpers/browser';
import { checkScreen, pageAs, SHOTS, tabTo, type TConsolePage } from '../helpers/console';
import { createOrg, createUser, type Org } from '../helpers/org';
import { startStack, type Stack } from '../helpers/stack';
import { startWebhookReceiver, type TTestWebhookReceiver } from '../helpers/webhook-receiver';

const T = { ...en, ...adminEn };
type TKey = keyof typeof T;
const fill = (key: TKey, vars: Record<string, string | number> = {}) => T[key].replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m));

let s: Stack;
let org: Org;
let base: string;
let browser: Browser;
let receiver: TTestWebhookReceiver;
let admin: { id: string; token: string };
let page: TConsolePage;
const contexts: BrowserContext[] = [];
const stamp = Date.now();
const names = { dept: `Research ${stamp}`, deptRenamed: `Research and Development ${stamp}`, user: 'Uma User', email: `uma.${stamp}@example.com`, job: `Data Scientist ${stamp}` };

beforeAll(async () => {
  if (consoleBuildIsStale()) await buildConsole();
  mkdirSync(SHOTS, { recursive: true });
  receiver = await startWebhookReceiver({ secret: `whsec_test_${stamp}_0123456789` });
  s = await startStack();
  org = await createOrg(s);
  admin = await createUser(s, { name: 'Ada Admin', roles: ['admin'] });
  base = await listen(s);
  browser = await launchBrowser();
  page = await pageAs(browser, contexts, admin.token, { timeoutMs: 30_000 });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
}, 180_000);

afterAll(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => {});
  await browser?.close();
  await s?.stop();
  await receiver?.close();
});

/** Opens an Admin screen from the sub-navigation, as a person would. */
async function openScreen(p: Page, label: TKey) {
  await p.getByRole('navigation', { name: T['admin.nav.label'] }).getByRole('link', { name: T[label] }).click();
  await p.getByRole('heading', { level: 2, name: T[label] }).waitFor();
}

/** The value of the secret shown once, then "I have copied it": the value is gone from the page. */
async function takeSecret(p: Page, title: TKey): Promise<string> {
  const region = p.getByRole('region', { name: T[title] });
  const secret = (await region.getByLabel(T['admin.secret.value']).textContent())!.trim();
  expect(secret.length).toBeGreaterThan(15);
  await region.getByRole('button', { name: T['admin.secret.copy'] }).click();
  await region.getByRole('status').filter({ hasText: T['admin.secret.copied'] }).waitFor();
  expect(await p.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
  await region.getByRole('button', { name: T['admin.secret.done'] }).click();
  await region.waitFor({ state: 'detached' });
  expect(await p.content()).not.toContain(secret);
  return secret;
}

const row = (p: Page, text: string) => p.getByRole('row').filter({ hasText: text });

describe('the Admin area', { timeout: 300_000 }, () => {
  it('is reached from the main navigation; departments are created and renamed', async () => {
    await page.goto(`${base}/app/`);
    await page.getByRole('navigation', { name: en['nav.main'] }).getByRole('link', { name: T['admin.nav.entry'] }).click();
    await page.getByRole('heading', { level: 2, name: T['admin.nav.users'] }).waitFor();
    await openScreen(page, 'admin.nav.departments');
    await checkScreen(page, 'admin-departments', { noHorizontalScroll: true });

    await page.getByLabel(T['admin.departments.name']).first().fill(names.dept);
    // No manager chosen: the API's refusal is shown on the manager field.
    await page.getByRole('button', { name: T['admin.departments.createButton'] }).click();
    await page.getByText(T['admin.issue.pick']).waitFor();
    expect((await s.api('GET', '/v1/departments')).body.items.map((d: { name: string }) => d.name)).not.toContain(names.dept);
    await page.getByLabel(T['admin.departments.manager']).first().selectOption({ label: 'Ian IT' });
    await page.getByRole('button', { name: T['admin.departments.createButton'] }).click();
    await row(page, names.dept).waitFor();

    await page.getByRole('button', { name: fill('admin.departments.editDepartment', { name: names.dept }) }).click();
    const edit = page.getByText(fill('admin.departments.editing', { name: names.dept }));
    await page.getByLabel(T['admin.departments.name']).nth(1).fill(names.deptRenamed);
    await page.getByRole('button', { name: en['common.save'] }).click();
    await row(page, names.deptRenamed).waitFor();
    await edit.waitFor({ state: 'detached' });
    const depts = (await s.api('GET', '/v1/departments')).body.items as { name: string }[];
    expect(depts.map((d) => d.name)).toContain(names.deptRenamed);
    expect(depts.map((d) => d.name)).not.toContain(names.dept);
  });

  let uma: { id: string; token: string };
  it('invites a user (the first token works, shown once), changes roles, deactivates and reactivates', async () => {
    await openScreen(page, 'admin.nav.users');
    await checkScreen(page, 'admin-users', { noHorizontalScroll: true });
    await page.getByLabel(T['admin.users.name']).fill(names.user);
    await page.getByLabel(T['admin.users.email']).fill(names.email);
    await page.getByLabel(T['admin.users.department']).selectOption({ label: names.deptRenamed });
    await page.getByRole('group', { name: T['admin.users.roles'] }).getByRole('checkbox', { name: en['role.hiring_manager'] }).check();
    await page.getByRole('button', { name: T['admin.users.create'] }).click();
    const token = await takeSecret(page, 'admin.users.tokenTitle');
    const me = await s.api('GET', '/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.name).toBe(names.user);
    uma = { id: me.body.userId, token };
    await row(page, names.email).getByText(en['role.hiring_manager']).waitFor();

    await page.getByRole('button', { name: fill('admin.users.editUser', { name: names.user }) }).click();
    await page.getByRole('group', { name: T['admin.users.roles'] }).last().getByRole('checkbox', { name: en['role.approver'] }).check();
    await page.getByRole('button', { name: en['common.save'] }).click();
    await row(page, names.email).getByText(en['role.approver']).waitFor();
    expect((await s.api('GET', '/v1/me', { token })).body.roles.sort()).toEqual(['approver', 'hiring_manager']);

    await page.getByRole('button', { name: fill('admin.users.editUser', { name: names.user }) }).click();
    await page.getByRole('button', { name: T['admin.users.deactivate'] }).click();
    // The confirmation's own button (the popup comes last in the page).
    await page.getByRole('button', { name: T['admin.users.deactivate'], exact: true }).last().click();
    await row(page, names.email).getByText(T['admin.users.inactive']).waitFor();
    expect((await s.api('GET', '/v1/me', { token })).status).toBe(401);

    await page.getByRole('button', { name: fill('admin.users.editUser', { name: names.user }) }).click();
    await page.getByRole('button', { name: T['admin.users.reactivate'] }).click();
    await row(page, names.email).getByText(T['admin.users.active'], { exact: true }).waitFor();
    expect((await s.api('GET', '/v1/me', { token })).status).toBe(200);
  });

  it('creates an API key (a past expiry refused at the field), shows it once, proves it works, revokes it', async () => {
    await openScreen(page, 'admin.nav.apiKeys');
    await page.getByLabel(T['admin.keys.user']).selectOption({ label: `${names.user} (${names.email})` });
    await row(page, 'initial token').waitFor();
    await checkScreen(page, 'admin-api-keys', { noHorizontalScroll: true });
    await page.getByLabel(T['admin.keys.name']).fill('Reporting key');
    await page.getByRole('group', { name: T['admin.keys.scopes'] }).getByRole('checkbox', { name: 'applications:read' }).check();
    await page.getByLabel(T['admin.keys.expires']).fill('2020-01-01');
    await page.getByRole('button', { name: T['admin.keys.createButton'] }).click();
    await page.getByText(T['admin.issue.future']).waitFor();
    const before = (await s.api('GET', `/v1/users/${uma.id}/api-keys`)).body.items as { name: string }[];
    expect(before.map((k) => k.name)).toEqual(['initial token']);

    await page.getByLabel(T['admin.keys.expires']).fill(`${new Date().getUTCFullYear() + 1}-06-30`);
    await page.getByRole('button', { name: T['admin.keys.createButton'] }).click();
    const key = await takeSecret(page, 'admin.keys.secretTitle');
    await row(page, 'Reporting key').getByText(T['admin.keys.valid']).waitFor();
    // The key works within its scope, and nothing shows it again.
    expect((await s.api('GET', '/v1/applications', { token: key })).status).toBe(200);
    const listed = await s.api('GET', `/v1/users/${uma.id}/api-keys`);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    await page.reload();
    await page.getByLabel(T['admin.keys.user']).selectOption({ label: `${names.user} (${names.email})` });
    await row(page, 'Reporting key').waitFor();
    expect(await page.content()).not.toContain(key);

    await page.getByRole('button', { name: fill('admin.keys.revokeKey', { name: 'Reporting key' }) }).click();
    await page.getByRole('button', { name: T['admin.keys.revoke'], exact: true }).last().click();
    await row(page, 'Reporting key').getByText(/Revoked/).waitFor();
    expect((await s.api('GET', '/v1/applications', { token: key })).status).toBe(401);
  });

  it('creates a job: the competency model is refused in the browser as the API would, in the user language, then accepted; then closes it', async () => {
    await openScreen(page, 'admin.nav.jobs');
    await checkScreen(page, 'admin-jobs', { noHorizontalScroll: true });
    await page.getByRole('button', { name: T['admin.jobs.new'] }).click();
    await page.getByLabel(T['admin.jobs.title']).fill(names.job);
    await page.getByLabel(T['admin.jobs.department']).selectOption({ label: names.deptRenamed });
    await page.getByLabel(T['admin.jobs.salaryMin']).fill('300000');
    await page.getByLabel(T['admin.jobs.salaryMax']).fill('500000');
    await page.getByLabel(T['admin.jobs.aiWeight']).fill('0.5');
    const first = page.getByRole('group', { name: fill('admin.jobs.competencyN', { n: 1 }) });
    await first.getByLabel(T['admin.jobs.key']).fill('statistics');
    await first.getByLabel(T['admin.jobs.competencyName']).fill('Statistics');
    await first.getByLabel(T['admin.jobs.weight']).fill('2');
    await first.getByLabel(T['admin.jobs.skills']).fill('regression, sampling');
    await page.getByRole('button', { name: T['admin.jobs.addCompetency'] }).click();
    const second = page.getByRole('group', { name: fill('admin.jobs.competencyN', { n: 2 }) });
    await second.getByLabel(T['admin.jobs.key']).fill('statistics');
    await second.getByLabel(T['admin.jobs.competencyName']).fill('Python');
    await second.getByLabel(T['admin.jobs.passScore']).fill('150');
    await page.getByRole('button', { name: T['admin.jobs.createButton'] }).click();
    // Next to their fields: the weights' sum, the duplicate key, the pass score's range.
    await page.getByText(T['admin.issue.weightsSum']).waitFor();
    await second.getByText(T['admin.issue.duplicateKey']).waitFor();
    await second.getByText(T['admin.issue.range100']).waitFor();
    await page.getByRole('alert').filter({ hasText: fill('admin.jobs.fixFields', { n: 3 }) }).waitFor();
    await checkScreen(page, 'admin-jobs-refused', { noHorizontalScroll: true });
    // In Chinese, the same refusals in Chinese, nothing typed lost.
    await page.getByRole('combobox', { name: en['nav.language'] }).selectOption('zh-CN');
    await page.getByText(adminZhCN['admin.issue.weightsSum']).waitFor();
    await page.getByText(adminZhCN['admin.issue.duplicateKey']).waitFor();
    await page.getByRole('combobox', { name: zhCN['nav.language'] }).selectOption('en');
    expect(await second.getByLabel(T['admin.jobs.competencyName']).inputValue()).toBe('Python');
    expect((await s.api('GET', '/v1/jobs')).body.items.map((j: { title: string }) => j.title)).not.toContain(names.job);

    await page.getByLabel(T['admin.jobs.humanWeight']).fill('0.5');
    await second.getByLabel(T['admin.jobs.key']).fill('python');
    await second.getByLabel(T['admin.jobs.passScore']).fill('65');
    await page.getByRole('button', { name: T['admin.jobs.createButton'] }).click();
    await row(page, names.job).waitFor();
    const listed = (await s.api('GET', '/v1/jobs')).body.items.find((j: { title: string }) => j.title === names.job);
    const job = (await s.api('GET', `/v1/jobs/${listed.id}`)).body;
    expect(job.weights).toEqual({ ai: 0.5, human: 0.5 });
    expect(job.competencies.map((c: { key: string; weight: number; passScore: number; skills: string[] }) => [c.key, c.weight, c.passScore, c.skills])).toEqual([
      ['statistics', 2, 60, ['regression', 'sampling']],
      ['python', 1, 65, []],
    ]);

    await page.getByRole('button', { name: fill('admin.jobs.editJob', { title: names.job }) }).click();
    await page.getByLabel(T['admin.jobs.status']).selectOption('closed');
    await page.getByRole('button', { name: en['common.save'] }).click();
    await row(page, names.job).getByText(T['admin.jobs.closed']).waitFor();
    expect((await s.api('GET', `/v1/jobs/${listed.id}`)).body.status).toBe('closed');
  });

  it('changes the retention setting (a refused value shown at its field, nothing changed; a 503 offers try again, nothing typed lost)', async () => {
    await openScreen(page, 'admin.nav.settings');
    await checkScreen(page, 'admin-settings', { noHorizontalScroll: true });
    const field = page.getByLabel(T['admin.settings.after.rejected']);
    await field.fill('0');
    await page.getByRole('button', { name: T['admin.settings.saveRetention'] }).click();
    await page.locator('.ant-form-item-has-error').filter({ has: field }).waitFor();
    expect((await s.api('GET', '/v1/settings')).body.retention.afterEnd.rejected).toBe(180);
    await field.fill('90');
    // Every PATCH from here on: "try again" must resend the first attempt's Idempotency-Key.
    const keys: string[] = [];
    const onRequest = (r: Request) => {
      if (r.method() === 'PATCH' && new URL(r.url()).pathname === '/v1/settings') keys.push(r.headers()['idempotency-key'] ?? '');
    };
    page.on('request', onRequest);
    // The API unavailable once (answered at the network, as a proxy would): "try again", nothing typed lost.
    await page.route('**/v1/settings', (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'database unreachable' } }) })
        : route.fallback(),
    );
    await page.getByRole('button', { name: T['admin.settings.saveRetention'] }).click();
    const down = page.getByRole('alert').filter({ hasText: en['errors.unavailable'] });
    await down.waitFor();
    expect(await field.inputValue()).toBe('90');
    await page.unroute('**/v1/settings');
    await down.getByRole('button', { name: en['common.retry'] }).click();
    await page.getByRole('status').filter({ hasText: T['admin.saved'] }).waitFor();
    page.off('request', onRequest);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await s.api('GET', '/v1/settings')).body.retention.afterEnd.rejected).toBe(90);
  });

  it('changes every other setting: refused in the browser at the field (weights, a day both off and working; in Chinese too), then a timer, the weights, a holiday and a PNG logo saved (after a 503, nothing typed lost)', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 2, name: T['admin.nav.settings'] }).waitFor();
    const before = (await s.api('GET', '/v1/settings')).body;
    const ai = page.getByLabel(T['admin.jobs.aiWeight']);
    const human = page.getByLabel(T['admin.jobs.humanWeight']);
    const timer = page.getByLabel(T['admin.settings.timer.decisionPromise']);
    const save = page.getByRole('button', { name: T['admin.settings.save'] });
    const year = page.getByRole('group', { name: fill('admin.settings.year', { year: 2027 }) });
    // A day added from the keyboard: picked, its kind chosen, then Tab to "Add the day" and Enter.
    const addDay = async (day: string, kind: 'holidays' | 'workdays') => {
      await page.getByLabel(T['admin.settings.day'], { exact: true }).fill(day);
      const kindSelect = page.getByLabel(T['admin.settings.dayKind'], { exact: true });
      await kindSelect.selectOption(kind);
      await kindSelect.focus();
      await tabTo(page, T['admin.settings.addDay']);
      await page.keyboard.press('Enter');
    };

    await ai.fill('0.5');
    await human.fill('0.6');
    await addDay('2027-10-01', 'holidays');
    // Enter in the day field adds the day (the kind chosen first); it does not submit the form.
    await page.getByLabel(T['admin.settings.dayKind'], { exact: true }).selectOption('workdays');
    await page.getByLabel(T['admin.settings.day'], { exact: true }).fill('2027-10-01');
    await page.getByLabel(T['admin.settings.day'], { exact: true }).press('Enter');
    expect(await page.getByLabel(T['admin.settings.day'], { exact: true }).inputValue()).toBe('');
    await year.getByRole('list', { name: `${T['admin.settings.workdays']} 2027` }).getByText('2027-10-01', { exact: true }).waitFor();
    await save.click();
    await page.locator('.ant-form-item-has-error').filter({ has: human }).getByText(T['admin.issue.weightsSum']).waitFor();
    await year.getByText(T['admin.issue.bothDays']).waitFor();
    await page.getByRole('alert').filter({ hasText: fill('admin.jobs.fixFields', { n: 2 }) }).waitFor();
    await checkScreen(page, 'admin-settings-refused', { noHorizontalScroll: true });
    await page.getByRole('combobox', { name: en['nav.language'], exact: true }).selectOption('zh-CN');
    await page.getByText(adminZhCN['admin.issue.weightsSum']).waitFor();
    await page.getByText(adminZhCN['admin.issue.bothDays']).waitFor();
    await page.getByRole('combobox', { name: zhCN['nav.language'], exact: true }).selectOption('en');
    expect(await human.inputValue()).toBe('0.6');
    expect((await s.api('GET', '/v1/settings')).body).toEqual(before);

    await human.fill('0.5');
    await year.getByRole('button', { name: fill('admin.settings.removeWorkday', { day: '2027-10-01' }) }).click();
    await timer.fill('5bd');
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    await page.getByLabel(T['admin.settings.logo'], { exact: true }).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.getByRole('img', { name: T['admin.settings.logoPreview'] }).waitFor();
    await checkScreen(page, 'admin-settings-all', { noHorizontalScroll: true });
    // The API unavailable once: "try again", nothing typed lost, then saved.
    await page.route('**/v1/settings', (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'database unreachable' } }) })
        : route.fallback(),
    );
    await save.click();
    const down = page.getByRole('alert').filter({ hasText: en['errors.unavailable'] });
    await down.waitFor();
    expect(await timer.inputValue()).toBe('5bd');
    expect(await human.inputValue()).toBe('0.5');
    await page.unroute('**/v1/settings');
    await down.getByRole('button', { name: en['common.retry'] }).click();
    await page.getByRole('status').filter({ hasText: T['admin.saved'] }).first().waitFor();
    const after = (await s.api('GET', '/v1/settings')).body;
    expect(after.defaults.weights).toEqual({ ai: 0.5, human: 0.5 });
    expect(after.defaults.timers).toEqual({ ...before.defaults.timers, decisionPromise: '5bd' });
    expect(after.defaults.calendar['2027']).toEqual({ holidays: ['2027-10-01'], workdays: [] });
    expect(Buffer.from(after.logoPngBase64, 'base64').equals(Buffer.from(png, 'base64'))).toBe(true);
    // Everything else as it was, retention (changed by its own form just before) included.
    expect(after.retention.afterEnd.rejected).toBe(90);
    expect({ ...after.defaults, weights: null, timers: null, calendar: null }).toEqual({ ...before.defaults, weights: null, timers: null, calendar: null });
    expect(after.companyName).toBe(before.companyName);
  });

  it('registers a webhook, sends a test ping, sees it in the delivery log and redelivers it', async () => {
    await openScreen(page, 'admin.nav.webhooks');
    await checkScreen(page, 'admin-webhooks', { noHorizontalScroll: true });
    await page.getByLabel(T['admin.webhooks.url']).fill('ftp://example.com/hook');
    await page.getByRole('button', { name: T['admin.webhooks.createButton'] }).click();
    await page.getByText(T['admin.issue.url']).waitFor();
    await page.getByLabel(T['admin.webhooks.url']).fill(receiver.url);
    await page.getByRole('group', { name: T['admin.webhooks.events'] }).getByRole('checkbox', { name: 'application.received' }).check();
    await page.getByLabel(T['admin.webhooks.secret']).fill(receiver.secret);
    await page.getByRole('button', { name: T['admin.webhooks.createButton'] }).click();
    expect(await takeSecret(page, 'admin.webhooks.secretTitle')).toBe(receiver.secret);
    await row(page, receiver.url).waitFor();

    await page.getByRole('button', { name: fill('admin.webhooks.testOf', { url: receiver.url }) }).click();
    await page.getByRole('status').filter({ hasText: fill('admin.webhooks.delivered', { status: 200 }) }).waitFor();
    await receiver.waitForAccepted(1);
    expect(receiver.verified.map((r) => r.eventType)).toEqual(['ping']);

    await page.getByRole('button', { name: fill('admin.webhooks.logOf', { url: receiver.url }) }).click();
    const log = page.getByRole('table').last();
    await log.getByRole('row').filter({ hasText: 'ping' }).getByText(T['admin.webhooks.status.delivered']).waitFor();
    await checkScreen(page, 'admin-webhook-log', { noHorizontalScroll: true });
    await page.getByRole('button', { name: fill('admin.webhooks.redeliverAttempt', { type: 'ping', n: 1 }) }).click();
    await page.getByRole('button', { name: fill('admin.webhooks.redeliverAttempt', { type: 'ping', n: 2 }) }).waitFor();
    expect(receiver.verified).toHaveLength(2);
    expect(receiver.verified[1]!.eventId).toBe(receiver.verified[0]!.eventId);
  });

  it('finds these actions in the audit log, filtered by actor, action and date, a page at a time', async () => {
    await openScreen(page, 'admin.nav.audit');
    await page.getByRole('row').nth(1).waitFor();
    // Next turns enabled with the first page and fades its colour in: axe measures it once that is over.
    const next = page.getByRole('button', { name: en['common.next'] }).and(page.locator(':enabled'));
    await next.waitFor();
    await expect
      .poll(() => next.evaluate((el: { getAnimations(o: { subtree: boolean }): { playState: string }[] }) => el.getAnimations({ subtree: true }).every((a) => a.playState !== 'running')))
      .toBe(true);
    await checkScreen(page, 'admin-audit', { noHorizontalScroll: true });
    const today = new Date();
    const ymd = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await page.getByLabel(T['admin.audit.actor']).selectOption({ label: 'Ada Admin' });
    await page.getByLabel(T['admin.audit.from']).fill(ymd);
    await page.getByLabel(T['admin.audit.to']).fill(ymd);
    for (const action of [
      'POST /v1/departments',
      'PATCH /v1/departments/:id',
      'POST /v1/users',
      'PATCH /v1/users/:id',
      'POST /v1/users/:id/api-keys',
      'DELETE /v1/api-keys/:id',
      'POST /v1/jobs',
      'PATCH /v1/jobs/:id',
      'PATCH /v1/settings',
      'PUT /v1/settings',
      'POST /v1/webhooks',
      'POST /v1/webhooks/:id/test',
      'POST /v1/webhooks/:id/deliveries/:eventId/redeliver',
    ]) {
      await page.getByLabel(T['admin.audit.action']).fill(action);
      await page.getByRole('button', { name: T['admin.audit.filter'] }).click();
      const rows = page.getByRole('row').filter({ hasText: 'Ada Admin' }).filter({ has: page.getByText(action, { exact: true }) });
      await rows.first().waitFor();
      expect(await page.getByRole('row').filter({ hasNotText: action }).count(), action).toBe(1); // the header only
    }
    // Everything, newest first, 25 a page: the second page holds older entries.
    await page.getByLabel(T['admin.audit.action']).fill('');
    await page.getByLabel(T['admin.audit.actor']).selectOption({ label: T['admin.audit.anyone'] });
    await page.getByRole('button', { name: T['admin.audit.filter'] }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(26);
    const firstPage = await page.getByRole('row').nth(1).textContent();
    await page.getByRole('button', { name: en['common.next'] }).click();
    await page.getByText(en['common.page'].replace('{n}', '2')).waitFor();
    await expect.poll(() => page.getByRole('row').nth(1).textContent()).not.toBe(firstPage);
    await page.getByRole('button', { name: en['common.previous'] }).click();
    await expect.poll(() => page.getByRole('row').nth(1).textContent()).toBe(firstPage);
  });

  it('is not offered to a hiring manager, who is refused on the direct address (as by the API)', async () => {
    const manager = await pageAs(browser, contexts, org.manager.token, { timeoutMs: 30_000 });
    await manager.goto(`${base}/app/`);
    const nav = manager.getByRole('navigation', { name: en['nav.main'] });
    await nav.getByRole('link', { name: en['nav.myWork'] }).waitFor();
    expect(await nav.getByRole('link', { name: T['admin.nav.entry'] }).count()).toBe(0);
    for (const screen of ['users', 'audit']) {
      await manager.goto(`${base}/app/admin/${screen}`);
      await manager.getByRole('alert').filter({ hasText: T['admin.refused'] }).waitFor();
      expect(await manager.getByRole('navigation', { name: T['admin.nav.label'] }).count()).toBe(0);
    }
    expect((await s.api('GET', '/v1/users', { token: org.manager.token })).status).toBe(403);
    expect((await s.api('GET', '/v1/audit', { token: org.manager.token })).status).toBe(403);
    await checkScreen(manager, 'admin-refused', { noHorizontalScroll: true });
  });
});
