import { z } from 'zod';
import { STAGES } from '../stages';
import {
  ZLocaleSchema,
  ZScore100Schema,
  ZShortTextSchema,
  ZUnitIntervalSchema,
  ZIdSchema,
} from './common';

const ZMonthOrDateSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'must be YYYY-MM or YYYY-MM-DD');

export const SKILL_LEVELS = ['expert', 'proficient', 'familiar'] as const;
export const ZSkillLevelSchema = z.enum(SKILL_LEVELS);
export type TSkillLevel = z.infer<typeof ZSkillLevelSchema>;

export const ZResumeSchema = z.object({
  skills: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(100),
        level: ZSkillLevelSchema,
        years: z.number().min(0).max(60).optional(),
      }),
    )
    .max(200),
  experienceYears: z.number().min(0).max(60),
  workHistory: z
    .array(
      z
        .object({
          company: ZShortTextSchema,
          title: ZShortTextSchema,
          from: ZMonthOrDateSchema,
          to: ZMonthOrDateSchema.optional(),
          summary: z.string().max(5000).optional(),
        })
        .refine((w) => w.to === undefined || w.to >= w.from, { message: 'must not be before from', path: ['to'] }),
    )
    .max(100),
  projects: z
    .array(
      z.object({
        name: ZShortTextSchema,
        summary: z.string().max(5000),
        skills: z.array(z.string().trim().min(1).max(100)).max(50),
      }),
    )
    .max(100),
  certificates: z.array(z.string().trim().min(1).max(200)).max(100),
  education: z
    .array(
      z.object({
        school: ZShortTextSchema,
        degree: ZShortTextSchema,
        field: ZShortTextSchema,
        year: z.number().int().min(1950).max(2100),
      }),
    )
    .max(20),
});
export type TResume = z.infer<typeof ZResumeSchema>;

export const ZInterviewSchema = z.object({
  completedAt: z.iso.datetime({ offset: true }),
  accuracy: ZUnitIntervalSchema,
  questions: z
    .array(z.object({ id: z.string().trim().min(1).max(100), skill: z.string().trim().min(1).max(100), correct: z.boolean() }))
    .max(500),
  skillScores: z.record(z.string().trim().min(1).max(100), ZScore100Schema),
  competencyScores: z.record(z.string().trim().min(1).max(100), ZScore100Schema),
  behavior: z.object({ eyeContact: ZUnitIntervalSchema, toneVariation: ZUnitIntervalSchema }),
  keywordsMatched: z.array(z.string().trim().min(1).max(100)).max(200),
  recordingUrl: z.url({ protocol: /^https?$/ }),
});
export type TInterview = z.infer<typeof ZInterviewSchema>;

export const ZCandidateSchema = z.object({
  name: ZShortTextSchema,
  email: z.email().max(254),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be in international format, e.g. +8613800000000')
    .optional(),
  locale: ZLocaleSchema.optional(),
});
export type TCandidate = z.infer<typeof ZCandidateSchema>;

export const ZCreateApplicationSchema = z.object({
  externalId: z.string().trim().min(1).max(200).optional(),
  jobId: ZIdSchema,
  candidate: ZCandidateSchema,
  resume: ZResumeSchema,
  interview: ZInterviewSchema,
});
export type TCreateApplication = z.infer<typeof ZCreateApplicationSchema>;

export { STAGES, TERMINAL_STAGES, type TStage } from '../stages';

export const ZStageSchema = z.enum(STAGES);
