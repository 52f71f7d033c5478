/**
 * The job form's state and the body it sends. The check is the API's own: the domain's
 * ZCreateJobSchema (domain/contracts/job.ts), which POST /v1/jobs validates with and which
 * PATCH /v1/jobs/:id runs on the job merged with the change. So the browser refuses exactly
 * what the API would (sum of the AI and human weights, ranges, key format, duplicate keys).
 */
import { ZCreateJobSchema } from '../../../../domain/contracts/job';
import { schemaIssues, type TIssue } from './validation';

export interface TCompetencyDraft {
  key: string;
  name: string;
  weight: number | null;
  requiredLevel: number | null;
  passScore: number | null;
  /** Comma-separated. */
  skills: string;
}

export interface TJobDraft {
  title: string;
  departmentId: string;
  salaryMin: number | null;
  salaryMax: number | null;
  currency: string;
  period: 'year' | 'month' | 'hour';
  ai: number | null;
  human: number | null;
  status: 'open' | 'closed';
  competencies: TCompetencyDraft[];
}

export const emptyCompetency = (): TCompetencyDraft => ({ key: '', name: '', weight: 1, requiredLevel: 60, passScore: 60, skills: '' });

export const emptyJob = (): TJobDraft => ({
  title: '',
  departmentId: '',
  salaryMin: null,
  salaryMax: null,
  currency: 'CNY',
  period: 'year',
  ai: 0.4,
  human: 0.6,
  status: 'open',
  competencies: [emptyCompetency()],
});

const num = (n: number | null) => (n === null ? undefined : n);

export function competencyBody(c: TCompetencyDraft) {
  const skills = c.skills
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { key: c.key.trim(), name: c.name, weight: num(c.weight), requiredLevel: num(c.requiredLevel), passScore: num(c.passScore), skills };
}

/** POST /v1/jobs's body. */
export function createBody(d: TJobDraft) {
  return {
    title: d.title,
    departmentId: d.departmentId,
    salaryBand: { min: num(d.salaryMin), max: num(d.salaryMax), currency: d.currency, period: d.period },
    weights: { ai: num(d.ai), human: num(d.human) },
    competencies: d.competencies.map(competencyBody),
  };
}

/** The issues POST /v1/jobs would answer for this draft (paths without `body.`). */
export function createIssues(d: TJobDraft): TIssue[] {
  return schemaIssues(ZCreateJobSchema, createBody(d));
}

/** The issues PATCH /v1/jobs/:id would answer: the job as it is, with the title and competencies changed. */
export function editIssues(current: Record<string, unknown>, d: TJobDraft): TIssue[] {
  return schemaIssues(ZCreateJobSchema, { ...current, title: d.title, competencies: d.competencies.map(competencyBody) });
}
