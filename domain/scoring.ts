/**
 * Data-driven screening (MISSION.md step 2): a score per competency dimension from
 * resume and interview data, the weighted cosine similarity between the candidate's
 * vector and the job's requirement vector, and the match score the ranking uses.
 * The README walks through the same formulas with a worked example.
 */
import type { TInterview, TResume, TSkillLevel } from './contracts/application';
import type { TCompetency } from './contracts/job';
import { byNormalizedKey, normalizeSkill } from './skills';

/** What a claimed level is worth as resume evidence (0-100). */
export const LEVEL_POINTS: Record<TSkillLevel, number> = { expert: 90, proficient: 70, familiar: 40 };
/** Each year of claimed use adds this much, up to YEARS_BONUS_MAX. */
export const YEARS_BONUS_PER_YEAR = 2;
export const YEARS_BONUS_MAX = 10;
/** Each project that used the skill adds this much, up to PROJECT_BONUS_MAX. */
export const PROJECT_BONUS_PER_PROJECT = 5;
export const PROJECT_BONUS_MAX = 10;
/** Interview evidence is measured, resume evidence is claimed: the interview counts more. */
export const INTERVIEW_SHARE = 0.7;
export const RESUME_SHARE = 0.3;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const clamp100 = (n: number) => Math.max(0, Math.min(100, n));

export interface TDimensionScore {
  key: string;
  name: string;
  weight: number;
  requiredLevel: number;
  passScore: number;
  interviewScore: number | null;
  resumeScore: number | null;
  score: number;
  passed: boolean;
}

/** Resume evidence for one skill: claimed level + years bonus + project bonus, capped at 100; null when absent. */
export function resumeSkillScore(resume: TResume, skill: string): number | null {
  const key = normalizeSkill(skill);
  const claim = resume.skills.find((s) => normalizeSkill(s.name) === key);
  const projects = resume.projects.filter((p) => p.skills.some((s) => normalizeSkill(s) === key)).length;
  if (!claim && projects === 0) return null;
  const base = claim ? LEVEL_POINTS[claim.level] : 0;
  const years = claim?.years ? Math.min(claim.years * YEARS_BONUS_PER_YEAR, YEARS_BONUS_MAX) : 0;
  const proj = Math.min(projects * PROJECT_BONUS_PER_PROJECT, PROJECT_BONUS_MAX);
  return clamp100(base + years + proj);
}

/**
 * One dimension's score (0-100).
 * - interview: the interview's competency score for the key when present, else the mean
 *   of its skill scores for the dimension's skills, else none;
 * - resume: the mean over the dimension's skills of resumeSkillScore (a skill with no
 *   resume evidence counts 0), none when no skill has any evidence;
 * - score: 0.7 * interview + 0.3 * resume when both exist, the one that exists otherwise, 0 with neither.
 */
export function scoreDimension(c: TCompetency, resume: TResume, interview: TInterview): TDimensionScore {
  const competencyScores = byNormalizedKey(interview.competencyScores);
  const skillScores = byNormalizedKey(interview.skillScores);
  let interviewScore: number | null = competencyScores.get(normalizeSkill(c.key)) ?? null;
  if (interviewScore === null) {
    const found = c.skills.map((s) => skillScores.get(normalizeSkill(s))).filter((v): v is number => v !== undefined);
    interviewScore = found.length ? found.reduce((a, b) => a + b, 0) / found.length : null;
  }
  const perSkill = c.skills.map((s) => resumeSkillScore(resume, s));
  const resumeScore = perSkill.some((v) => v !== null)
    ? perSkill.reduce<number>((a, b) => a + (b ?? 0), 0) / perSkill.length
    : null;
  let score = 0;
  if (interviewScore !== null && resumeScore !== null) score = INTERVIEW_SHARE * interviewScore + RESUME_SHARE * resumeScore;
  else score = interviewScore ?? resumeScore ?? 0;
  score = round(clamp100(score));
  return {
    key: c.key,
    name: c.name,
    weight: c.weight,
    requiredLevel: c.requiredLevel,
    passScore: c.passScore,
    interviewScore: interviewScore === null ? null : round(interviewScore),
    resumeScore: resumeScore === null ? null : round(resumeScore),
    score,
    passed: score >= c.passScore,
  };
}

/**
 * Weighted cosine similarity: cos(√w∘a, √w∘b) = Σ w·a·b / (√Σ w·a² · √Σ w·b²).
 * Returns 0 when either vector is all zeros (no direction to compare).
 */
export function weightedCosine(a: number[], b: number[], weights?: number[]): number {
  if (a.length !== b.length) throw new RangeError('vectors must have the same length');
  const w = weights ?? a.map(() => 1);
  if (w.length !== a.length) throw new RangeError('weights must match the vectors');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const wi = w[i]!;
    const ai = a[i]!;
    const bi = b[i]!;
    dot += wi * ai * bi;
    na += wi * ai * ai;
    nb += wi * bi * bi;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, dot / (Math.sqrt(na) * Math.sqrt(nb))));
}

export interface TMatchReport {
  dimensions: TDimensionScore[];
  /** Weighted mean of the dimension scores (0-100): the AI score. */
  aiScore: number;
  /** Weighted cosine between the candidate's vector (capped at each required level) and the requirement vector (0-1). */
  cosine: number;
  /** Weighted mean of min(score / requiredLevel, 1) (0-1): how far the requirements are met. */
  fulfilment: number;
  /** 100 · cosine · fulfilment: what the ranking orders by before human evaluation. */
  matchScore: number;
  strengths: string[];
  gaps: string[];
}

/**
 * The match report. Cosine alone rewards the right *shape* even at a low level (a
 * candidate at half of every requirement has cosine 1), so the match score multiplies
 * it by the fulfilment of the required levels. Scores are capped at the required level
 * for the cosine, so being better than required never lowers the match.
 */
export function buildMatchReport(competencies: TCompetency[], resume: TResume, interview: TInterview): TMatchReport {
  const dimensions = competencies.map((c) => scoreDimension(c, resume, interview));
  const weights = dimensions.map((d) => d.weight);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const aiScore = dimensions.reduce((a, d) => a + d.weight * d.score, 0) / totalWeight;
  // Exceeding a requirement must not bend the profile away from it: scores are capped
  // at the required level before the cosine (a dimension required at 0 then counts 0).
  const cosine = weightedCosine(
    dimensions.map((d) => Math.min(d.score, d.requiredLevel)),
    dimensions.map((d) => d.requiredLevel),
    weights,
  );
  const fulfilment =
    dimensions.reduce((a, d) => a + d.weight * (d.requiredLevel > 0 ? Math.min(d.score / d.requiredLevel, 1) : 1), 0) /
    totalWeight;
  const byMargin = [...dimensions].sort((x, y) => y.score - y.requiredLevel - (x.score - x.requiredLevel));
  return {
    dimensions,
    aiScore: round(aiScore),
    cosine: round(cosine, 4),
    fulfilment: round(fulfilment, 4),
    matchScore: round(100 * cosine * fulfilment),
    strengths: byMargin.filter((d) => d.score >= d.requiredLevel).map((d) => d.key),
    gaps: byMargin
      .filter((d) => d.score < d.requiredLevel)
      .reverse()
      .map((d) => d.key),
  };
}
