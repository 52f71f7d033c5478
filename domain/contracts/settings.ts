import { z } from 'zod';
import { ZDateSchema, ZDurationSchema, ZIdSchema, ZLocaleSchema, ZShortTextSchema } from './common';
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

/** An IANA time zone this runtime knows, e.g. Asia/Shanghai. */
export const ZTimeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz.length <= 64;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Asia/Shanghai or UTC' },
);

/** One year of the company's calendar: days off and make-up working days, all in that year. */
export const ZCalendarYearSchema = z
  .object({ holidays: z.array(ZDateSchema).max(366), workdays: z.array(ZDateSchema).max(366) })
  .refine((y) => !y.holidays.some((d) => y.workdays.includes(d)), { message: 'a day cannot be both a holiday and a working day' });
export type TCalendarYear = z.infer<typeof ZCalendarYearSchema>;

/** The calendar per year ('2027': {...}); a year the company has not entered falls back (settings README). */
export const ZCalendarSchema = z
  .record(z.string().regex(/^\d{4}$/, 'years are written like 2027'), ZCalendarYearSchema)
  .superRefine((cal, ctx) => {
    for (const [year, y] of Object.entries(cal)) {
      for (const [list, days] of Object.entries(y)) {
        days.forEach((d, i) => {
          if (!d.startsWith(`${year}-`)) ctx.addIssue({ code: 'custom', path: [year, list, i], message: `must be a day of ${year}` });
        });
      }
    }
  });

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
  /** The company's time zone; unset: Asia/Shanghai when the locale is zh-CN, else UTC. */
  timeZone: ZTimeZoneSchema.optional(),
  /** Public holidays and make-up working days per year; China's come from chinese-days unless entered. */
  calendar: ZCalendarSchema.default({}),
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

/** Days kept: whole days, at least one, at most ten years. */
const ZRetentionDaysSchema = z.number().int().min(1).max(3650);
export const DEFAULT_RETENTION = {
  /** Days after an application ended with each outcome before it is erased automatically. */
  afterEnd: { rejected: 180, withdrawn: 180, declined: 180, expired: 180 },
  /** Days an idempotent request's remembered response is kept. */
  idempotencyKeys: 30,
  /** Days a webhook event's payload is kept (also for GET /v1/events), once no endpoint is owed it. */
  webhookEvents: 30,
} as const;

/**
 * How long personal data is kept (docs/personal-data.md, "How long"): the retention
 * schedule erases applications that ended with one of these outcomes that many days ago,
 * and purges idempotency responses and webhook events older than theirs.
 */
export const ZRetentionSchema = z
  .object({
    afterEnd: z
      .object({
        rejected: ZRetentionDaysSchema.default(DEFAULT_RETENTION.afterEnd.rejected),
        withdrawn: ZRetentionDaysSchema.default(DEFAULT_RETENTION.afterEnd.withdrawn),
        declined: ZRetentionDaysSchema.default(DEFAULT_RETENTION.afterEnd.declined),
        expired: ZRetentionDaysSchema.default(DEFAULT_RETENTION.afterEnd.expired),
      })
      .strict()
      .default(DEFAULT_RETENTION.afterEnd),
    idempotencyKeys: ZRetentionDaysSchema.default(DEFAULT_RETENTION.idempotencyKeys),
    webhookEvents: ZRetentionDaysSchema.default(DEFAULT_RETENTION.webhookEvents),
  })
  .strict();
export type TRetention = z.infer<typeof ZRetentionSchema>;
export type TRetentionOutcome = keyof TRetention['afterEnd'];

/** PATCH /v1/settings: only what is given changes (today: retention, field by field). */
export const ZPatchSettingsSchema = z
  .object({
    retention: z
      .object({
        afterEnd: z
          .object({
            rejected: ZRetentionDaysSchema,
            withdrawn: ZRetentionDaysSchema,
            declined: ZRetentionDaysSchema,
            expired: ZRetentionDaysSchema,
          })
          .partial()
          .strict()
          .optional(),
        idempotencyKeys: ZRetentionDaysSchema.optional(),
        webhookEvents: ZRetentionDaysSchema.optional(),
      })
      .strict(),
  })
  .strict();
export type TPatchSettings = z.infer<typeof ZPatchSettingsSchema>;

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
  retention: ZRetentionSchema.default(ZRetentionSchema.parse({})),
});
export type TPutSettings = z.infer<typeof ZPutSettingsSchema>;

/** What is in force before anyone has saved settings. */
export const FALLBACK_SETTINGS = {
  companyName: 'Your company',
  companyAddress: '',
  logoPngBase64: undefined,
  generalManagerUserId: undefined,
  defaults: ZSettingsDefaultsSchema.parse({}),
  retention: ZRetentionSchema.parse({}),
};
