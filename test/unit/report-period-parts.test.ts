import { describe, expect, it } from 'vitest';
import { periodParts, rollupParts } from '../../db/queries/reports';

const d = (s: string) => new Date(s);

describe('periodParts: which parts of a report period come from the rollups and which from the facts', () => {
  it('whole months from the month rows, whole days around them from the day rows, partial days from the facts', () => {
    expect(periodParts(d('2026-02-27T06:00:00Z'), d('2026-04-02T03:00:00Z'))).toEqual({
      facts: [
        [d('2026-02-27T06:00:00Z'), d('2026-02-28T00:00:00Z')],
        [d('2026-04-02T00:00:00Z'), d('2026-04-02T03:00:00Z')],
      ],
      days: [
        ['2026-02-28', '2026-03-01'],
        ['2026-04-01', '2026-04-02'],
      ],
      months: [['2026-03-01', '2026-04-01']],
    });
  });

  it('a period of whole days inside one month: day rows only', () => {
    expect(periodParts(d('2026-03-02T00:00:00Z'), d('2026-03-05T00:00:00Z'))).toEqual({ facts: [], days: [['2026-03-02', '2026-03-05']], months: [] });
  });

  it('exactly a month, and a year of months', () => {
    expect(periodParts(d('2026-03-01T00:00:00Z'), d('2026-04-01T00:00:00Z'))).toEqual({ facts: [], days: [], months: [['2026-03-01', '2026-04-01']] });
    expect(periodParts(d('2025-12-06T10:00:00Z'), d('2026-12-06T10:00:00Z'))).toEqual({
      facts: [
        [d('2025-12-06T10:00:00Z'), d('2025-12-07T00:00:00Z')],
        [d('2026-12-06T00:00:00Z'), d('2026-12-06T10:00:00Z')],
      ],
      days: [
        ['2025-12-07', '2026-01-01'],
        ['2026-12-01', '2026-12-06'],
      ],
      months: [['2026-01-01', '2026-12-01']],
    });
  });

  it('less than a day, or within one day: the facts alone', () => {
    expect(periodParts(d('2026-03-02T08:00:00Z'), d('2026-03-02T20:00:00Z'))).toEqual({ facts: [[d('2026-03-02T08:00:00Z'), d('2026-03-02T20:00:00Z')]], days: [], months: [] });
    expect(periodParts(d('2026-03-02T20:00:00Z'), d('2026-03-03T08:00:00Z'))).toEqual({ facts: [[d('2026-03-02T20:00:00Z'), d('2026-03-03T08:00:00Z')]], days: [], months: [] });
  });
});

describe('rollupParts: the whole days outside the months split again into ISO weeks (from Monday) and at most six days either side', () => {
  it('a year: months in the middle, weeks and days on either side', () => {
    // 7 Dec 2025 is a Sunday; 1 Jan 2026 a Thursday; 1 Dec 2026 a Tuesday.
    expect(rollupParts(d('2025-12-06T10:00:00Z'), d('2026-12-06T10:00:00Z'))).toEqual({
      facts: [
        [d('2025-12-06T10:00:00Z'), d('2025-12-07T00:00:00Z')],
        [d('2026-12-06T00:00:00Z'), d('2026-12-06T10:00:00Z')],
      ],
      days: [
        ['2025-12-07', '2025-12-08'],
        ['2025-12-29', '2026-01-01'],
        ['2026-12-01', '2026-12-06'],
      ],
      weeks: [['2025-12-08', '2025-12-29']],
      months: [['2026-01-01', '2026-12-01']],
    });
  });

  it('30 days without a whole month: weeks between the days', () => {
    // 6 Nov 2026 is a Friday, 6 Dec 2026 a Sunday; no whole month, so the days run across 1 December.
    expect(rollupParts(d('2026-11-06T10:00:00Z'), d('2026-12-06T10:00:00Z'))).toEqual({
      facts: [
        [d('2026-11-06T10:00:00Z'), d('2026-11-07T00:00:00Z')],
        [d('2026-12-06T00:00:00Z'), d('2026-12-06T10:00:00Z')],
      ],
      days: [
        ['2026-11-07', '2026-11-09'],
        ['2026-11-30', '2026-12-06'],
      ],
      weeks: [['2026-11-09', '2026-11-30']],
      months: [],
    });
  });

  it('tiles any period exactly, with weeks on Mondays and no run of days a week could have shortened', () => {
    const DAY = 86_400_000;
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < 400; i++) {
      const from = new Date(start + ((i * 7919) % 500) * DAY + ((i * 104729) % 86_400) * 1000);
      const to = new Date(from.getTime() + ((i * 31) % 420) * DAY + ((i * 613) % 86_400) * 1000 + 1000);
      const p = rollupParts(from, to);
      const at = (s: string) => Date.parse(`${s}T00:00:00Z`);
      const pieces: [number, number][] = [
        ...p.facts.map(([x, y]): [number, number] => [x.getTime(), y.getTime()]),
        ...p.days.map(([x, y]): [number, number] => [at(x), at(y)]),
        ...p.weeks.map(([x, y]): [number, number] => [at(x), at(y)]),
        ...p.months.map(([x, y]): [number, number] => [at(x), at(y)]),
      ].sort((a, b) => a[0] - b[0]);
      expect(pieces[0]![0]).toBe(from.getTime());
      expect(pieces.at(-1)![1]).toBe(to.getTime());
      for (let k = 1; k < pieces.length; k++) expect(pieces[k]![0]).toBe(pieces[k - 1]![1]);
      for (const [x, y] of p.weeks) {
        expect(new Date(at(x)).getUTCDay()).toBe(1);
        expect(new Date(at(y)).getUTCDay()).toBe(1);
      }
      // Days either side of a run of weeks are under a week; a run with no whole week inside is under two.
      for (const [x, y] of p.days) expect((at(y) - at(x)) / DAY).toBeLessThanOrEqual(p.weeks.some(([a, b]) => a === y || b === x) ? 6 : 12);
      expect(p.days.reduce((n, [x, y]) => n + (at(y) - at(x)) / DAY, 0)).toBeLessThanOrEqual(24);
    }
  });
});
