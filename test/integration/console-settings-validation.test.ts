/**
 * The console's Settings form refuses exactly what the API refuses: for each draft a person
 * can type, the browser's check (web/src/features/admin/settings-draft.ts, the domain's
 * ZPutSettingsSchema) and PUT /v1/settings's answer to the same body name the same fields
 * with the same messages, and the settings stay as they were; a draft the browser lets
 * through is saved as typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftOf, putBody, settingsIssues, withDay, type TSettingsDraft } from '../../web/src/features/admin/settings-draft';
import { startRouteApp, type TRouteApp } from '../helpers/route-app';

let ra: TRouteApp;
let good: TSettingsDraft;

beforeAll(async () => {
  ra = await startRouteApp('hwe_console_settings_validation');
  const gm = await ra.createUser(['approver']);
  const current = (await ra.api('GET', '/v1/settings')).body;
  good = { ...draftOf(current), companyName: 'Acme', companyAddress: '1 Road, Shanghai', generalManagerUserId: gm.id };
  const saved = await ra.api('PUT', '/v1/settings', { body: putBody(good, undefined) });
  expect(saved.status, saved.text).toBe(200);
});

afterAll(async () => {
  await ra?.close();
});

/** 1x1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const BAD: [string, (d: TSettingsDraft) => TSettingsDraft][] = [
  ['weights that do not sum to 1', (d) => ({ ...d, ai: 0.5, human: 0.6 })],
  ['a weight out of range', (d) => ({ ...d, ai: 1.5, human: -0.5 })],
  ['a timer without a unit', (d) => ({ ...d, timers: { ...d.timers, decisionPromise: '3' } })],
  ['a timer in weeks', (d) => ({ ...d, timers: { ...d.timers, offerExpiry: '1w' } })],
  ['a rating scale out of order', (d) => ({ ...d, ratingScale: { excellent: 100, good: 50, fair: 75, poor: 25 } })],
  ['a rating above 100', (d) => ({ ...d, ratingScale: { ...d.ratingScale, excellent: 120 } })],
  ['a day both a holiday and a working day', (d) => withDay(withDay(d, 'holidays', '2027-10-01', true), 'workdays', '2027-10-01', true)],
  ['a day filed under another year', (d) => ({ ...d, calendar: { '2027': { holidays: ['2028-01-01'], workdays: [] } } })],
  ['no course attempt', (d) => ({ ...d, courseMaxAttempts: 0 })],
  ['a fractional reminder', (d) => ({ ...d, taskReminderDays: 1.5 })],
  ['a reminder a year ahead', (d) => ({ ...d, taskReminderDays: 365 })],
  ['an employee number format without {seq}', (d) => ({ ...d, employeeNumberFormat: 'E{year}-' })],
  ['a time zone that does not exist', (d) => ({ ...d, timeZone: 'Mars/Olympus' })],
  ['a logo that is not a PNG', (d) => ({ ...d, logo: '/9j/4AAQSkZJRgABAQ' })],
  ['an empty company name', (d) => ({ ...d, companyName: '  ' })],
  ['no general manager', (d) => ({ ...d, generalManagerUserId: '' })],
];

const sorted = (issues: { path: string; message: string }[]) => issues.map((i) => `${i.path}: ${i.message}`).sort();
const apiDetails = (body: { error: { details: { path: string; message: string }[] } }) =>
  sorted(body.error.details.map((d) => ({ path: d.path.replace(/^body\./, ''), message: d.message })));

describe('the Settings form and PUT /v1/settings agree', () => {
  it.each(BAD)('%s: the same fields and messages refused on both sides, nothing changed', async (_name, make) => {
    const draft = make(good);
    const browser = settingsIssues(draft);
    expect(browser.length).toBeGreaterThan(0);
    const before = (await ra.api('GET', '/v1/settings')).body;
    const res = await ra.api('PUT', '/v1/settings', { body: putBody(draft, before.retention) });
    expect(res.status, res.text).toBe(400);
    expect(apiDetails(res.body)).toEqual(sorted(browser));
    expect((await ra.api('GET', '/v1/settings')).body).toEqual(before);
  });

  it('a logo that passes the schema but is no readable PNG (a truncated file) is refused by the API with its field', async () => {
    // Before, it was saved, and every offer letter after it failed (found by test/property/routes.test.ts).
    const draft = { ...good, logo: 'iVBORw0KGgoAAAANSUhEUg==' };
    // The browser checks the shape only; the API decodes the image.
    expect(settingsIssues(draft)).toEqual([]);
    const before = (await ra.api('GET', '/v1/settings')).body;
    const res = await ra.api('PUT', '/v1/settings', { body: putBody(draft, before.retention) });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'body.logoPngBase64', message: expect.stringMatching(/^the company logo is not a readable PNG/) }]);
    expect((await ra.api('GET', '/v1/settings')).body).toEqual(before);
  });

  it('an emptied number is refused in the browser (not replaced by a default) and by the API', async () => {
    const draft = { ...good, courseMaxAttempts: null, human: null };
    expect(settingsIssues(draft).map((i) => i.path).sort()).toEqual(['defaults.courseMaxAttempts', 'defaults.weights.human']);
    const before = (await ra.api('GET', '/v1/settings')).body;
    // JSON has no NaN: the API receives null, and refuses the same fields.
    const res = await ra.api('PUT', '/v1/settings', { body: putBody(draft, before.retention) });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path.replace(/^body\./, ''))).toEqual(expect.arrayContaining(['defaults.courseMaxAttempts', 'defaults.weights.human']));
    expect((await ra.api('GET', '/v1/settings')).body).toEqual(before);
  });

  it('a draft the browser lets through is saved as typed', async () => {
    let draft: TSettingsDraft = {
      ...good,
      logo: PNG,
      ai: 0.3,
      human: 0.7,
      timers: { ...good.timers, decisionPromise: '5bd' },
      timeZone: 'Europe/Berlin',
      ratingScale: { excellent: 95, good: 80, fair: 60, poor: 10 },
      courseMaxAttempts: 2,
      taskReminderDays: 3,
      employeeNumberFormat: 'ACME-{year}-{seq:4}',
    };
    draft = withDay(withDay(draft, 'holidays', '2027-10-02', true), 'workdays', '2027-10-10', true);
    expect(settingsIssues(draft)).toEqual([]);
    const before = (await ra.api('GET', '/v1/settings')).body;
    const res = await ra.api('PUT', '/v1/settings', { body: putBody(draft, before.retention) });
    expect(res.status, res.text).toBe(200);
    const after = (await ra.api('GET', '/v1/settings')).body;
    expect(draftOf(after)).toEqual(draft);
    expect(after.retention).toEqual(before.retention);
  });
});
