/**
 * Business-day arithmetic on a company's calendar: its time zone, its public holidays and
 * its make-up working days (China moves working days around public holidays: the National
 * Day week is paid for with a working Saturday or Sunday). Without a calendar: UTC, and
 * Saturdays and Sundays off.
 *
 * Rule: adding n business days to an instant moves forward day by day in the company's
 * time zone, counting only business days, and keeps the local time of day. An instant
 * that falls on a day off is first moved to the start (00:00 local) of the next business
 * day, so a promise made on Saturday afternoon runs out at the end of the same span as
 * one made first thing Monday.
 */
const DAY_MS = 86_400_000;

export interface TCalendar {
  /** IANA time zone, e.g. Asia/Shanghai. */
  timeZone: string;
  /** Days off (YYYY-MM-DD, local), e.g. 2026-10-01. */
  holidays: string[];
  /** Make-up working days that fall on a Saturday or Sunday. */
  workdays: string[];
}

export const UTC_CALENDAR: TCalendar = { timeZone: 'UTC', holidays: [], workdays: [] };

// Shared by every workflow of a worker (preloaded): a formatter depends only on its zone.
// eslint-disable-next-line no-restricted-syntax
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `ms`, in ms (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const whole = Math.floor(ms / 1000) * 1000;
  const parts = f.formatToParts(whole);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - whole;
}

/** The local day (days since 1970-01-01 in the zone) and the time into it. */
function local(ms: number, timeZone: string): { day: number; timeOfDay: number } {
  const wall = ms + zoneOffsetMs(ms, timeZone);
  const day = Math.floor(wall / DAY_MS);
  return { day, timeOfDay: wall - day * DAY_MS };
}

/** The instant of a local wall time (the offset read twice: right across a DST change). */
function instant(day: number, timeOfDay: number, timeZone: string): number {
  const wall = day * DAY_MS + timeOfDay;
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}

/** YYYY-MM-DD of a local day number. */
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function isBusinessDay(date: string, calendar: TCalendar = UTC_CALENDAR): boolean {
  if (calendar.workdays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Whether the UTC day of `ms` is a Saturday or Sunday. */
export function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}

export function addBusinessDays(fromMs: number, days: number, calendar: TCalendar = UTC_CALENDAR): number {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('business days must be a non-negative integer');
  const open = (d: number) => isBusinessDay(isoDay(d), calendar);
  let { day, timeOfDay } = local(fromMs, calendar.timeZone);
  if (!open(day)) {
    while (!open(day)) day += 1;
    timeOfDay = 0;
  }
  for (let left = days; left > 0; ) {
    day += 1;
    if (open(day)) left -= 1;
  }
  return instant(day, timeOfDay, calendar.timeZone);
}

/** Number of whole business days from `fromMs` to `toMs` (0 when `toMs` is not later). */
export function businessDaysBetween(fromMs: number, toMs: number, calendar: TCalendar = UTC_CALENDAR): number {
  let count = 0;
  let day = local(fromMs, calendar.timeZone).day;
  const end = local(toMs, calendar.timeZone).day;
  while (day < end) {
    day += 1;
    if (isBusinessDay(isoDay(day), calendar)) count += 1;
  }
  return count;
}
