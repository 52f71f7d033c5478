/**
 * The reports' request filters and response shapes (GET /v1/reports/*, docs/reports.md).
 * Durations are seconds unless the field says days; rates are 0..1 with four decimals, null
 * when there is nothing to divide by.
 */
import { z } from 'zod';

export const REPORT_NAMES = ['funnel', 'stage-times', 'decision-promise', 'approvals', 'offers', 'communications', 'onboarding', 'hiring-quality'] as const;
export type TReportName = (typeof REPORT_NAMES)[number];

/** The longest period one request may cover. */
export const MAX_PERIOD_DAYS = 366;
/** Without `from`, a report covers this many days before `to`. */
export const DEFAULT_PERIOD_DAYS = 30;

const ZInstantSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be a date (YYYY-MM-DD) or a date-time with an offset',
});

export const ZReportQuerySchema = z.object({
  from: ZInstantSchema.optional(),
  /** Exclusive; a bare date includes that whole day. */
  to: ZInstantSchema.optional(),
  jobId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type TReportQuery = z.infer<typeof ZReportQuerySchema>;

const DAY_MS = 86_400_000;
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The query's period as [from, to); an error names the field. */
export function reportPeriod(q: TReportQuery, now: Date): { from: Date; to: Date } | { field: 'from' | 'to'; message: string } {
  const to = q.to ? new Date(Date.parse(q.to) + (isDate(q.to) ? DAY_MS : 0)) : now;
  const from = q.from ? new Date(Date.parse(q.from)) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) return { field: 'from', message: 'must be before to' };
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) return { field: 'to', message: `the period may cover at most ${MAX_PERIOD_DAYS} days` };
  return { from, to };
}

/**
 * Percentiles of the stage-times, approvals, decision-promise, offers and onboarding reports
 * come from duration histograms (the rollups of migrations 0013, 0015, 0016 and 0017, docs/reports.md): each is within this fraction of the exact
 * continuous percentile (`percentile_cont`) of the same durations, or within a second for
 * durations under a second. Counts and maxima are exact.
 */
export const PERCENTILE_MAX_RELATIVE_ERROR = 0.01;
/** A report's statement that its percentiles are approximate, and how far they may be off. */
const ZPercentileErrorSchema = z
  .number()
  .nullable()
  .describe(
    'null: the percentiles are exact; otherwise they come from a duration histogram and are within this fraction of the exact percentile_cont (durations under a second: within a second).',
  );

const count = z.number().int();
const secs = z.number().nullable();
const rate = z.number().nullable();
/** A duration's continuous median and 90th percentile, seconds; null when nothing was measured. */
const ZPercentileSecondsSchema = z.object({ p50Seconds: secs, p90Seconds: secs });

export const ZFunnelRowSchema = z.object({
  stage: z.string(),
  entered: count,
  movedOn: count,
  passThrough: rate,
  rejected: count,
  withdrawn: count,
  declined: count,
  expired: count,
  stillThere: count,
});
export type TFunnelRow = z.infer<typeof ZFunnelRowSchema>;

export const ZStageTimeRowSchema = z.object({
  stage: z.string(),
  completed: count,
  ...ZPercentileSecondsSchema.shape,
  maxSeconds: secs,
  current: count,
  currentP50Seconds: secs,
  currentMaxSeconds: secs,
});
export type TStageTimeRow = z.infer<typeof ZStageTimeRowSchema>;
export const ZStageTimesSchema = z.object({ percentileMaxRelativeError: ZPercentileErrorSchema, stages: z.array(ZStageTimeRowSchema) });
export type TStageTimesReport = z.infer<typeof ZStageTimesSchema>;

export const ZDecisionPromiseSchema = z.object({
  percentileMaxRelativeError: ZPercentileErrorSchema,
  due: count,
  keptInTime: count,
  late: count,
  lateOpen: count,
  pending: count,
  withdrawn: count,
  keptRate: rate,
  lateP50Seconds: secs,
  lateMaxSeconds: secs,
  lateList: z.array(
    z.object({ applicationId: z.string(), jobId: z.string(), dueAt: z.string(), decidedAt: z.string().nullable(), lateSeconds: z.number() }),
  ),
});
export type TDecisionPromiseReport = z.infer<typeof ZDecisionPromiseSchema>;

const ZApprovalTimesSchema = z.object({
  decided: count,
  approved: count,
  rejected: count,
  delegated: count,
  ...ZPercentileSecondsSchema.shape,
});
export type TApprovalTimes = z.infer<typeof ZApprovalTimesSchema>;
export const ZApprovalsSchema = z.object({
  percentileMaxRelativeError: ZPercentileErrorSchema,
  levels: z.array(ZApprovalTimesSchema.extend({ level: count })),
  approvers: z.array(ZApprovalTimesSchema.extend({ userId: z.string(), name: z.string().nullable(), remindersSent: count })),
  rejections: z.array(
    z.object({
      applicationId: z.string(),
      version: count,
      level: count,
      userId: z.string(),
      name: z.string().nullable(),
      comment: z.string().nullable(),
      decidedAt: z.string(),
    }),
  ),
});
export type TApprovalsReport = z.infer<typeof ZApprovalsSchema>;

export const ZOffersSchema = z.object({
  percentileMaxRelativeError: ZPercentileErrorSchema,
  sent: count,
  viewed: count,
  accepted: count,
  declined: count,
  expired: count,
  superseded: count,
  acceptanceRate: rate,
  answerP50Seconds: secs,
  answerP90Seconds: secs,
  answeredBeforeReminder: count,
  answeredAfterReminder: count,
  acceptedBeforeReminder: count,
  acceptedAfterReminder: count,
  revisions: count,
  salaryChangeMean: z.number().nullable(),
  salaryChangeMin: z.number().nullable(),
  salaryChangeMax: z.number().nullable(),
});
export type TOffersReport = z.infer<typeof ZOffersSchema>;

export const ZCommunicationRowSchema = z.object({
  template: z.string(),
  locale: z.string(),
  channel: z.string(),
  created: count,
  sent: count,
  failed: count,
  opened: count,
  openRate: rate,
});
export type TCommunicationRow = z.infer<typeof ZCommunicationRowSchema>;

export const ZOnboardingSchema = z.object({
  percentileMaxRelativeError: ZPercentileErrorSchema,
  started: count,
  hired: count,
  tasks: z.array(z.object({ assignee: z.string(), onTime: count, late: count, open: count })),
  documentsRejected: count,
  courses: z.object({ passedFirstAttempt: count, passedAfterRetake: count, notPassed: count }),
  acceptedToHiredP50Days: z.number().nullable(),
  acceptedToHiredP90Days: z.number().nullable(),
});
export type TOnboardingReport = z.infer<typeof ZOnboardingSchema>;

export const ZHiringQualitySchema = z.object({
  agreement: z.array(
    z.object({
      competency: z.string(),
      evaluated: count,
      meanAi: z.number(),
      meanHuman: z.number(),
      meanGap: z.number(),
      meanAbsGap: z.number(),
      humanHigher: count,
      humanLower: count,
      equal: count,
    }),
  ),
  discrepancies: z.array(
    z.object({ rule: z.string(), found: count, high: count, confirmed: count, dismissed: count, retest: count, unresolved: count }),
  ),
});
export type THiringQualityReport = z.infer<typeof ZHiringQualitySchema>;
