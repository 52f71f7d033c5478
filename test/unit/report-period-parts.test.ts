import { describe, expect, it } from 'vitest';
import { periodParts } from '../../db/queries/reports';

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
