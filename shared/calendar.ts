/**
 * The company's calendar as a workflow starts with it: its time zone, and the public
 * holidays and make-up working days of this year and the next. A year the company entered
 * in settings is used as entered; otherwise a company in China (Asia/Shanghai) gets the
 * official schedule from the `chinese-days` package (published each year by the State
 * Council); anywhere else, Saturdays and Sundays off. The snapshot goes into the
 * workflow's input, so a later change of settings or of the package never moves a
 * running workflow's deadlines.
 */
import { createRequire } from 'node:module';
import type { TCalendar } from '../domain/business-days';
import type { TCalendarYear, TSettingsDefaults } from '../domain/contracts/settings';

interface TChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}
let china: TChineseDays | undefined;
const chineseDays = () => (china ??= createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as TChineseDays);

export const CHINA_TIME_ZONE = 'Asia/Shanghai';

/** The company's time zone: as set, else Asia/Shanghai for a zh-CN company, else UTC. */
export const timeZoneOf = (defaults: Pick<TSettingsDefaults, 'timeZone' | 'locale'>) =>
  defaults.timeZone ?? (defaults.locale === 'zh-CN' ? CHINA_TIME_ZONE : 'UTC');

/** Per year: the package's data never changes while the process runs (each start used to filter and sort all of it). */
const chinaYears = new Map<number, TCalendarYear | null>();

/** China's official days off and make-up working days for `year`, or null when the package has none yet. */
export function chinaYear(year: number): TCalendarYear | null {
  const cached = chinaYears.get(year);
  if (cached !== undefined) return cached === null ? null : { holidays: [...cached.holidays], workdays: [...cached.workdays] };
  const { holidays, workdays } = chineseDays();
  const of = (days: Record<string, string>) => Object.keys(days).filter((d) => d.startsWith(`${year}-`)).sort();
  const out = { holidays: of(holidays), workdays: of(workdays) };
  const found = out.holidays.length ? out : null;
  chinaYears.set(year, found === null ? null : { holidays: [...out.holidays], workdays: [...out.workdays] });
  return found;
}

/**
 * Per time zone: its year formatter (building an Intl.DateTimeFormat costs more than the
 * rest of a snapshot) and the last minute it was asked about. Every zone's offset since
 * 1972 is a whole number of minutes, so a year never changes within a UTC minute.
 * Formatting the year was 1 % of the API's CPU per start, though nearly every start asks
 * about the same minute as the one before it.
 */
const yearFormats = new Map<string, { format: Intl.DateTimeFormat; minute: number; year: number }>();
const yearIn = (timeZone: string, ms: number) => {
  const minute = Math.floor(ms / 60_000);
  let f = yearFormats.get(timeZone);
  if (!f) yearFormats.set(timeZone, (f = { format: new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }), minute: NaN, year: 0 }));
  if (f.minute !== minute) {
    f.year = Number(f.format.format(ms));
    f.minute = minute;
  }
  return f.year;
};

/** A year of the calendar: the company's entry, else China's schedule for a company in China, else none. */
export function calendarYear(defaults: Pick<TSettingsDefaults, 'timeZone' | 'locale' | 'calendar'>, year: number): TCalendarYear | null {
  return defaults.calendar[String(year)] ?? (timeZoneOf(defaults) === CHINA_TIME_ZONE ? chinaYear(year) : null);
}

/** The calendar a workflow starting at `fromMs` runs on: this year and the next, in the company's zone. */
export function calendarSnapshot(defaults: Pick<TSettingsDefaults, 'timeZone' | 'locale' | 'calendar'>, fromMs: number): TCalendar {
  const timeZone = timeZoneOf(defaults);
  const year = yearIn(timeZone, fromMs);
  const years = [year, year + 1].map((y) => calendarYear(defaults, y));
  return {
    timeZone,
    holidays: years.flatMap((y) => y?.holidays ?? []),
    workdays: years.flatMap((y) => y?.workdays ?? []),
  };
}
