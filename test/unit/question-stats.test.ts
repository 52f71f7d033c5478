import { describe, expect, it } from 'vitest';
import {
  MIN_CLAIMERS,
  MIN_EXCESS,
  MIN_FAIL_RATE,
  questionStats,
  type TQuestionAggregate,
} from '../../domain/question-stats';

/** One question's aggregate; unclaimed answers default to none. */
const q = (
  questionId: string,
  claimers: number,
  claimersFailed: number,
  extra: Partial<TQuestionAggregate> = {},
): TQuestionAggregate => ({
  questionId,
  skill: 'Python',
  answered: claimers,
  failed: claimersFailed,
  claimers,
  claimersFailed,
  ...extra,
});

const byId = (rows: TQuestionAggregate[]) =>
  Object.fromEntries(questionStats(rows).map((s) => [s.questionId, s]));

describe('questionStats', () => {
  it('documents its thresholds', () => {
    expect({ MIN_CLAIMERS, MIN_FAIL_RATE, MIN_EXCESS }).toEqual({
      MIN_CLAIMERS: 5,
      MIN_FAIL_RATE: 0.5,
      MIN_EXCESS: 0.25,
    });
  });

  it('flags a question claimers fail far more often than the others, and only that one', () => {
    const s = byId([q('q-py-1', 6, 0), q('q-py-2', 6, 6), q('q-pg-1', 6, 1, { skill: 'PostgreSQL' })]);
    expect(s['q-py-2']).toMatchObject({ flagged: true, claimerFailRate: 1, baselineFailRate: 0.083 });
    expect(s['q-py-2']!.reason).toBe(
      "6 of 6 candidates who claim Python failed it (100%), against 8% on the job's other questions",
    );
    expect(s['q-py-1']).toMatchObject({ flagged: false, claimerFailRate: 0, reason: null });
    expect(s['q-pg-1']).toMatchObject({ flagged: false, claimerFailRate: 0.167 });
  });

  it('needs at least MIN_CLAIMERS claimers: four who all failed say nothing', () => {
    const s = byId([q('q-a', MIN_CLAIMERS - 1, MIN_CLAIMERS - 1), q('q-b', 10, 0)]);
    expect(s['q-a']!.claimerFailRate).toBe(1);
    expect(s['q-a']!.flagged).toBe(false);
    const five = byId([q('q-a', MIN_CLAIMERS, MIN_CLAIMERS), q('q-b', 10, 0)]);
    expect(five['q-a']!.flagged).toBe(true);
  });

  it('needs a claimer failure rate of at least MIN_FAIL_RATE even when the rest is easy', () => {
    // 2 of 5 = 40%, 40 points above a 0% baseline, but below the 50% floor
    expect(byId([q('q-a', 5, 2), q('q-b', 20, 0)])['q-a']!.flagged).toBe(false);
    // 3 of 6 = exactly 50%: at the floor counts
    expect(byId([q('q-a', 6, 3), q('q-b', 20, 0)])['q-a']!.flagged).toBe(true);
  });

  it('flags nothing in a uniformly hard interview', () => {
    const stats = questionStats([q('q-a', 10, 7), q('q-b', 10, 7), q('q-c', 10, 6)]);
    expect(stats.map((x) => x.flagged)).toEqual([false, false, false]);
    expect(stats[0]).toMatchObject({ claimerFailRate: 0.7, baselineFailRate: 0.65 });
  });

  it('ignores failures of candidates who do not claim the skill', () => {
    // everyone failed q-a, but only unclaimed (familiar or no claim) candidates
    const s = byId([q('q-a', 0, 0, { answered: 12, failed: 12 }), q('q-b', 10, 0)]);
    expect(s['q-a']).toMatchObject({ flagged: false, failRate: 1, claimerFailRate: null });
  });

  it('treats a missing baseline (the only question) as 0%', () => {
    const s = questionStats([q('q-only', 5, 5)]);
    expect(s[0]).toMatchObject({ baselineFailRate: null, flagged: true });
  });

  it('counts an excess of exactly MIN_EXCESS as enough, despite floating point', () => {
    // 7 of 10 claimers fail q-a (70%); on the others 9 of 20 (45%): exactly 25 points more.
    // In floating point 0.7 - 0.45 = 0.24999999999999994, which must not defeat "at least".
    const s = byId([q('q-a', 10, 7), q('q-b', 20, 9)]);
    expect(s['q-a']).toMatchObject({ claimerFailRate: 0.7, baselineFailRate: 0.45 });
    expect(s['q-a']!.flagged).toBe(true);
    // and one point less is not enough: 7 of 10 against 46% (23 of 50)
    expect(byId([q('q-a', 10, 7), q('q-b', 50, 23)])['q-a']!.flagged).toBe(false);
  });
});
