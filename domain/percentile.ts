/**
 * Where a candidate stands among the OTHER candidates of the same job, by interview
 * accuracy, as told in the acknowledgement ("higher than 60% of candidates").
 *
 * Rule (the mid-rank percentile): every other candidate with a lower accuracy counts 1,
 * every other candidate with exactly the same accuracy counts 1/2, and the sum is
 * divided by the number of other candidates. The result is an integer 0-100, rounded
 * down, so a candidate is never told they beat more people than they did.
 *
 * Small samples: with fewer than MIN_SAMPLE other candidates the comparison says more
 * about who happened to apply first than about the candidate, so it is `null` and the
 * message leaves it out.
 */
export const MIN_SAMPLE = 5;

export interface TRankCounts {
  /** Other candidates of the job with a strictly lower accuracy. */
  lower: number;
  /** Other candidates of the job with exactly the same accuracy. */
  ties: number;
  /** All other candidates of the job. */
  total: number;
}

export function percentileRank({ lower, ties, total }: TRankCounts, minSample = MIN_SAMPLE): number | null {
  for (const [name, v] of [
    ['lower', lower],
    ['ties', ties],
    ['total', total],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (lower + ties > total) throw new RangeError(`lower + ties (${lower + ties}) exceeds total (${total})`);
  if (total < minSample || total === 0) return null;
  // Integer arithmetic: (lower + ties / 2) / total * 100 == (200 lower + 100 ties) / (2 total).
  return Math.floor((200 * lower + 100 * ties) / (2 * total));
}
