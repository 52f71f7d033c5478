import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, addDuration, parseDuration } from '../../domain/durations';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const MONDAY_0900 = at('2026-03-02T09:00:00.000Z');
const FRIDAY_1530 = at('2026-03-06T15:30:00.000Z');
const SATURDAY_1400 = at('2026-03-07T14:00:00.000Z');

describe('parseDuration', () => {
  it('parses each unit', () => {
    expect(parseDuration('30s')).toEqual({ amount: 30, unit: 's' });
    expect(parseDuration('15m')).toEqual({ amount: 15, unit: 'm' });
    expect(parseDuration('2h')).toEqual({ amount: 2, unit: 'h' });
    expect(parseDuration('7d')).toEqual({ amount: 7, unit: 'd' });
    expect(parseDuration('3bd')).toEqual({ amount: 3, unit: 'bd' });
  });

  it('accepts 0 and up to six digits, and trims surrounding space', () => {
    expect(parseDuration('0d')).toEqual({ amount: 0, unit: 'd' });
    expect(parseDuration('999999s')).toEqual({ amount: 999999, unit: 's' });
    expect(parseDuration(' 3bd ')).toEqual({ amount: 3, unit: 'bd' });
  });

  it.each(['', '3', 'd', 'bd3', '-1d', '1.5h', '3 d', '3D', '3BD', '1w', '2ms', '1234567s', '3dd'])(
    'refuses %j with a RangeError naming it',
    (text) => {
      expect(() => parseDuration(text)).toThrow(RangeError);
      expect(() => parseDuration(text)).toThrow(`invalid duration "${text}"`);
    },
  );

  it('shares its pattern with the settings schema', () => {
    expect(DURATION_PATTERN.test('3bd')).toBe(true);
    expect(DURATION_PATTERN.test('3 bd')).toBe(false);
  });
});

describe('addDuration', () => {
  it('adds seconds, minutes, hours and calendar days', () => {
    expect(addDuration(FRIDAY_1530, '30s') - FRIDAY_1530).toBe(30_000);
    expect(addDuration(FRIDAY_1530, '15m') - FRIDAY_1530).toBe(900_000);
    expect(addDuration(FRIDAY_1530, '2h') - FRIDAY_1530).toBe(7_200_000);
    // calendar days do not skip the weekend
    expect(iso(addDuration(FRIDAY_1530, '3d'))).toBe('2026-03-09T15:30:00.000Z');
  });

  it('adds business days by skipping the weekend', () => {
    expect(iso(addDuration(FRIDAY_1530, '3bd'))).toBe('2026-03-11T15:30:00.000Z');
    expect(iso(addDuration(SATURDAY_1400, '1bd'))).toBe('2026-03-10T00:00:00.000Z');
  });

  it('returns the start for a zero duration of a calendar unit', () => {
    expect(addDuration(SATURDAY_1400, '0d')).toBe(SATURDAY_1400);
  });

  it('throws on an invalid duration', () => {
    expect(() => addDuration(MONDAY_0900, '3 days')).toThrow(RangeError);
    expect(() => addDuration(MONDAY_0900, '')).toThrow(RangeError);
  });
});
