/** What the benchmark submits: the job's competency model, applications, offers, evaluations. */
import type { TCreateApplication } from '../../domain/contracts/application';
import { JOB as baseJob, strongApplication } from '../harness/actors';

export const JOB = (departmentId: string, title = 'Backend Engineer') => ({ ...baseJob(departmentId), title });

/** A strong, consistent application (no high discrepancy, so it flows straight to evaluation), its scores varied by `i`. */
export function application(jobId: string, i: number, tag: string): TCreateApplication {
  const base = strongApplication(jobId, `Bench ${tag} ${i}`, `bench.${tag}.${i}@candidates.example.com`);
  return {
    ...base,
    candidate: { ...base.candidate, locale: i % 2 ? 'en' : 'zh-CN' },
    interview: {
      ...base.interview,
      questions: [
        { id: 'q-py-1', skill: 'Python', correct: true },
        { id: 'q-py-2', skill: 'Python', correct: i % 3 !== 0 },
        { id: 'q-pg-1', skill: 'PostgreSQL', correct: true },
      ],
      skillScores: { Python: 80 + (i % 15), PostgreSQL: 70 + (i % 20), Kafka: 75, Communication: 75 },
      competencyScores: { teamwork: 70 + (i % 25) },
    },
  };
}

export const EVALUATION = {
  ratings: { programming: 'good', systems: 'good', teamwork: 'excellent' },
  recommendation: 'advance' as const,
  comment: 'Solid',
};

export function futureDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export const OFFER = () => ({
  position: 'Backend Engineer',
  salary: { amount: 300000, currency: 'CNY', period: 'year' },
  benefits: ['Health insurance', '15 days paid leave'],
  startDate: futureDate(30),
  terms: 'Probation of three months.',
});

export const PDF_BYTES = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const PNG_BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
export const JPEG_BYTES = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
