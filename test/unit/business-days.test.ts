import { describe, expect, it } from 'vitest';
import { addBusinessDays, businessDaysBetween, isWeekend } from '../../domain/business-days';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

// March 2026: Monday 2 ... Friday 6, Saturday 7, Sunday 8, Monday 9.
const MONDAY_0900 = at('2026-03-02T09:00:00.000Z');
const FRIDAY_1530 = at('2026-03-06T15:30:00.000Z');
const SATURDAY_1400 = at('2026-03-07T14:00:00.000Z');
const SUNDAY_2359 = at('2026-03-08T23:59:00.000Z');

describe('isWeekend', () => {
  it('is true on Saturday and Sunday (UTC) only', () => {
    expect(isWeekend(SATURDAY_1400)).toBe(true);
    expect(isWeekend(SUNDAY_2359)).toBe(true);
    expect(isWeekend(MONDAY_0900)).toBe(false);
    expect(isWeekend(FRIDAY_1530)).toBe(false);
    expect(isWeekend(at('2026-03-06T23:59:59.999Z'))).toBe(false);
  });
});

describe('addBusinessDays', () => {
  it('adds 3 business days from Monday morning: Thursday, same time', () => {
    expect(iso(addBusinessDays(MONDAY_0900, 3))).toBe('2026-03-05T09:00:00.000Z');
  });

  it('adds 3 business days from Friday afternoon: Wednesday, same time', () => {
    expect(iso(addBusinessDays(FRIDAY_1530, 3))).toBe('2026-03-11T15:30:00.000Z');
  });

  it('adds 1 business day from Friday: Monday', () => {
    expect(iso(addBusinessDays(FRIDAY_1530, 1))).toBe('2026-03-09T15:30:00.000Z');
  });

  it('moves a Saturday start to Monday 00:00 before counting', () => {
    expect(iso(addBusinessDays(SATURDAY_1400, 3))).toBe('2026-03-12T00:00:00.000Z');
    expect(iso(addBusinessDays(SATURDAY_1400, 0))).toBe('2026-03-09T00:00:00.000Z');
  });

  it('moves a Sunday start to Monday 00:00 before counting', () => {
    expect(iso(addBusinessDays(SUNDAY_2359, 1))).toBe('2026-03-10T00:00:00.000Z');
  });

  it('runs out at the same instant from Saturday as from Monday 00:00', () => {
    expect(addBusinessDays(SATURDAY_1400, 3)).toBe(addBusinessDays(at('2026-03-09T00:00:00.000Z'), 3));
  });

  it('crosses the year end (2026-12-31 is a Thursday)', () => {
    const newYearsEve = at('2026-12-31T10:00:00.000Z');
    expect(new Date(newYearsEve).getUTCDay()).toBe(4);
    expect(iso(addBusinessDays(newYearsEve, 1))).toBe('2027-01-01T10:00:00.000Z');
    expect(iso(addBusinessDays(newYearsEve, 3))).toBe('2027-01-05T10:00:00.000Z');
  });

  it('adds 10 business days as two calendar weeks', () => {
    expect(iso(addBusinessDays(MONDAY_0900, 10))).toBe('2026-03-16T09:00:00.000Z');
  });

  it('leaves a weekday instant unchanged for 0 days', () => {
    expect(addBusinessDays(FRIDAY_1530, 0)).toBe(FRIDAY_1530);
  });

  it('refuses negative or fractional day counts', () => {
    expect(() => addBusinessDays(MONDAY_0900, -1)).toThrow(RangeError);
    expect(() => addBusinessDays(MONDAY_0900, 1.5)).toThrow(RangeError);
    expect(() => addBusinessDays(MONDAY_0900, Number.NaN)).toThrow(RangeError);
  });
});

describe('businessDaysBetween', () => {
  it('counts weekdays after the start day up to and including the end day', () => {
    expect(businessDaysBetween(MONDAY_0900, at('2026-03-05T09:00:00.000Z'))).toBe(3);
    expect(businessDaysBetween(FRIDAY_1530, at('2026-03-09T08:00:00.000Z'))).toBe(1);
    expect(businessDaysBetween(MONDAY_0900, at('2026-03-16T09:00:00.000Z'))).toBe(10);
  });

  it('counts whole days, ignoring the time of day', () => {
    expect(businessDaysBetween(at('2026-03-02T23:00:00.000Z'), at('2026-03-03T01:00:00.000Z'))).toBe(1);
    expect(businessDaysBetween(MONDAY_0900, at('2026-03-02T23:59:00.000Z'))).toBe(0);
  });

  it('is 0 across a weekend only, and when the end is not later', () => {
    expect(businessDaysBetween(FRIDAY_1530, SUNDAY_2359)).toBe(0);
    expect(businessDaysBetween(MONDAY_0900, MONDAY_0900)).toBe(0);
    expect(businessDaysBetween(FRIDAY_1530, MONDAY_0900)).toBe(0);
  });

  it('counts from a weekend start to the following weekdays', () => {
    expect(businessDaysBetween(SATURDAY_1400, at('2026-03-10T12:00:00.000Z'))).toBe(2);
  });

  it('crosses the year end', () => {
    expect(businessDaysBetween(at('2026-12-31T10:00:00.000Z'), at('2027-01-05T10:00:00.000Z'))).toBe(3);
  });

  it('inverts addBusinessDays from any weekday', () => {
    for (const start of [MONDAY_0900, FRIDAY_1530, at('2026-12-31T10:00:00.000Z')]) {
      for (let n = 0; n <= 12; n++) expect(businessDaysBetween(start, addBusinessDays(start, n))).toBe(n);
    }
  });
});
