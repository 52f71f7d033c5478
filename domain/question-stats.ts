/**
 * Interview calibration: a question that candidates who claim its skill (expert or
 * proficient) fail far more often than they fail the job's other questions is probably
 * miscalibrated (ambiguous, wrong answer key, or testing something else).
 *
 * A question is flagged when all of these hold:
 * - at least MIN_CLAIMERS claimers answered it (smaller samples say nothing);
 * - at least MIN_FAIL_RATE of those claimers failed it;
 * - their failure rate exceeds the claimers' failure rate on the job's other
 *   questions by at least MIN_EXCESS (so a uniformly hard interview flags nothing).
 */
export const MIN_CLAIMERS = 5;
export const MIN_FAIL_RATE = 0.5;
export const MIN_EXCESS = 0.25;

export interface TQuestionAggregate {
  questionId: string;
  skill: string;
  answered: number;
  failed: number;
  claimers: number;
  claimersFailed: number;
}

export interface TQuestionStat extends TQuestionAggregate {
  failRate: number | null;
  claimerFailRate: number | null;
  /** Claimers' failure rate on every other question of the job. */
  baselineFailRate: number | null;
  flagged: boolean;
  reason: string | null;
}

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);

export function questionStats(rows: TQuestionAggregate[]): TQuestionStat[] {
  const totalClaimers = rows.reduce((a, r) => a + r.claimers, 0);
  const totalClaimersFailed = rows.reduce((a, r) => a + r.claimersFailed, 0);
  return rows.map((r) => {
    const claimerFailRate = rate(r.claimersFailed, r.claimers);
    const baselineFailRate = rate(totalClaimersFailed - r.claimersFailed, totalClaimers - r.claimers);
    const flagged =
      r.claimers >= MIN_CLAIMERS &&
      claimerFailRate !== null &&
      claimerFailRate >= MIN_FAIL_RATE &&
      // Rates are rounded to 0.001; compare the excess at that precision too (0.7 - 0.45 is not 0.25 in floating point).
      Math.round((claimerFailRate - (baselineFailRate ?? 0)) * 1000) >= Math.round(MIN_EXCESS * 1000);
    return {
      ...r,
      failRate: rate(r.failed, r.answered),
      claimerFailRate,
      baselineFailRate,
      flagged,
      reason: flagged
        ? `${r.claimersFailed} of ${r.claimers} candidates who claim ${r.skill} failed it (${Math.round(
            claimerFailRate * 100,
          )}%), against ${Math.round((baselineFailRate ?? 0) * 100)}% on the job's other questions`
        : null,
    };
  });
}
