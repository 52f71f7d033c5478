/**
 * The two-way check of resume and interview data (MISSION.md step 1). Each rule is a
 * pure function from the application and the job's competency model to discrepancies.
 * Ids are derived from the rule and its subject, so the same data always yields the
 * same ids (HR resolves them by id; a replayed check must not rename them).
 */
import type { TInterview, TResume } from './contracts/application';
import type { TCompetency } from './contracts/job';
import { byNormalizedKey, normalizeSkill } from './skills';

export type TSeverity = 'high' | 'medium' | 'info';
export type TDiscrepancyRule =
  | 'claimed_skill_failed'
  | 'required_competency_no_evidence'
  | 'skill_not_tested'
  | 'keyword_unsupported'
  | 'experience_years_unsupported';

export interface TDiscrepancy {
  id: string;
  rule: TDiscrepancyRule;
  severity: TSeverity;
  subject: string;
  message: string;
  evidence: { resume: unknown; interview: unknown };
}

export interface CheckInput {
  resume: TResume;
  interview: TInterview;
  competencies: TCompetency[];
}

/** Pass line for a skill no competency names. */
export const DEFAULT_SKILL_PASS_SCORE = 60;
/** Claimed years may exceed what the work history supports by this much before it is flagged. */
export const EXPERIENCE_TOLERANCE_YEARS = 1;
/** At or beyond this gap the experience claim is a high-severity contradiction. */
export const EXPERIENCE_HIGH_GAP_YEARS = 3;

function slug(text: string): string {
  // Spell out + and # so that C, C++ and C# get distinct ids.
  const s = normalizeSkill(text)
    .replace(/\+/g, '-plus-')
    .replace(/#/g, '-sharp-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (s.length <= MAX_SLUG) return s || 'x';
  // Long subjects keep a readable head and a hash of the whole, so ids stay short and distinct.
  return `${s.slice(0, MAX_SLUG - 9).replace(/-$/, '')}-${fnv1a(s)}`;
}

const MAX_SLUG = 60;

/** FNV-1a 32-bit, hex: a small deterministic hash (no crypto in pure code). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function discrepancyId(rule: TDiscrepancyRule, subject: string): string {
  return `${rule}:${slug(subject)}`;
}

/** The pass line for a skill: the highest pass score among competencies naming it, else the default. */
export function passScoreForSkill(skill: string, competencies: TCompetency[]): number {
  const key = normalizeSkill(skill);
  const lines = competencies.filter((c) => c.skills.some((s) => normalizeSkill(s) === key)).map((c) => c.passScore);
  return lines.length ? Math.max(...lines) : DEFAULT_SKILL_PASS_SCORE;
}

/** Rule 1 (high): a skill claimed at expert or proficient level that the interview scored below its pass line. */
export function claimedSkillFailed({ resume, interview, competencies }: CheckInput): TDiscrepancy[] {
  const scores = byNormalizedKey(interview.skillScores);
  const out: TDiscrepancy[] = [];
  for (const claim of resume.skills) {
    if (claim.level !== 'expert' && claim.level !== 'proficient') continue;
    const score = scores.get(normalizeSkill(claim.name));
    if (score === undefined) continue;
    const passScore = passScoreForSkill(claim.name, competencies);
    if (score >= passScore) continue;
    out.push({
      id: discrepancyId('claimed_skill_failed', claim.name),
      rule: 'claimed_skill_failed',
      severity: 'high',
      subject: claim.name,
      message: `The resume claims ${claim.name} at ${claim.level} level, but the interview scored it ${score}, below the pass line of ${passScore}.`,
      evidence: { resume: { skill: claim.name, level: claim.level, years: claim.years ?? null }, interview: { score, passScore } },
    });
  }
  return out;
}

/** Rule 2 (medium): a required competency (required level above 0) with no evidence on either side. */
export function requiredCompetencyNoEvidence({ resume, interview, competencies }: CheckInput): TDiscrepancy[] {
  const competencyScores = byNormalizedKey(interview.competencyScores);
  const skillScores = byNormalizedKey(interview.skillScores);
  const claimed = new Set(resume.skills.map((s) => normalizeSkill(s.name)));
  const projectSkills = new Set(resume.projects.flatMap((p) => p.skills.map(normalizeSkill)));
  const tested = new Set(interview.questions.map((q) => normalizeSkill(q.skill)));
  const out: TDiscrepancy[] = [];
  for (const c of competencies) {
    if (c.requiredLevel <= 0) continue;
    const skills = c.skills.map(normalizeSkill);
    const inInterview =
      competencyScores.has(normalizeSkill(c.key)) || skills.some((s) => skillScores.has(s) || tested.has(s));
    const inResume = skills.some((s) => claimed.has(s) || projectSkills.has(s));
    if (inInterview || inResume) continue;
    out.push({
      id: discrepancyId('required_competency_no_evidence', c.key),
      rule: 'required_competency_no_evidence',
      severity: 'medium',
      subject: c.key,
      message: `The job requires ${c.name} (level ${c.requiredLevel}), but neither the resume nor the interview shows any evidence of it.`,
      evidence: {
        resume: { skillsLookedFor: c.skills, found: [] },
        interview: { competencyScore: null, skillsLookedFor: c.skills, found: [] },
      },
    });
  }
  return out;
}

/** Rule 3 (info): a claimed skill that the interview neither scored nor asked about. */
export function skillNotTested({ resume, interview }: CheckInput): TDiscrepancy[] {
  const scored = byNormalizedKey(interview.skillScores);
  const asked = new Set(interview.questions.map((q) => normalizeSkill(q.skill)));
  const seen = new Set<string>();
  const out: TDiscrepancy[] = [];
  for (const claim of resume.skills) {
    const key = normalizeSkill(claim.name);
    if (seen.has(key) || scored.has(key) || asked.has(key)) continue;
    seen.add(key);
    out.push({
      id: discrepancyId('skill_not_tested', claim.name),
      rule: 'skill_not_tested',
      severity: 'info',
      subject: claim.name,
      message: `The resume claims ${claim.name} (${claim.level}), which the interview did not test.`,
      evidence: { resume: { skill: claim.name, level: claim.level }, interview: { tested: false } },
    });
  }
  return out;
}

const escapeRegExp = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whole-word mention: "Go" is not found in "Google", nor "Java" in "JavaScript"; "C++" is found in "C++ and Rust". */
export function mentions(text: string, term: string): boolean {
  return new RegExp(`(^|[^a-z0-9+#.])${escapeRegExp(term)}($|[^a-z0-9+#])`).test(text);
}

/** Rule 4 (info): a keyword the interview matched that nothing in the resume backs. */
export function keywordUnsupported({ resume, interview }: CheckInput): TDiscrepancy[] {
  const text = normalizeSkill(
    [
      ...resume.skills.map((s) => s.name),
      ...resume.projects.flatMap((p) => [p.name, p.summary, ...p.skills]),
      ...resume.workHistory.flatMap((w) => [w.title, w.summary ?? '']),
      ...resume.certificates,
      ...resume.education.map((e) => e.field),
    ].join(' \n '),
  );
  const seen = new Set<string>();
  const out: TDiscrepancy[] = [];
  for (const kw of interview.keywordsMatched) {
    const key = normalizeSkill(kw);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    if (mentions(text, key)) continue;
    out.push({
      id: discrepancyId('keyword_unsupported', kw),
      rule: 'keyword_unsupported',
      severity: 'info',
      subject: kw,
      message: `The interview matched the keyword "${kw}", but nothing in the resume mentions it.`,
      evidence: { resume: { mentioned: false }, interview: { keyword: kw } },
    });
  }
  return out;
}

function monthIndex(text: string): number {
  const [y, m] = text.split('-').map(Number) as [number, number];
  return y * 12 + (m - 1);
}

/**
 * Years of experience the work history supports: the union of its periods, in months
 * (overlapping jobs count once). An open period ends at `asOf` (the interview date).
 * Periods are inclusive of both end months.
 */
export function supportedExperienceYears(workHistory: TResume['workHistory'], asOf: string): number {
  const end = monthIndex(asOf.slice(0, 7));
  const spans = workHistory
    .map((w) => [monthIndex(w.from), Math.min(w.to ? monthIndex(w.to) : end, end)] as const)
    .filter(([a, b]) => b >= a)
    .sort((x, y) => x[0] - y[0]);
  let months = 0;
  let curStart = -1;
  let curEnd = -2;
  for (const [a, b] of spans) {
    if (a > curEnd + 1) {
      if (curEnd >= curStart && curStart >= 0) months += curEnd - curStart + 1;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) {
      curEnd = b;
    }
  }
  if (curStart >= 0 && curEnd >= curStart) months += curEnd - curStart + 1;
  return Math.round((months / 12) * 10) / 10;
}

/** Rule 5 (medium, high from a 3-year gap): claimed years that the work history's dates do not support. */
export function experienceYearsUnsupported({ resume, interview }: CheckInput): TDiscrepancy[] {
  const supported = supportedExperienceYears(resume.workHistory, interview.completedAt);
  // Rounded so that e.g. 4.9 - 3.9 (1.0000000000000004 in floating point) counts as exactly 1.
  const gap = Math.round((resume.experienceYears - supported) * 1e6) / 1e6;
  if (gap <= EXPERIENCE_TOLERANCE_YEARS) return [];
  return [
    {
      id: discrepancyId('experience_years_unsupported', 'experience'),
      rule: 'experience_years_unsupported',
      severity: gap >= EXPERIENCE_HIGH_GAP_YEARS ? 'high' : 'medium',
      subject: 'experienceYears',
      message: `The resume claims ${resume.experienceYears} years of experience; the work history's dates support ${supported}.`,
      evidence: {
        resume: { experienceYears: resume.experienceYears, workHistoryYears: supported },
        interview: { asOf: interview.completedAt.slice(0, 10) },
      },
    },
  ];
}

export const DISCREPANCY_RULES = [
  claimedSkillFailed,
  requiredCompetencyNoEvidence,
  experienceYearsUnsupported,
  skillNotTested,
  keywordUnsupported,
] as const;

const SEVERITY_ORDER: Record<TSeverity, number> = { high: 0, medium: 1, info: 2 };

/** Every discrepancy, most severe first; ids are unique. */
export function findDiscrepancies(input: CheckInput): TDiscrepancy[] {
  const all = DISCREPANCY_RULES.flatMap((rule) => rule(input));
  const unique = new Map<string, TDiscrepancy>();
  for (const d of all) if (!unique.has(d.id)) unique.set(d.id, d);
  return [...unique.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

export const RESOLUTIONS = ['confirmed', 'dismissed', 'retest'] as const;
export type TResolution = (typeof RESOLUTIONS)[number];
