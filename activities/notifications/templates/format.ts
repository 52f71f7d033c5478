/**
 * Locale-aware formatting for templates. Instants are shown in the company's time zone
 * (renderMessage rewrites them as local times with their offset, `inZone`), in UTC for a
 * company in UTC. Spelled out by hand rather than with Intl so a message reads the same
 * whatever ICU version the worker's Node.js carries.
 */
import { zoneOffsetMs } from '../../../domain/business-days';
import type { TLocale } from '../../../domain/contracts/common';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const ZH_WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

const OFFSET = /([+-])(\d{2}):(\d{2})$/;
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** The value's wall clock as a Date read with getUTC*: a date, a UTC instant, or a local time with its offset. */
function toDate(value: string): Date {
  const d = DATE_ONLY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${value}`);
  const off = OFFSET.exec(value);
  return off ? new Date(d.getTime() + (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000) : d;
}

/** The instant as a local time in `timeZone` with its offset: 2026-10-10T10:00:00+08:00. */
export function toZonedIso(ms: number, timeZone: string): string {
  const offset = zoneOffsetMs(ms, timeZone);
  const minutes = Math.abs(offset) / 60_000;
  return `${new Date(ms + offset).toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** Template data with every UTC instant rewritten as a local time in `timeZone` (dates stay dates). */
export function inZone<T>(data: T, timeZone: string): T {
  if (timeZone === 'UTC') return data;
  const walk = (v: unknown): unknown =>
    typeof v === 'string' && UTC_INSTANT.test(v)
      ? toZonedIso(Date.parse(v), timeZone)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
          : v;
  return walk(data) as T;
}

/** "Wednesday 19 March 2025" / "2025年3月19日（星期三）". */
export function formatDate(value: string, locale: TLocale): string {
  const d = toDate(value);
  const [y, m, day, wd] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCDay()];
  return locale === 'zh-CN'
    ? `${y}年${m + 1}月${day}日（星期${ZH_WEEKDAYS[wd]}）`
    : `${EN_WEEKDAYS[wd]} ${day} ${EN_MONTHS[m]} ${y}`;
}

/** "19 Mar 2025" / "3月19日", for SMS. */
export function formatShortDate(value: string, locale: TLocale): string {
  const d = toDate(value);
  return locale === 'zh-CN'
    ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
    : `${d.getUTCDate()} ${EN_MONTHS[d.getUTCMonth()]!.slice(0, 3)} ${d.getUTCFullYear()}`;
}

/** A date as a date; an instant as its date and HH:mm UTC. */
export function formatWhen(value: string, locale: TLocale): string {
  if (DATE_ONLY.test(value)) return formatDate(value, locale);
  const d = toDate(value);
  const off = OFFSET.exec(value)?.[0];
  const hhmm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())} ${off && off !== '+00:00' ? `UTC${off}` : 'UTC'}`;
  return `${formatDate(value, locale)} ${hhmm}`;
}

/** Accuracy 0-1 as a whole percentage, rounded to nearest: 0.754 -> 75. */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 100);
}
