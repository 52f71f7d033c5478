import { z } from 'zod';
import {
  ZCurrencySchema,
  ZDurationSchema,
  ZIdSchema,
  ZPeriodSchema,
  ZScore100Schema,
  ZShortTextSchema,
} from './common';

/** Tolerance when checking that two weights sum to 1 (0.4 + 0.6 is not exactly 1 in floating point). */
const WEIGHT_SUM_TOLERANCE = 1e-6;

export const ZWeightsSchema = z
  .object({
    ai: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    human: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  })
  .refine((w) => Math.abs(w.ai + w.human - 1) <= WEIGHT_SUM_TOLERANCE, {
    message: 'ai and human weights must sum to 1',
    path: ['human'],
  });
export type TWeights = z.infer<typeof ZWeightsSchema>;

export const ZCompetencySchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower_snake_case, starting with a letter'),
  name: ZShortTextSchema,
  weight: z.number().positive('must be greater than 0').max(1000),
  requiredLevel: ZScore100Schema,
  passScore: ZScore100Schema,
  skills: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  /** What to tell a rejected candidate who is weak here; the built-in catalogue is used otherwise. */
  suggestion: z
    .object({ en: z.string().trim().min(1).max(500).optional(), 'zh-CN': z.string().trim().min(1).max(500).optional() })
    .optional(),
});
export type TCompetency = z.infer<typeof ZCompetencySchema>;

export const ZSalaryBandSchema = z
  .object({
    min: z.number().positive('must be greater than 0'),
    max: z.number().positive('must be greater than 0'),
    currency: ZCurrencySchema,
    period: ZPeriodSchema,
  })
  .refine((b) => b.min <= b.max, { message: 'min must not be above max', path: ['min'] });
export type TSalaryBand = z.infer<typeof ZSalaryBandSchema>;

export const ZQuorumSchema = z.union([z.enum(['any', 'all']), z.number().int().min(1)]);
export type TQuorum = z.infer<typeof ZQuorumSchema>;

export const ZApprovalLevelSchema = z
  .object({
    approvers: z.array(ZIdSchema).min(1).max(20),
    quorum: ZQuorumSchema.optional(),
  })
  .superRefine((level, ctx) => {
    if (new Set(level.approvers).size !== level.approvers.length) {
      ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'approvers must be distinct' });
    }
    if (typeof level.quorum === 'number' && level.quorum > level.approvers.length) {
      ctx.addIssue({ code: 'custom', path: ['quorum'], message: 'quorum cannot exceed the number of approvers' });
    }
  });
export type TApprovalLevel = z.infer<typeof ZApprovalLevelSchema>;

export const ZJobTimersSchema = z.object({
  decisionPromise: ZDurationSchema.optional(),
  evaluationReminder: ZDurationSchema.optional(),
  approvalReminder: ZDurationSchema.optional(),
  offerReminder: ZDurationSchema.optional(),
  offerExpiry: ZDurationSchema.optional(),
});
export type TJobTimers = z.infer<typeof ZJobTimersSchema>;

export const ZOnboardingTaskSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower_snake_case'),
  title: ZShortTextSchema,
  assignee: z.enum(['candidate', 'hr', 'it', 'mentor']),
  dueDaysFromStart: z.number().int().min(-60).max(365),
  required: z.boolean().default(true),
});
export const ZCourseSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower_snake_case'),
  title: ZShortTextSchema,
  passScore: ZScore100Schema,
  required: z.boolean().default(true),
});
export const ZOnboardingTemplateSchema = z
  .object({
    tasks: z.array(ZOnboardingTaskSchema).max(100).default([]),
    courses: z.array(ZCourseSchema).max(100).default([]),
    mentorUserId: ZIdSchema.optional(),
  })
  .superRefine((t, ctx) => {
    duplicateKeys(t.tasks.map((x) => x.key)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['tasks', i, 'key'], message: 'duplicate task key' }),
    );
    duplicateKeys(t.courses.map((x) => x.key)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['courses', i, 'key'], message: 'duplicate course key' }),
    );
  });

/** Probation: months from the start date (labour law caps it at six) and reminders in business days. */
export const PROBATION_MAX_MONTHS = 6;
export const ZProbationPolicySchema = z.object({
  months: z.number().int().min(1, 'must be at least 1 month').max(PROBATION_MAX_MONTHS, `must be at most ${PROBATION_MAX_MONTHS} months`).default(3),
  reminderDays: z.number().int().min(1, 'must be at least 1 business day').max(20, 'must be at most 20 business days').default(5),
});
export type TProbationPolicy = z.infer<typeof ZProbationPolicySchema>;

export const ZEvaluationPolicySchema = z.object({
  requireHr: z.boolean().default(true),
  requireHiringManager: z.boolean().default(true),
});

/** Indexes of entries whose key already appeared earlier in the list. */
export function duplicateKeys(keys: string[]): number[] {
  const seen = new Set<string>();
  const dups: number[] = [];
  keys.forEach((k, i) => {
    if (seen.has(k)) dups.push(i);
    seen.add(k);
  });
  return dups;
}

export const ZCreateJobSchema = z
  .object({
    title: ZShortTextSchema,
    departmentId: ZIdSchema,
    competencies: z.array(ZCompetencySchema).min(1).max(50),
    weights: ZWeightsSchema.optional(),
    salaryBand: ZSalaryBandSchema,
    approvalChain: z.array(ZApprovalLevelSchema).min(1).max(10).optional(),
    aboveBandApproverUserId: ZIdSchema.optional(),
    timers: ZJobTimersSchema.optional(),
    evaluation: ZEvaluationPolicySchema.optional(),
    onboarding: ZOnboardingTemplateSchema.optional(),
    probation: ZProbationPolicySchema.optional(),
  })
  .superRefine((job, ctx) => {
    duplicateKeys(job.competencies.map((c) => c.key)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['competencies', i, 'key'], message: 'duplicate competency key' }),
    );
  });
export type TCreateJob = z.infer<typeof ZCreateJobSchema>;
export type TJob = TCreateJob & { id: string; createdAt: string };
