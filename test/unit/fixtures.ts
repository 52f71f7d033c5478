/** Small builders for unit tests: every field valid, each test overrides what it is about. */
import type { TInterview, TResume } from '../../domain/contracts/application';
import type { TCompetency } from '../../domain/contracts/job';

export function makeResume(over: Partial<TResume> = {}): TResume {
  return {
    skills: [],
    experienceYears: 0,
    workHistory: [],
    projects: [],
    certificates: [],
    education: [],
    ...over,
  };
}

export function makeInterview(over: Partial<TInterview> = {}): TInterview {
  return {
    completedAt: '2026-03-15T10:00:00Z',
    accuracy: 0.75,
    questions: [],
    skillScores: {},
    competencyScores: {},
    behavior: { eyeContact: 0.8, toneVariation: 0.6 },
    keywordsMatched: [],
    recordingUrl: 'https://recordings.example.com/r/1',
    ...over,
  };
}

export function makeCompetency(over: Partial<TCompetency> & Pick<TCompetency, 'key'>): TCompetency {
  return { name: over.key, weight: 1, requiredLevel: 60, passScore: 60, skills: [], ...over };
}

export function job(company: string, from: string, to?: string): TResume['workHistory'][number] {
  return to === undefined ? { company, title: 'Engineer', from } : { company, title: 'Engineer', from, to };
}
