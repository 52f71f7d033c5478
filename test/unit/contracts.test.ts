import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ZCreateApplicationSchema } from '../../domain/contracts/application';
import { ZCreateJobSchema, duplicateKeys } from '../../domain/contracts/job';

const DEPT = '3f1c2a9e-5b7d-4e21-9c3a-8d4f6b2e1a70';
const U1 = '0b6f3c2d-1e4a-4b5c-8d7e-9f0a1b2c3d4e';
const U2 = '7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f';
const U3 = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

type Job = z.input<typeof ZCreateJobSchema>;
type Application = z.input<typeof ZCreateApplicationSchema>;

function validJob(): Job {
  return {
    title: 'Backend Engineer',
    departmentId: DEPT,
    competencies: [
      {
        key: 'programming',
        name: 'Programming',
        weight: 3,
        requiredLevel: 70,
        passScore: 60,
        skills: ['TypeScript', 'SQL'],
      },
      { key: 'teamwork', name: 'Teamwork', weight: 1, requiredLevel: 50, passScore: 40 },
    ],
    weights: { ai: 0.4, human: 0.6 },
    salaryBand: { min: 300000, max: 450000, currency: 'CNY', period: 'year' },
    approvalChain: [
      { approvers: [U1, U2], quorum: 2 },
      { approvers: [U3], quorum: 'any' },
    ],
    timers: { decisionPromise: '3bd', offerReminder: '3d', offerExpiry: '7d' },
  };
}

function validApplication(): Application {
  return {
    externalId: 'ats-42',
    jobId: DEPT,
    candidate: { name: 'Li Wei', email: 'li.wei@example.com', phone: '+8613800000000', locale: 'zh-CN' },
    resume: {
      skills: [{ name: 'Python', level: 'expert', years: 5 }],
      experienceYears: 5,
      workHistory: [{ company: 'Acme', title: 'Engineer', from: '2021-01', to: '2025-12' }],
      projects: [{ name: 'Search', summary: 'Search service', skills: ['Python'] }],
      certificates: [],
      education: [{ school: 'Tsinghua', degree: 'BSc', field: 'Computer Science', year: 2020 }],
    },
    interview: {
      completedAt: '2026-03-15T10:00:00Z',
      accuracy: 0.75,
      questions: [{ id: 'q1', skill: 'Python', correct: true }],
      skillScores: { Python: 82 },
      competencyScores: { programming: 80 },
      behavior: { eyeContact: 0.8, toneVariation: 0.6 },
      keywordsMatched: ['Python'],
      recordingUrl: 'https://recordings.example.com/r/1',
    },
  };
}

/** The paths of every issue, dotted: "competencies.2.key". */
function issuePaths(result: { success: boolean; error?: z.ZodError }): string[] {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
}

describe('ZCreateJobSchema', () => {
  it('accepts a valid job and fills defaults', () => {
    const r = ZCreateJobSchema.safeParse(validJob());
    expect(r.success).toBe(true);
    expect(r.data?.competencies[1]?.skills).toEqual([]);
  });

  it('accepts the boundaries 0 and 100 for required level and pass score', () => {
    const job = validJob();
    job.competencies[0] = { ...job.competencies[0]!, requiredLevel: 0, passScore: 100 };
    job.competencies[1] = { ...job.competencies[1]!, requiredLevel: 100, passScore: 0 };
    expect(ZCreateJobSchema.safeParse(job).success).toBe(true);
  });

  it('refuses a duplicate competency key at the later entry', () => {
    const job = validJob();
    job.competencies.push({ key: 'programming', name: 'Again', weight: 1, requiredLevel: 10, passScore: 10 });
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['competencies.2.key']);
  });

  it.each([0, -1])('refuses a competency weight of %d', (weight) => {
    const job = validJob();
    job.competencies[1] = { ...job.competencies[1]!, weight };
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['competencies.1.weight']);
  });

  it.each([
    ['requiredLevel', -1],
    ['requiredLevel', 101],
    ['passScore', -0.5],
    ['passScore', 100.5],
  ] as const)('refuses %s = %d', (field, value) => {
    const job = validJob();
    job.competencies[0] = { ...job.competencies[0]!, [field]: value };
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual([`competencies.0.${field}`]);
  });

  it('refuses a salary band whose min is above its max, at salaryBand.min', () => {
    const job = validJob();
    job.salaryBand = { ...job.salaryBand, min: 500000, max: 400000 };
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['salaryBand.min']);
  });

  it('accepts a salary band with min equal to max', () => {
    const job = validJob();
    job.salaryBand = { ...job.salaryBand, min: 400000, max: 400000 };
    expect(ZCreateJobSchema.safeParse(job).success).toBe(true);
  });

  it('refuses ai and human weights that do not sum to 1', () => {
    const job = validJob();
    job.weights = { ai: 0.5, human: 0.6 };
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['weights.human']);
    job.weights = { ai: 0.3, human: 0.6 };
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['weights.human']);
  });

  it('accepts weights that sum to 1 up to floating-point error', () => {
    const job = validJob();
    job.weights = { ai: 0.7, human: 0.3 };
    expect(ZCreateJobSchema.safeParse(job).success).toBe(true);
    job.weights = { ai: 0.1 + 0.2, human: 0.7 };
    expect(ZCreateJobSchema.safeParse(job).success).toBe(true);
  });

  it('refuses a quorum larger than the number of approvers', () => {
    const job = validJob();
    job.approvalChain = [{ approvers: [U1, U2], quorum: 3 }];
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['approvalChain.0.quorum']);
  });

  it('refuses the same approver twice in one level', () => {
    const job = validJob();
    job.approvalChain = [{ approvers: [U3] }, { approvers: [U1, U1] }];
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['approvalChain.1.approvers']);
  });

  it('refuses a malformed duration in timers', () => {
    const job = validJob();
    job.timers = { offerExpiry: '7 days' };
    expect(issuePaths(ZCreateJobSchema.safeParse(job))).toEqual(['timers.offerExpiry']);
  });
});

describe('duplicateKeys', () => {
  it('lists the indexes of repeats after their first occurrence', () => {
    expect(duplicateKeys(['a', 'b', 'a', 'c', 'b', 'a'])).toEqual([2, 4, 5]);
    expect(duplicateKeys(['a', 'b'])).toEqual([]);
  });
});

describe('ZCreateApplicationSchema', () => {
  it('accepts a valid application', () => {
    expect(ZCreateApplicationSchema.safeParse(validApplication()).success).toBe(true);
  });

  it.each([1.5, -0.1])('refuses an accuracy of %d at interview.accuracy', (accuracy) => {
    const app = validApplication();
    app.interview = { ...app.interview, accuracy };
    expect(issuePaths(ZCreateApplicationSchema.safeParse(app))).toEqual(['interview.accuracy']);
  });

  it('refuses a bad e-mail at candidate.email', () => {
    const app = validApplication();
    app.candidate = { ...app.candidate, email: 'li.wei-at-example.com' };
    expect(issuePaths(ZCreateApplicationSchema.safeParse(app))).toEqual(['candidate.email']);
  });

  it('refuses a work history period ending before it starts at resume.workHistory.<i>.to', () => {
    const app = validApplication();
    app.resume.workHistory.push({ company: 'Beta', title: 'Lead', from: '2022-06', to: '2021-01' });
    expect(issuePaths(ZCreateApplicationSchema.safeParse(app))).toEqual(['resume.workHistory.1.to']);
  });

  it('accepts a period that starts and ends in the same month', () => {
    const app = validApplication();
    app.resume.workHistory = [{ company: 'Beta', title: 'Lead', from: '2022-06', to: '2022-06' }];
    expect(ZCreateApplicationSchema.safeParse(app).success).toBe(true);
  });

  it('refuses a skill score above 100 at interview.skillScores.<skill>', () => {
    const app = validApplication();
    app.interview = { ...app.interview, skillScores: { Python: 82, SQL: 101 } };
    expect(issuePaths(ZCreateApplicationSchema.safeParse(app))).toEqual(['interview.skillScores.SQL']);
  });

  it('refuses a phone number not in international format', () => {
    const app = validApplication();
    app.candidate = { ...app.candidate, phone: '13800000000' };
    expect(issuePaths(ZCreateApplicationSchema.safeParse(app))).toEqual(['candidate.phone']);
  });
});
