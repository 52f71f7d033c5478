import { z } from 'zod';
import { ZDurationSchema, ZIdSchema, ZLocaleSchema, ZShortTextSchema } from './common';
import { ZWeightsSchema } from './job';

export const DEFAULT_TIMERS = {
  decisionPromise: '3bd',
  evaluationReminder: '2d',
  approvalReminder: '1d',
  offerReminder: '3d',
  offerExpiry: '7d',
} as const;

/** The numbers behind each evaluation rating (0-100), documented in the README. */
export const DEFAULT_RATING_SCALE = { excellent: 100, good: 75, fair: 50, poor: 25 } as const;

const ZRatingValueSchema = z.number().min(0).max(100);

export const ZSettingsDefaultsSchema = z.object({
  weights: ZWeightsSchema.default({ ai: 0.4, human: 0.6 }),
  timers: z
    .object({
      decisionPromise: ZDurationSchema.default(DEFAULT_TIMERS.decisionPromise),
      evaluationReminder: ZDurationSchema.default(DEFAULT_TIMERS.evaluationReminder),
      approvalReminder: ZDurationSchema.default(DEFAULT_TIMERS.approvalReminder),
      offerReminder: ZDurationSchema.default(DEFAULT_TIMERS.offerReminder),
      offerExpiry: ZDurationSchema.default(DEFAULT_TIMERS.offerExpiry),
    })
    .default(DEFAULT_TIMERS),
  locale: ZLocaleSchema.default('en'),
  ratingScale: z
    .object({
      excellent: ZRatingValueSchema,
      good: ZRatingValueSchema,
      fair: ZRatingValueSchema,
      poor: ZRatingValueSchema,
    })
    .refine((s) => s.excellent > s.good && s.good > s.fair && s.fair > s.poor, {
      message: 'ratings must be strictly ordered: excellent > good > fair > poor',
    })
    .default(DEFAULT_RATING_SCALE),
  /** Attempts allowed per onboarding course (the first try included). */
  courseMaxAttempts: z.number().int().min(1).max(10).default(3),
  /** How many days before a task is due its assignee is reminded. */
  taskReminderDays: z.number().int().min(0).max(30).default(1),
  employeeNumberFormat: z
    .string()
    .regex(/\{seq(:\d)?\}/, 'must contain {seq} or {seq:N}')
    .max(50)
    .default('E{year}-{seq:5}'),
});
export type TSettingsDefaults = z.infer<typeof ZSettingsDefaultsSchema>;

export const ZPutSettingsSchema = z.object({
  companyName: ZShortTextSchema,
  companyAddress: z.string().trim().min(1).max(500),
  logoPngBase64: z
    .string()
    .max(700_000, 'logo must be at most about 500 KB')
    .regex(/^iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/, 'must be a base64-encoded PNG')
    .optional(),
  generalManagerUserId: ZIdSchema,
  defaults: ZSettingsDefaultsSchema.default(ZSettingsDefaultsSchema.parse({})),
});
export type TPutSettings = z.infer<typeof ZPutSettingsSchema>;

/** What is in force before anyone has saved settings. */
export const FALLBACK_SETTINGS = {
  companyName: 'Your company',
  companyAddress: '',
  logoPngBase64: undefined,
  generalManagerUserId: undefined,
  defaults: ZSettingsDefaultsSchema.parse({}),
};
