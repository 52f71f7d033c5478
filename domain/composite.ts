/**
 * Human evaluation and the composite score (MISSION.md step 3).
 *
 * Each evaluator rates every competency on excellent / good / fair / poor; the numbers
 * behind the ratings come from settings (default 100 / 75 / 50 / 25). Per dimension the
 * human score is the mean over evaluators' current ratings, and the composite is
 * ai · w_ai + human · w_human (default 0.4 / 0.6). Overall scores are means weighted by
 * the competency weights. A dimension nobody rated keeps its AI score as its composite.
 */
import type { TWeights } from './contracts/job';

export const RATINGS = ['excellent', 'good', 'fair', 'poor'] as const;
export type TRating = (typeof RATINGS)[number];
export type TRatingScale = Record<TRating, number>;

export interface TEvaluationInput {
  evaluatorId: string;
  ratings: Record<string, TRating>;
}

export interface TDimensionComposite {
  key: string;
  weight: number;
  ai: number;
  human: number | null;
  composite: number;
  ratings: number;
}

export interface TCompositeResult {
  dimensions: TDimensionComposite[];
  aiScore: number;
  humanScore: number | null;
  compositeScore: number | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function compositeScores(
  dimensions: { key: string; weight: number; score: number }[],
  evaluations: TEvaluationInput[],
  scale: TRatingScale,
  weights: TWeights,
): TCompositeResult {
  const rows: TDimensionComposite[] = dimensions.map((d) => {
    const values = evaluations
      .map((e) => e.ratings[d.key])
      .filter((r): r is TRating => r !== undefined)
      .map((r) => scale[r]);
    const human = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    const composite = human === null ? d.score : weights.ai * d.score + weights.human * human;
    return {
      key: d.key,
      weight: d.weight,
      ai: d.score,
      human: human === null ? null : round(human),
      composite: round(composite),
      ratings: values.length,
    };
  });
  const total = rows.reduce((a, r) => a + r.weight, 0);
  const mean = (pick: (r: TDimensionComposite) => number) => round(rows.reduce((a, r) => a + r.weight * pick(r), 0) / total);
  const rated = rows.filter((r) => r.human !== null);
  const ratedWeight = rated.reduce((a, r) => a + r.weight, 0);
  return {
    dimensions: rows,
    aiScore: mean((r) => r.ai),
    humanScore: rated.length ? round(rated.reduce((a, r) => a + r.weight * r.human!, 0) / ratedWeight) : null,
    compositeScore: evaluations.length ? mean((r) => r.composite) : null,
  };
}
