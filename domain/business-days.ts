/**
 * Business-day arithmetic in UTC. Saturdays and Sundays are not business days.
 *
 * Rule: adding n business days to an instant moves forward day by day, counting only
 * weekdays, and keeps the time of day. An instant that falls on a weekend is first
 * moved to the start (00:00) of the next Monday, so a promise made on Saturday
 * afternoon runs out at the end of the same span as one made first thing Monday.
 */
const DAY_MS = 86_400_000;

export function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function addBusinessDays(fromMs: number, days: number): number {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('business days must be a non-negative integer');
  let t = fromMs;
  if (isWeekend(t)) {
    while (isWeekend(t)) t = startOfUtcDay(t) + DAY_MS;
  }
  let left = days;
  while (left > 0) {
    t += DAY_MS;
    if (!isWeekend(t)) left -= 1;
  }
  return t;
}

/** Number of whole business days from `fromMs` to `toMs` (0 when `toMs` is not later). */
export function businessDaysBetween(fromMs: number, toMs: number): number {
  let count = 0;
  let t = startOfUtcDay(fromMs);
  const end = startOfUtcDay(toMs);
  while (t < end) {
    t += DAY_MS;
    if (!isWeekend(t)) count += 1;
  }
  return count;
}
