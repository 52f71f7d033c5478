import { describe, expect, it } from 'vitest';
import {
  INTERVIEW_SHARE,
  RESUME_SHARE,
  buildMatchReport,
  resumeSkillScore,
  scoreDimension,
  weightedCosine,
} from '../../domain/scoring';
import { makeCompetency, makeInterview, makeResume } from './fixtures';

describe('weightedCosine', () => {
  it('matches a hand-computed value: [1,2,3]·[4,5,6] = 32 / √(14·77)', () => {
    expect(weightedCosine([1, 2, 3], [4, 5, 6])).toBeCloseTo(0.974632, 6);
  });

  it('is 1 for vectors in the same direction, whatever their length', () => {
    expect(weightedCosine([80, 60, 40], [40, 30, 20])).toBeCloseTo(1, 12);
    expect(weightedCosine([2, 4], [1, 2], [5, 0.5])).toBeCloseTo(1, 12);
  });

  it('is 0 for orthogonal vectors', () => {
    expect(weightedCosine([1, 0], [0, 5])).toBe(0);
  });

  it('is -1 for opposite vectors', () => {
    expect(weightedCosine([1, -2], [-1, 2])).toBeCloseTo(-1, 12);
  });

  it('is 0 when either vector is all zeros', () => {
    expect(weightedCosine([0, 0, 0], [1, 2, 3])).toBe(0);
    expect(weightedCosine([1, 2, 3], [0, 0, 0])).toBe(0);
    expect(weightedCosine([0], [0])).toBe(0);
  });

  it('changes with the weights: Σw·a·b / (√Σw·a² · √Σw·b²)', () => {
    const a = [1, 0];
    const b = [1, 1];
    expect(weightedCosine(a, b)).toBeCloseTo(Math.SQRT1_2, 12); // 0.7071
    expect(weightedCosine(a, b, [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(weightedCosine(a, b, [3, 1])).toBeCloseTo(3 / (Math.sqrt(3) * 2), 12); // 0.8660
    expect(weightedCosine(a, b, [1, 3])).toBeCloseTo(0.5, 12);
  });

  it('throws a RangeError when the vectors or the weights differ in length', () => {
    expect(() => weightedCosine([1, 2], [1, 2, 3])).toThrow(RangeError);
    expect(() => weightedCosine([1, 2], [1, 2], [1])).toThrow(RangeError);
  });
});

describe('resumeSkillScore', () => {
  it('is null with no claim and no project', () => {
    expect(resumeSkillScore(makeResume({ skills: [{ name: 'Go', level: 'expert' }] }), 'Rust')).toBeNull();
  });

  it('is the level points for a bare claim: expert 90, proficient 70, familiar 40', () => {
    expect(resumeSkillScore(makeResume({ skills: [{ name: 'Go', level: 'expert' }] }), 'Go')).toBe(90);
    expect(resumeSkillScore(makeResume({ skills: [{ name: 'Go', level: 'proficient' }] }), 'Go')).toBe(70);
    expect(resumeSkillScore(makeResume({ skills: [{ name: 'Go', level: 'familiar' }] }), 'Go')).toBe(40);
  });

  it('adds 2 per year and 5 per project: proficient, 3 years, 1 project = 81', () => {
    const resume = makeResume({
      skills: [{ name: 'TypeScript', level: 'proficient', years: 3 }],
      projects: [
        { name: 'Shop', summary: '', skills: ['typescript'] },
        { name: 'Other', summary: '', skills: ['Go'] },
      ],
    });
    expect(resumeSkillScore(resume, ' TYPESCRIPT ')).toBe(81);
  });

  it('caps the years bonus at 10 and the project bonus at 10: familiar, 12 years, 3 projects = 60', () => {
    const resume = makeResume({
      skills: [{ name: 'SQL', level: 'familiar', years: 12 }],
      projects: [1, 2, 3].map((i) => ({ name: `p${i}`, summary: '', skills: ['SQL'] })),
    });
    expect(resumeSkillScore(resume, 'sql')).toBe(60);
  });

  it('caps the total at 100', () => {
    const resume = makeResume({
      skills: [{ name: 'Python', level: 'expert', years: 10 }],
      projects: [{ name: 'p', summary: '', skills: ['Python'] }],
    });
    expect(resumeSkillScore(resume, 'Python')).toBe(100);
  });

  it('gives 5 for a skill seen only in one project', () => {
    expect(
      resumeSkillScore(makeResume({ projects: [{ name: 'p', summary: '', skills: ['Docker'] }] }), 'docker'),
    ).toBe(5);
  });
});

describe('scoreDimension', () => {
  const backend = makeCompetency({
    key: 'backend',
    name: 'Backend',
    weight: 2,
    requiredLevel: 70,
    passScore: 60,
    skills: ['Node', 'SQL', 'Redis'],
  });

  it('copies the competency fields', () => {
    const d = scoreDimension(backend, makeResume(), makeInterview());
    expect(d).toMatchObject({ key: 'backend', name: 'Backend', weight: 2, requiredLevel: 70, passScore: 60 });
  });

  it('prefers the competency score over the skill scores', () => {
    const d = scoreDimension(
      backend,
      makeResume(),
      makeInterview({ competencyScores: { Backend: 80 }, skillScores: { node: 20 } }),
    );
    expect(d.interviewScore).toBe(80);
    expect(d.score).toBe(80);
  });

  it('uses a competency score of 0 rather than falling back to skill scores', () => {
    const d = scoreDimension(
      backend,
      makeResume(),
      makeInterview({ competencyScores: { backend: 0 }, skillScores: { node: 90 } }),
    );
    expect(d.interviewScore).toBe(0);
    expect(d.score).toBe(0);
  });

  it('otherwise takes the mean of the skill scores present', () => {
    const d = scoreDimension(
      backend,
      makeResume(),
      makeInterview({ skillScores: { NODE: 60, sql: 90, python: 10 } }),
    );
    expect(d.interviewScore).toBe(75);
    expect(d.resumeScore).toBeNull();
    expect(d.score).toBe(75);
    expect(d.passed).toBe(true);
  });

  it('uses only the resume when the interview has nothing: mean over all skills, missing ones count 0', () => {
    const resume = makeResume({
      skills: [
        { name: 'node', level: 'proficient' },
        { name: 'SQL', level: 'expert' },
      ],
    });
    const d = scoreDimension(backend, resume, makeInterview());
    // (70 + 90 + 0) / 3
    expect(d.resumeScore).toBeCloseTo(53.33, 2);
    expect(d.interviewScore).toBeNull();
    expect(d.score).toBe(53.33);
    expect(d.passed).toBe(false);
  });

  it('blends 0.7 interview with 0.3 resume when both exist', () => {
    expect(INTERVIEW_SHARE).toBe(0.7);
    expect(RESUME_SHARE).toBe(0.3);
    const c = makeCompetency({ key: 'backend', passScore: 63, skills: ['Node', 'SQL'] });
    const resume = makeResume({ skills: [{ name: 'Node', level: 'proficient' }] }); // [70, 0] -> 35
    const interview = makeInterview({ skillScores: { Node: 60, SQL: 90 } }); // 75
    const d = scoreDimension(c, resume, interview);
    expect(d.interviewScore).toBe(75);
    expect(d.resumeScore).toBe(35);
    expect(d.score).toBe(63); // 0.7·75 + 0.3·35
    expect(d.passed).toBe(true);
    expect(scoreDimension({ ...c, passScore: 63.01 }, resume, interview).passed).toBe(false);
  });

  it('is 0 and not passed with no evidence at all', () => {
    const d = scoreDimension(backend, makeResume(), makeInterview());
    expect(d).toMatchObject({ interviewScore: null, resumeScore: null, score: 0, passed: false });
  });

  it('passes a dimension with pass score 0 even without evidence', () => {
    expect(scoreDimension({ ...backend, passScore: 0 }, makeResume(), makeInterview()).passed).toBe(true);
  });
});

describe('buildMatchReport', () => {
  const competencies = [
    makeCompetency({ key: 'programming', weight: 2, requiredLevel: 80, passScore: 60 }),
    makeCompetency({ key: 'teamwork', weight: 1, requiredLevel: 40, passScore: 30 }),
  ];
  const report = (programming: number, teamwork: number) =>
    buildMatchReport(
      competencies,
      makeResume(),
      makeInterview({ competencyScores: { programming, teamwork } }),
    );

  it('scores a candidate exactly at the requirements: cosine 1, fulfilment 1, match 100', () => {
    const r = report(80, 40);
    expect(r.dimensions.map((d) => d.score)).toEqual([80, 40]);
    expect(r.aiScore).toBe(66.67); // (2·80 + 1·40) / 3
    expect(r.cosine).toBe(1);
    expect(r.fulfilment).toBe(1);
    expect(r.matchScore).toBe(100);
    expect(r.strengths).toEqual(['programming', 'teamwork']);
    expect(r.gaps).toEqual([]);
  });

  it('ranks a uniformly weak candidate below a strong one although both have cosine 1', () => {
    const strong = report(80, 40);
    const weak = report(40, 20);
    expect(weak.cosine).toBe(1);
    expect(weak.fulfilment).toBe(0.5);
    expect(weak.matchScore).toBe(50);
    expect(weak.aiScore).toBe(33.33);
    expect(weak.matchScore).toBeLessThan(strong.matchScore);
  });

  it('computes match = 100 · cosine · fulfilment for a mixed profile', () => {
    const r = report(90, 20);
    // programming is capped at its required 80 for the cosine:
    // cosine = (2·80·80 + 20·40) / (√(2·80² + 20²) · √(2·80² + 40²)) = 13600 / (√13200 · 120)
    expect(r.cosine).toBe(0.9864);
    // fulfilment = (2·1 + 1·0.5) / 3
    expect(r.fulfilment).toBe(0.8333);
    expect(r.matchScore).toBe(82.2);
    expect(r.aiScore).toBe(66.67);
    expect(r.strengths).toEqual(['programming']);
    expect(r.gaps).toEqual(['teamwork']);
  });

  it('orders strengths by margin above the requirement and gaps by shortfall, largest first', () => {
    expect(report(90, 60).strengths).toEqual(['teamwork', 'programming']); // +20, +10
    expect(report(30, 35).gaps).toEqual(['programming', 'teamwork']); // -50, -5
    expect(report(75, 0).gaps).toEqual(['teamwork', 'programming']); // -40, -5
  });

  it('counts a dimension with required level 0 as fulfilled', () => {
    const cs = [
      makeCompetency({ key: 'programming', weight: 1, requiredLevel: 80 }),
      makeCompetency({ key: 'bonus', weight: 1, requiredLevel: 0 }),
    ];
    const r = buildMatchReport(
      cs,
      makeResume(),
      makeInterview({ competencyScores: { programming: 40, bonus: 0 } }),
    );
    expect(r.fulfilment).toBe(0.75); // (0.5 + 1) / 2
    expect(r.cosine).toBe(1);
    expect(r.matchScore).toBe(75);
  });

  it('uses blended dimension scores from resume and interview', () => {
    const cs = [makeCompetency({ key: 'backend', weight: 1, requiredLevel: 70, skills: ['Node', 'SQL'] })];
    const r = buildMatchReport(
      cs,
      makeResume({ skills: [{ name: 'Node', level: 'proficient' }] }),
      makeInterview({ skillScores: { Node: 60, SQL: 90 } }),
    );
    expect(r.aiScore).toBe(63);
    expect(r.fulfilment).toBe(0.9); // 63 / 70
    expect(r.matchScore).toBe(90);
    expect(r.gaps).toEqual(['backend']);
  });
});

describe('buildMatchReport: exceeding a requirement', () => {
  it('never ranks an over-qualified candidate below an exactly-qualified one', () => {
    const comps = [makeCompetency({ key: 'a', requiredLevel: 50 }), makeCompetency({ key: 'b', requiredLevel: 50 })];
    const exact = buildMatchReport(comps, makeResume(), makeInterview({ competencyScores: { a: 50, b: 50 } }));
    const over = buildMatchReport(comps, makeResume(), makeInterview({ competencyScores: { a: 100, b: 50 } }));
    expect(over.matchScore).toBeGreaterThanOrEqual(exact.matchScore);
    expect(over.matchScore).toBe(100);
    expect(over.aiScore).toBeGreaterThan(exact.aiScore);
  });
});

describe('the worked example (docs/pipeline.md)', () => {
  it('gives the documented numbers', () => {
    const comps = [
      makeCompetency({ key: 'programming', weight: 3, requiredLevel: 80, skills: ['Python'] }),
      makeCompetency({ key: 'teamwork', weight: 1, requiredLevel: 60, skills: ['Communication'] }),
    ];
    const r = buildMatchReport(
      comps,
      makeResume({ skills: [{ name: 'Python', level: 'expert', years: 6 }] }),
      makeInterview({ competencyScores: { programming: 90, teamwork: 45 } }),
    );
    expect(r.dimensions.map((d) => d.score)).toEqual([93, 45]);
    expect(r.aiScore).toBe(81);
    expect(r.cosine).toBe(0.9955);
    expect(r.fulfilment).toBe(0.9375);
    expect(r.matchScore).toBe(93.33);
  });
});
