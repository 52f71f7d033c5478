import { describe, expect, it } from 'vitest';
import { MIN_SAMPLE, percentileRank } from '../../domain/percentile';

describe('percentileRank', () => {
  it('is the share of other candidates with a lower accuracy', () => {
    expect(percentileRank({ lower: 6, ties: 0, total: 10 })).toBe(60);
    expect(percentileRank({ lower: 0, ties: 0, total: 10 })).toBe(0);
    expect(percentileRank({ lower: 10, ties: 0, total: 10 })).toBe(100);
  });

  it('counts ties as half (mid-rank)', () => {
    // 4 lower + 2 tied -> (4 + 1) / 10
    expect(percentileRank({ lower: 4, ties: 2, total: 10 })).toBe(50);
    // everyone tied: the middle, not the top or the bottom
    expect(percentileRank({ lower: 0, ties: 8, total: 8 })).toBe(50);
    // one tie among five: (2 + 0.5) / 5 = 50%
    expect(percentileRank({ lower: 2, ties: 1, total: 5 })).toBe(50);
  });

  it('rounds down, never overstating', () => {
    // 2/3 = 66.67%
    expect(percentileRank({ lower: 4, ties: 0, total: 6 })).toBe(66);
    // (1 + 0.5) / 7 = 21.43%
    expect(percentileRank({ lower: 1, ties: 1, total: 7 })).toBe(21);
    // 99.99...% stays 99
    expect(percentileRank({ lower: 9999, ties: 0, total: 10000 })).toBe(99);
    expect(percentileRank({ lower: 9999, ties: 1, total: 10000 })).toBe(99);
  });

  it('is null when fewer than MIN_SAMPLE other candidates exist', () => {
    expect(MIN_SAMPLE).toBe(5);
    expect(percentileRank({ lower: 0, ties: 0, total: 0 })).toBeNull();
    expect(percentileRank({ lower: 3, ties: 0, total: 4 })).toBeNull();
    expect(percentileRank({ lower: 3, ties: 0, total: 5 })).toBe(60);
    expect(percentileRank({ lower: 1, ties: 0, total: 2 }, 2)).toBe(50);
  });

  it('stays within 0-100 and grows with the number below', () => {
    for (let total = MIN_SAMPLE; total <= 40; total++) {
      let previous = -1;
      for (let lower = 0; lower <= total; lower++) {
        const p = percentileRank({ lower, ties: 0, total })!;
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(100);
        expect(p).toBeGreaterThanOrEqual(previous);
        previous = p;
      }
    }
  });

  it('rejects impossible counts', () => {
    expect(() => percentileRank({ lower: 5, ties: 1, total: 5 })).toThrow(RangeError);
    expect(() => percentileRank({ lower: -1, ties: 0, total: 5 })).toThrow(RangeError);
    expect(() => percentileRank({ lower: 1.5, ties: 0, total: 5 })).toThrow(RangeError);
  });
});
