/**
 * Business days on a company's calendar (issue 18): the time zone, China's official
 * schedule from chinese-days (National Day week, make-up working days), a calendar
 * entered per year, and the settings that hold it.
 */
import { describe, expect, it } from 'vitest';
import { addBusinessDays, businessDaysBetween, isBusinessDay } from '../../domain/business-days';
import { ZSettingsDefaultsSchema } from '../../domain/contracts/settings';
import { addDuration } from '../../domain/durations';
import { toZonedIso } from '../../activities/notifications/templates/format';
import { renderMessage } from '../../activities/notifications/templates';
import { calendarSnapshot, calendarYear, chinaYear, timeZoneOf } from '../../shared/calendar';

const iso = (ms: number) => new Date(ms).toISOString();
const china = ZSettingsDefaultsSchema.parse({ locale: 'zh-CN' });
const shanghai2026 = calendarSnapshot(china, Date.parse('2026-09-30T02:00:00Z'));

describe('China’s schedule from chinese-days', () => {
  it('2026: National Day 1-7 October off, Sunday 20 September and Saturday 10 October worked', () => {
    const y = chinaYear(2026)!;
    expect(y.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-05', '2026-10-07']));
    expect(y.holidays).not.toContain('2026-10-08');
    expect(y.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10']));
    expect(chinaYear(1999)).toBeNull();
  });

  it('a zh-CN company is in Asia/Shanghai; others in UTC unless they say', () => {
    expect(timeZoneOf(china)).toBe('Asia/Shanghai');
    expect(timeZoneOf(ZSettingsDefaultsSchema.parse({}))).toBe('UTC');
    expect(timeZoneOf(ZSettingsDefaultsSchema.parse({ locale: 'zh-CN', timeZone: 'Asia/Singapore' }))).toBe('Asia/Singapore');
    // China's schedule applies in China only; elsewhere only what the company entered
    expect(calendarYear(ZSettingsDefaultsSchema.parse({ timeZone: 'Europe/Berlin' }), 2026)).toBeNull();
    expect(shanghai2026).toMatchObject({ timeZone: 'Asia/Shanghai' });
  });
});

describe('business days in Shanghai', () => {
  it('3 business days from the last working day before National Day (Wed 30 Sep 2026, 10:00) end Sat 10 Oct, 10:00: the make-up Saturday counts', () => {
    const from = Date.parse('2026-09-30T02:00:00Z'); // 10:00 in Shanghai
    expect(iso(addBusinessDays(from, 3, shanghai2026))).toBe('2026-10-10T02:00:00.000Z');
    expect(iso(addDuration(from, '3bd', shanghai2026))).toBe('2026-10-10T02:00:00.000Z');
    // in UTC weekdays the same promise would have ended on Monday 5 October
    expect(iso(addDuration(from, '3bd'))).toBe('2026-10-05T02:00:00.000Z');
  });

  it('a make-up Saturday is a business day; the Saturday after is not', () => {
    expect(isBusinessDay('2026-10-10', shanghai2026)).toBe(true);
    expect(isBusinessDay('2026-10-17', shanghai2026)).toBe(false);
    expect(iso(addBusinessDays(Date.parse('2026-10-09T02:00:00Z'), 1, shanghai2026))).toBe('2026-10-10T02:00:00.000Z');
  });

  it('the local day decides: 23:30 on 30 September in Shanghai is still a working day, 00:30 on 1 October is a holiday', () => {
    const lateEvening = Date.parse('2026-09-30T15:30:00Z'); // 23:30 local
    expect(iso(addBusinessDays(lateEvening, 1, shanghai2026))).toBe('2026-10-08T15:30:00.000Z');
    const afterMidnight = Date.parse('2026-09-30T16:30:00Z'); // 00:30 local, 1 October
    // moved to 00:00 on Thursday 8 October, then one business day: Friday 9 October 00:00 local
    expect(iso(addBusinessDays(afterMidnight, 1, shanghai2026))).toBe('2026-10-08T16:00:00.000Z');
    expect(businessDaysBetween(Date.parse('2026-09-30T02:00:00Z'), Date.parse('2026-10-10T02:00:00Z'), shanghai2026)).toBe(3);
  });

  it('a calendar entered for a year replaces the package’s and works for any country (DST kept in local time)', () => {
    const berlin = ZSettingsDefaultsSchema.parse({ timeZone: 'Europe/Berlin', calendar: { '2026': { holidays: ['2026-10-03'], workdays: [] } } });
    const cal = calendarSnapshot(berlin, Date.parse('2026-10-02T07:00:00Z'));
    expect(cal).toEqual({ timeZone: 'Europe/Berlin', holidays: ['2026-10-03'], workdays: [] });
    // Friday 23 October 09:00 CEST + 2 business days = Tuesday 27 October 09:00 CET (clocks went back on the 25th)
    expect(iso(addBusinessDays(Date.parse('2026-10-23T07:00:00Z'), 2, cal))).toBe('2026-10-27T08:00:00.000Z');
    // an entered year replaces China's for that year as a whole
    const mine = calendarSnapshot(ZSettingsDefaultsSchema.parse({ locale: 'zh-CN', calendar: { '2026': { holidays: ['2026-10-08'], workdays: [] } } }), Date.parse('2026-09-30T02:00:00Z'));
    expect(mine.holidays).toEqual(['2026-10-08']);
    expect(iso(addBusinessDays(Date.parse('2026-09-30T02:00:00Z'), 3, mine))).toBe('2026-10-05T02:00:00.000Z');
  });
});

describe('the year a snapshot starts from', () => {
  it('turns at local midnight on 1 January, also in a zone 5:45 ahead, and back again for an earlier time', () => {
    const days = (y: string) => ({ holidays: [`${y}-01-01`], workdays: [] });
    const nepal = ZSettingsDefaultsSchema.parse({ timeZone: 'Asia/Kathmandu', calendar: { '2026': days('2026'), '2027': days('2027'), '2028': days('2028') } });
    const at = (utc: string) => calendarSnapshot(nepal, Date.parse(utc)).holidays;
    // 23:59:59 and 00:00:00 local, in consecutive UTC minutes, then the first again
    expect(at('2026-12-31T18:14:59Z')).toEqual(['2026-01-01', '2027-01-01']);
    expect(at('2026-12-31T18:15:00Z')).toEqual(['2027-01-01', '2028-01-01']);
    expect(at('2026-12-31T18:14:00Z')).toEqual(['2026-01-01', '2027-01-01']);
    expect(at('2026-12-31T18:15:59Z')).toEqual(['2027-01-01', '2028-01-01']);
  });
});

describe('calendar settings', () => {
  it('refuses an unknown time zone, a day outside its year, a day both off and worked', () => {
    const bad = (v: unknown) => ZSettingsDefaultsSchema.safeParse(v).error?.issues.map((i) => i.path.join('.'));
    expect(bad({ timeZone: 'Mars/Olympus' })).toEqual(['timeZone']);
    expect(bad({ calendar: { '2027': { holidays: ['2026-10-01'], workdays: [] } } })).toEqual(['calendar.2027.holidays.0']);
    expect(bad({ calendar: { '2027': { holidays: ['2027-10-09'], workdays: ['2027-10-09'] } } })).toEqual(['calendar.2027']);
    expect(bad({ calendar: { next: { holidays: [], workdays: [] } } })).toEqual(['calendar.next']);
    expect(ZSettingsDefaultsSchema.parse({}).calendar).toEqual({});
  });
});

describe('messages show times in the company’s zone', () => {
  const data = { action: 'evaluation', candidateName: 'Li Lei', jobTitle: 'Backend Engineer', dueAt: '2026-10-09T16:30:00.000Z', overdue: false };
  it('a Shanghai company reads 00:30 on Saturday 10 October, UTC+08:00; a UTC company 16:30 on Friday 9 October, UTC', () => {
    const shanghai = renderMessage({ template: 'action_required', locale: 'en', channel: 'email', data, timeZone: 'Asia/Shanghai' });
    expect(shanghai.channel === 'email' && shanghai.text).toContain('by Saturday 10 October 2026 00:30 UTC+08:00.');
    const zh = renderMessage({ template: 'action_required', locale: 'zh-CN', channel: 'email', data, timeZone: 'Asia/Shanghai' });
    expect(zh.channel === 'email' && zh.text).toContain('请在2026年10月10日（星期六） 00:30 UTC+08:00前完成');
    const utc = renderMessage({ template: 'action_required', locale: 'en', channel: 'email', data });
    expect(utc.channel === 'email' && utc.text).toContain('by Friday 9 October 2026 16:30 UTC.');
    expect(toZonedIso(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+01:00');
  });
});
