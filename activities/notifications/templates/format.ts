/**
 * Locale-aware formatting for templates. Dates are shown in UTC, as business days are
 * counted in UTC. Spelled out by hand rather than with Intl so a message reads the same
 * whatever ICU version the worker's Node.js carries.
 */
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

function toDate(value: string): Date {
  const d = DATE_ONLY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${value}`);
  return d;
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
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
  return `${formatDate(value, locale)} ${hhmm}`;
}

/** Accuracy 0-1 as a whole percentage, rounded to nearest: 0.754 -> 75. */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 100);
}
