import { describe, expect, it } from 'vitest';
import { compositeScores } from '../../domain/composite';

const scale = { excellent: 100, good: 75, fair: 50, poor: 25 };
const dims = [
  { key: 'programming', weight: 3, score: 80 },
  { key: 'teamwork', weight: 1, score: 60 },
];

describe('compositeScores', () => {
  it('has no human or composite score before any evaluation', () => {
    const r = compositeScores(dims, [], scale, { ai: 0.4, human: 0.6 });
    expect(r.humanScore).toBeNull();
    expect(r.compositeScore).toBeNull();
    expect(r.aiScore).toBe(75);
  });

  it('combines AI and human dimension by dimension with the job weights', () => {
    const r = compositeScores(dims, [{ evaluatorId: 'hr', ratings: { programming: 'excellent', teamwork: 'fair' } }], scale, {
      ai: 0.4,
      human: 0.6,
    });
    // programming: 0.4·80 + 0.6·100 = 92; teamwork: 0.4·60 + 0.6·50 = 54
    expect(r.dimensions.map((d) => d.composite)).toEqual([92, 54]);
    // weighted by competency weights: (3·92 + 54) / 4
    expect(r.compositeScore).toBe(82.5);
    expect(r.humanScore).toBe(87.5);
  });

  it('averages several evaluators per dimension', () => {
    const r = compositeScores(
      dims,
      [
        { evaluatorId: 'hr', ratings: { programming: 'excellent', teamwork: 'good' } },
        { evaluatorId: 'hm', ratings: { programming: 'fair', teamwork: 'good' } },
      ],
      scale,
      { ai: 0.4, human: 0.6 },
    );
    expect(r.dimensions[0]).toMatchObject({ human: 75, ratings: 2, composite: 77 });
    expect(r.dimensions[1]).toMatchObject({ human: 75, composite: 69 });
  });

  it('follows other weights and scales', () => {
    const r = compositeScores(dims, [{ evaluatorId: 'hr', ratings: { programming: 'poor', teamwork: 'poor' } }], { ...scale, poor: 0 }, {
      ai: 1,
      human: 0,
    });
    expect(r.compositeScore).toBe(r.aiScore);
    expect(r.humanScore).toBe(0);
  });

  it('keeps the AI score for a dimension nobody rated', () => {
    const r = compositeScores(dims, [{ evaluatorId: 'hr', ratings: { programming: 'good' } }], scale, { ai: 0.4, human: 0.6 });
    expect(r.dimensions[1]).toMatchObject({ human: null, composite: 60 });
    // human score covers only the rated dimension
    expect(r.humanScore).toBe(75);
    expect(r.compositeScore).toBe(Math.round(((3 * (0.4 * 80 + 0.6 * 75) + 60) / 4) * 100) / 100);
  });
});

describe('the worked example (docs/pipeline.md), continued', () => {
  it('gives the documented composite', () => {
    const r = compositeScores(
      [
        { key: 'programming', weight: 3, score: 93 },
        { key: 'teamwork', weight: 1, score: 45 },
      ],
      [{ evaluatorId: 'hr', ratings: { programming: 'excellent', teamwork: 'fair' } }],
      scale,
      { ai: 0.4, human: 0.6 },
    );
    expect(r.dimensions.map((d) => d.composite)).toEqual([97.2, 48]);
    expect(r.compositeScore).toBe(84.9);
  });
});
