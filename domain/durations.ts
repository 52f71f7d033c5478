/**
 * Durations as written in settings: `<n>s`, `<n>m`, `<n>h`, `<n>d` or `<n>bd` (business days).
 * Pure: no clock, callers pass the instant to start from.
 */
import { addBusinessDays, type TCalendar } from './business-days';

export const DURATION_PATTERN = /^(\d{1,6})(s|m|h|d|bd)$/;

export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'bd';
export interface ParsedDuration {
  amount: number;
  unit: DurationUnit;
}

const UNIT_MS: Record<Exclude<DurationUnit, 'bd'>, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export function parseDuration(text: string): ParsedDuration {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) throw new RangeError(`invalid duration "${text}": use <n>s, <n>m, <n>h, <n>d or <n>bd`);
  return { amount: Number(m[1]), unit: m[2] as DurationUnit };
}

/**
 * The instant `duration` after `from` (epoch ms). Business days count on the company's
 * calendar when one is given, else Saturdays and Sundays off in UTC.
 */
export function addDuration(fromMs: number, duration: string, calendar?: TCalendar): number {
  const { amount, unit } = parseDuration(duration);
  if (unit === 'bd') return addBusinessDays(fromMs, amount, calendar);
  return fromMs + amount * UNIT_MS[unit];
}
