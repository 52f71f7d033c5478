import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SKILL_PASS_SCORE,
  EXPERIENCE_HIGH_GAP_YEARS,
  EXPERIENCE_TOLERANCE_YEARS,
  claimedSkillFailed,
  experienceYearsUnsupported,
  findDiscrepancies,
  keywordUnsupported,
  passScoreForSkill,
  requiredCompetencyNoEvidence,
  skillNotTested,
  supportedExperienceYears,
  type CheckInput,
} from '../../domain/discrepancies';
import { job, makeCompetency, makeInterview, makeResume } from './fixtures';

function input(over: Partial<CheckInput> = {}): CheckInput {
  return { resume: makeResume(), interview: makeInterview(), competencies: [], ...over };
}

describe('constants', () => {
  it('uses the documented thresholds', () => {
    expect(DEFAULT_SKILL_PASS_SCORE).toBe(60);
    expect(EXPERIENCE_TOLERANCE_YEARS).toBe(1);
    expect(EXPERIENCE_HIGH_GAP_YEARS).toBe(3);
  });
});

describe('passScoreForSkill', () => {
  it('is the default 60 when no competency names the skill', () => {
    expect(
      passScoreForSkill('Python', [makeCompetency({ key: 'java', skills: ['Java'], passScore: 80 })]),
    ).toBe(60);
  });

  it('is the pass score of the competency naming the skill, matched case- and space-insensitively', () => {
    const cs = [makeCompetency({ key: 'programming', skills: ['  PYTHON '], passScore: 75 })];
    expect(passScoreForSkill('python', cs)).toBe(75);
  });

  it('is the highest pass score when several competencies name the skill', () => {
    const cs = [
      makeCompetency({ key: 'a', skills: ['Python'], passScore: 50 }),
      makeCompetency({ key: 'b', skills: ['python'], passScore: 85 }),
      makeCompetency({ key: 'c', skills: ['Go'], passScore: 99 }),
    ];
    expect(passScoreForSkill('Python', cs)).toBe(85);
  });

  it('can be below the default', () => {
    expect(passScoreForSkill('SQL', [makeCompetency({ key: 'data', skills: ['sql'], passScore: 40 })])).toBe(
      40,
    );
  });
});

describe('claimedSkillFailed', () => {
  it('flags an expert claim scored below the default pass line of 60', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'Python', level: 'expert', years: 5 }] }),
        interview: makeInterview({ skillScores: { Python: 55 } }),
      }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'claimed_skill_failed:python',
      rule: 'claimed_skill_failed',
      severity: 'high',
      subject: 'Python',
      evidence: {
        resume: { skill: 'Python', level: 'expert', years: 5 },
        interview: { score: 55, passScore: 60 },
      },
    });
    expect(out[0]!.message).toContain('55');
    expect(out[0]!.message).toContain('60');
  });

  it('flags a proficient claim too, and records years as null when absent', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'Go', level: 'proficient' }] }),
        interview: makeInterview({ skillScores: { Go: 10 } }),
      }),
    );
    expect(out.map((d) => d.subject)).toEqual(['Go']);
    expect(out[0]!.evidence.resume).toEqual({ skill: 'Go', level: 'proficient', years: null });
  });

  it('does not flag a score exactly on the pass line', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'Python', level: 'expert' }] }),
        interview: makeInterview({ skillScores: { Python: 60 } }),
      }),
    );
    expect(out).toEqual([]);
  });

  it('does not flag a familiar claim however low the score', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'Python', level: 'familiar' }] }),
        interview: makeInterview({ skillScores: { Python: 5 } }),
      }),
    );
    expect(out).toEqual([]);
  });

  it('does not flag a claimed skill the interview did not score', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'Rust', level: 'expert' }] }),
        interview: makeInterview({ skillScores: { Python: 0 } }),
      }),
    );
    expect(out).toEqual([]);
  });

  it('uses the pass line of the competency naming the skill: 55 passes a line of 50', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'Python', level: 'expert' }] }),
        interview: makeInterview({ skillScores: { Python: 55 } }),
        competencies: [makeCompetency({ key: 'programming', skills: ['Python'], passScore: 50 })],
      }),
    );
    expect(out).toEqual([]);
  });

  it('uses the pass line of the competency naming the skill: 70 fails a line of 80', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'Python', level: 'expert' }] }),
        interview: makeInterview({ skillScores: { Python: 70 } }),
        competencies: [makeCompetency({ key: 'programming', skills: ['Python'], passScore: 80 })],
      }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.evidence.interview).toEqual({ score: 70, passScore: 80 });
  });

  it('matches resume, interview and competency skill names case-insensitively', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({ skills: [{ name: 'TypeScript', level: 'expert' }] }),
        interview: makeInterview({ skillScores: { ' TYPESCRIPT ': 65 } }),
        competencies: [makeCompetency({ key: 'frontend', skills: ['typescript'], passScore: 70 })],
      }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'claimed_skill_failed:typescript',
      evidence: { interview: { score: 65, passScore: 70 } },
    });
  });

  it('flags each failed claim and only those', () => {
    const out = claimedSkillFailed(
      input({
        resume: makeResume({
          skills: [
            { name: 'Python', level: 'expert' },
            { name: 'SQL', level: 'proficient' },
            { name: 'Java', level: 'expert' },
          ],
        }),
        interview: makeInterview({ skillScores: { python: 30, sql: 59, java: 90 } }),
      }),
    );
    expect(out.map((d) => d.subject)).toEqual(['Python', 'SQL']);
  });
});

describe('requiredCompetencyNoEvidence', () => {
  const cloud = makeCompetency({
    key: 'cloud',
    name: 'Cloud operations',
    requiredLevel: 60,
    skills: ['AWS', 'Kubernetes'],
  });

  it('flags a required competency with no evidence on either side', () => {
    const out = requiredCompetencyNoEvidence(input({ competencies: [cloud] }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'required_competency_no_evidence:cloud',
      rule: 'required_competency_no_evidence',
      severity: 'medium',
      subject: 'cloud',
      evidence: { resume: { skillsLookedFor: ['AWS', 'Kubernetes'], found: [] } },
    });
    expect(out[0]!.message).toContain('Cloud operations');
    expect(out[0]!.message).toContain('60');
  });

  it('does not flag a competency with required level 0', () => {
    const optional = makeCompetency({ key: 'cloud', requiredLevel: 0, skills: ['AWS'] });
    expect(requiredCompetencyNoEvidence(input({ competencies: [optional] }))).toEqual([]);
  });

  it('flags a competency with required level 1 (just above 0)', () => {
    const barely = makeCompetency({ key: 'cloud', requiredLevel: 1, skills: ['AWS'] });
    expect(requiredCompetencyNoEvidence(input({ competencies: [barely] }))).toHaveLength(1);
  });

  it('accepts a project using one of the skills as evidence', () => {
    const resume = makeResume({ projects: [{ name: 'Platform', summary: 'infra', skills: ['kubernetes'] }] });
    expect(requiredCompetencyNoEvidence(input({ resume, competencies: [cloud] }))).toEqual([]);
  });

  it('accepts an interview question on one of the skills as evidence', () => {
    const interview = makeInterview({ questions: [{ id: 'q1', skill: 'aws ', correct: false }] });
    expect(requiredCompetencyNoEvidence(input({ interview, competencies: [cloud] }))).toEqual([]);
  });

  it('accepts a competency score for the key as evidence', () => {
    const interview = makeInterview({ competencyScores: { CLOUD: 20 } });
    expect(requiredCompetencyNoEvidence(input({ interview, competencies: [cloud] }))).toEqual([]);
  });

  it('accepts a skill score as evidence', () => {
    const interview = makeInterview({ skillScores: { Kubernetes: 0 } });
    expect(requiredCompetencyNoEvidence(input({ interview, competencies: [cloud] }))).toEqual([]);
  });

  it('accepts a claimed skill as evidence', () => {
    const resume = makeResume({ skills: [{ name: 'aws', level: 'familiar' }] });
    expect(requiredCompetencyNoEvidence(input({ resume, competencies: [cloud] }))).toEqual([]);
  });

  it('does not count evidence for unrelated skills', () => {
    const resume = makeResume({
      skills: [{ name: 'Python', level: 'expert' }],
      projects: [{ name: 'App', summary: 'AWS mentioned only in prose', skills: ['React'] }],
    });
    const interview = makeInterview({
      skillScores: { Python: 90 },
      questions: [{ id: 'q', skill: 'React', correct: true }],
    });
    const out = requiredCompetencyNoEvidence(input({ resume, interview, competencies: [cloud] }));
    expect(out.map((d) => d.subject)).toEqual(['cloud']);
  });

  it('flags a required competency that lists no skills and has no score', () => {
    const teamwork = makeCompetency({ key: 'teamwork', requiredLevel: 50, skills: [] });
    expect(requiredCompetencyNoEvidence(input({ competencies: [teamwork] })).map((d) => d.id)).toEqual([
      'required_competency_no_evidence:teamwork',
    ]);
  });
});

describe('skillNotTested', () => {
  it('flags claimed skills neither scored nor asked about, as info', () => {
    const out = skillNotTested(
      input({
        resume: makeResume({
          skills: [
            { name: 'Python', level: 'expert' },
            { name: 'Go', level: 'familiar' },
            { name: 'Rust', level: 'proficient' },
          ],
        }),
        interview: makeInterview({
          skillScores: { PYTHON: 80 },
          questions: [{ id: 'q1', skill: 'go', correct: true }],
        }),
      }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'skill_not_tested:rust',
      rule: 'skill_not_tested',
      severity: 'info',
      subject: 'Rust',
      evidence: { resume: { skill: 'Rust', level: 'proficient' }, interview: { tested: false } },
    });
  });

  it('reports a skill claimed twice (differing in case) once', () => {
    const out = skillNotTested(
      input({
        resume: makeResume({
          skills: [
            { name: 'Rust', level: 'expert' },
            { name: ' rust', level: 'familiar' },
          ],
        }),
      }),
    );
    expect(out.map((d) => d.subject)).toEqual(['Rust']);
  });

  it('returns nothing when every claim was tested', () => {
    const out = skillNotTested(
      input({
        resume: makeResume({ skills: [{ name: 'SQL', level: 'expert' }] }),
        interview: makeInterview({ skillScores: { sql: 10 } }),
      }),
    );
    expect(out).toEqual([]);
  });
});

describe('keywordUnsupported', () => {
  const resume = makeResume({
    skills: [{ name: 'TypeScript', level: 'expert' }],
    projects: [{ name: 'Event bus', summary: 'Streamed orders through Kafka topics', skills: ['Node.js'] }],
    workHistory: [
      { company: 'Acme', title: 'Microservices Engineer', from: '2020-01', summary: 'Owned the billing API' },
    ],
    certificates: ['AWS Solutions Architect'],
    education: [{ school: 'Uni', degree: 'BSc', field: 'Computer Science', year: 2018 }],
  });

  it('accepts keywords found anywhere in the resume, case-insensitively', () => {
    const interview = makeInterview({
      keywordsMatched: [
        'typescript',
        'KAFKA',
        'microservices',
        'billing',
        'solutions architect',
        'computer science',
        'node.js',
        'event bus',
      ],
    });
    expect(keywordUnsupported(input({ resume, interview }))).toEqual([]);
  });

  it('flags a keyword nothing in the resume mentions, once even if repeated', () => {
    const interview = makeInterview({ keywordsMatched: ['GraphQL', 'Kafka', 'graphql', 'Terraform'] });
    const out = keywordUnsupported(input({ resume, interview }));
    expect(out.map((d) => d.id)).toEqual(['keyword_unsupported:graphql', 'keyword_unsupported:terraform']);
    expect(out[0]).toMatchObject({
      rule: 'keyword_unsupported',
      severity: 'info',
      subject: 'GraphQL',
      evidence: { resume: { mentioned: false }, interview: { keyword: 'GraphQL' } },
    });
  });

  it('flags every keyword when the resume is empty', () => {
    const out = keywordUnsupported(input({ interview: makeInterview({ keywordsMatched: ['Docker'] }) }));
    expect(out.map((d) => d.subject)).toEqual(['Docker']);
  });
});

describe('supportedExperienceYears', () => {
  const asOf = '2026-03-15T10:00:00Z';

  it('is 0 with no work history', () => {
    expect(supportedExperienceYears([], asOf)).toBe(0);
  });

  it('counts a closed period inclusive of both end months', () => {
    expect(supportedExperienceYears([job('a', '2020-01', '2021-12')], asOf)).toBe(2);
    expect(supportedExperienceYears([job('a', '2020-01', '2020-01')], asOf)).toBe(0.1);
  });

  it('counts overlapping jobs once', () => {
    // 2020-01..2022-12 is 36 months; the naive sum of the two jobs would be 48.
    expect(
      supportedExperienceYears([job('a', '2020-01', '2021-12'), job('b', '2021-01', '2022-12')], asOf),
    ).toBe(3);
  });

  it('counts a job contained in another once', () => {
    expect(
      supportedExperienceYears([job('a', '2015-01', '2019-12'), job('b', '2016-01', '2016-06')], asOf),
    ).toBe(5);
  });

  it('adds adjacent and separate periods, whatever the input order', () => {
    expect(
      supportedExperienceYears([job('b', '2021-01', '2021-12'), job('a', '2020-01', '2020-12')], asOf),
    ).toBe(2);
    // 12 + 6 months with a gap in between
    expect(
      supportedExperienceYears([job('b', '2020-01', '2020-06'), job('a', '2018-01', '2018-12')], asOf),
    ).toBe(1.5);
  });

  it('ends an open-ended job at the interview month', () => {
    expect(supportedExperienceYears([job('a', '2024-04')], asOf)).toBe(2);
    expect(supportedExperienceYears([job('a', '2024-04')], '2025-03-01T00:00:00Z')).toBe(1);
  });

  it('clips a period that ends after the interview and ignores one that starts after it', () => {
    expect(supportedExperienceYears([job('a', '2025-04', '2027-12')], asOf)).toBe(1);
    expect(supportedExperienceYears([job('a', '2026-06', '2027-12')], asOf)).toBe(0);
  });

  it('accepts full dates and rounds to one decimal', () => {
    expect(supportedExperienceYears([job('a', '2020-01-15', '2020-12-01')], asOf)).toBe(1);
    // 47 months = 3.9166 years
    expect(supportedExperienceYears([job('a', '2022-05')], asOf)).toBe(3.9);
  });
});

describe('experienceYearsUnsupported', () => {
  const twoYears = [job('a', '2020-01', '2021-12')];

  function check(experienceYears: number, workHistory = twoYears, completedAt = '2026-03-15T10:00:00Z') {
    return experienceYearsUnsupported(
      input({
        resume: makeResume({ experienceYears, workHistory }),
        interview: makeInterview({ completedAt }),
      }),
    );
  }

  it('does not flag a claim within the 1-year tolerance', () => {
    expect(check(2)).toEqual([]);
    expect(check(3)).toEqual([]);
    expect(check(0.5)).toEqual([]);
  });

  it('flags a gap just above the tolerance as medium', () => {
    const out = check(3.5);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'experience_years_unsupported:experience',
      rule: 'experience_years_unsupported',
      severity: 'medium',
      subject: 'experienceYears',
      evidence: { resume: { experienceYears: 3.5, workHistoryYears: 2 }, interview: { asOf: '2026-03-15' } },
    });
    expect(out[0]!.message).toContain('3.5');
  });

  it('keeps a gap of 2.9 years medium and makes a gap of 3 years high', () => {
    expect(check(4.9)[0]?.severity).toBe('medium');
    expect(check(5)[0]?.severity).toBe('high');
    expect(check(12)[0]?.severity).toBe('high');
  });

  it('compares the gap in decimal, not binary floating point', () => {
    // 3.9 supported: 4.9 - 3.9 is 1.0000000000000004 in floating point, which is still within tolerance.
    expect(check(4.9, [job('a', '2022-05')])).toEqual([]);
    // 1.1 supported: 4.1 - 1.1 is 2.9999999999999996 in floating point, which is still a 3-year gap.
    expect(check(4.1, [job('a', '2025-03')])[0]?.severity).toBe('high');
  });

  it('counts overlapping jobs once', () => {
    // Union 2020-01..2022-12 = 3 years; summing the jobs would give 4 and hide the 2-year gap.
    const overlapping = [job('a', '2020-01', '2021-12'), job('b', '2021-01', '2022-12')];
    const out = check(5, overlapping);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ severity: 'medium', evidence: { resume: { workHistoryYears: 3 } } });
  });

  it('ends an open-ended job at the interview date, not today', () => {
    const current = [job('a', '2023-04')];
    expect(check(4, current, '2026-03-15T10:00:00Z')).toEqual([]); // 3 years supported
    const early = check(4, current, '2025-03-15T10:00:00Z'); // 2 years supported
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({
      severity: 'medium',
      evidence: { resume: { workHistoryYears: 2 }, interview: { asOf: '2025-03-15' } },
    });
  });

  it('flags any claim above 1 year with no work history', () => {
    expect(check(1, [])).toEqual([]);
    expect(check(3, [])[0]?.severity).toBe('high');
  });
});

describe('findDiscrepancies', () => {
  function everyRuleInput(): CheckInput {
    return input({
      resume: makeResume({
        skills: [
          { name: 'Python', level: 'expert' },
          { name: 'Rust', level: 'familiar' },
        ],
        experienceYears: 8,
        workHistory: [job('a', '2022-01', '2023-12')],
      }),
      interview: makeInterview({ skillScores: { Python: 40 }, keywordsMatched: ['GraphQL'] }),
      competencies: [
        makeCompetency({ key: 'programming', skills: ['Python'], passScore: 60 }),
        makeCompetency({ key: 'cloud', skills: ['AWS'], requiredLevel: 50 }),
      ],
    });
  }

  it('runs every rule and sorts the most severe first', () => {
    const out = findDiscrepancies(everyRuleInput());
    expect(out.map((d) => d.id)).toEqual([
      'claimed_skill_failed:python',
      'experience_years_unsupported:experience',
      'required_competency_no_evidence:cloud',
      'skill_not_tested:rust',
      'keyword_unsupported:graphql',
    ]);
    expect(out.map((d) => d.severity)).toEqual(['high', 'high', 'medium', 'info', 'info']);
  });

  it('puts a high experience discrepancy before a medium one from an earlier rule', () => {
    const base = everyRuleInput();
    const out = findDiscrepancies({
      ...base,
      interview: makeInterview({ skillScores: { Python: 90, Rust: 90 } }),
    });
    expect(out.map((d) => [d.rule, d.severity])).toEqual([
      ['experience_years_unsupported', 'high'],
      ['required_competency_no_evidence', 'medium'],
    ]);
  });

  it('gives the same ids for the same data', () => {
    const a = findDiscrepancies(everyRuleInput()).map((d) => d.id);
    const b = findDiscrepancies(everyRuleInput()).map((d) => d.id);
    expect(b).toEqual(a);
  });

  it('derives ids from the normalised subject only', () => {
    const [d] = findDiscrepancies(
      input({
        resume: makeResume({ skills: [{ name: '  Node.JS ', level: 'expert' }] }),
        interview: makeInterview({ skillScores: { 'node.js': 1 } }),
      }),
    );
    expect(d?.id).toBe('claimed_skill_failed:node-js');
  });

  it('reports a skill claimed twice under different spellings once', () => {
    const out = findDiscrepancies(
      input({
        resume: makeResume({
          skills: [
            { name: 'Python', level: 'expert' },
            { name: 'python', level: 'proficient' },
          ],
        }),
        interview: makeInterview({ skillScores: { PYTHON: 10 } }),
      }),
    );
    expect(out.map((d) => d.id)).toEqual(['claimed_skill_failed:python']);
  });

  it('keeps distinct subjects apart even when they differ only in symbols (C, C++, C#)', () => {
    const out = findDiscrepancies(
      input({
        resume: makeResume({
          skills: [
            { name: 'C++', level: 'expert' },
            { name: 'C#', level: 'expert' },
            { name: 'C', level: 'expert' },
          ],
        }),
        interview: makeInterview({ skillScores: { 'C++': 10, 'C#': 20, C: 30 } }),
      }),
    );
    expect(out.map((d) => d.subject)).toEqual(['C++', 'C#', 'C']);
    expect(new Set(out.map((d) => d.id)).size).toBe(3);
  });

  it('returns nothing for a consistent application', () => {
    const out = findDiscrepancies(
      input({
        resume: makeResume({
          skills: [{ name: 'Python', level: 'expert' }],
          experienceYears: 2,
          workHistory: [job('a', '2024-04')],
        }),
        interview: makeInterview({ skillScores: { Python: 85 }, keywordsMatched: ['python'] }),
        competencies: [makeCompetency({ key: 'programming', skills: ['Python'] })],
      }),
    );
    expect(out).toEqual([]);
  });
});

describe('mentions (keyword matching)', () => {
  it('matches whole words only', async () => {
    const { mentions } = await import('../../domain/discrepancies');
    expect(mentions('worked at google on search', 'go')).toBe(false);
    expect(mentions('javascript and css', 'java')).toBe(false);
    expect(mentions('services in go and rust', 'go')).toBe(true);
    expect(mentions('c++ and rust', 'c++')).toBe(true);
    expect(mentions('built with node.js', 'node.js')).toBe(true);
    expect(mentions('machine learning pipelines', 'machine learning')).toBe(true);
  });
});

describe('discrepancy ids for long subjects', () => {
  it('stay short and distinct', async () => {
    const { findDiscrepancies } = await import('../../domain/discrepancies');
    const a = 'x'.repeat(95) + 'a';
    const b = 'x'.repeat(95) + 'b';
    const out = findDiscrepancies({
      resume: makeResume({ skills: [{ name: a, level: 'familiar' }, { name: b, level: 'familiar' }] }),
      interview: makeInterview(),
      competencies: [],
    });
    const ids = out.map((d) => d.id);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual('skill_not_tested:'.length + 60);
  });
});
