import { doublePrecision, index, integer, pgTable, primaryKey, smallint, text, uuid, date } from 'drizzle-orm/pg-core';

/**
 * The reports' rollups (docs/reports.md, "Rollups"): per UTC day, ISO week (from Monday) and
 * month (`grain`) and per scope, the counts and duration histograms the funnel, stage-times
 * and approvals reports sum over a period instead of reading every fact. A scope is a job
 * (its own job and department), a department (`jobId` = ROLLUP_ALL) or everything (both
 * ROLLUP_ALL), so an unfiltered or department report reads one row per stage and period
 * instead of one per job. They are kept by statement triggers on `stage_transitions` and
 * `approval_items` (migrations 0013, 0015) in the same transaction as the write they count,
 * so they always agree with the facts; nothing in Node writes them. A period's partial first
 * and last days are read from the facts.
 */

/** The job or department of a rollup row that covers all of them (migration 0015). */
export const ROLLUP_ALL = '00000000-0000-0000-0000-000000000000';

/** Every rollup row's period (a UTC day, week or month, by its first day), job and department (or ROLLUP_ALL). */
export const rollupKey = () => ({
  grain: text('grain').notNull().$type<'day' | 'week' | 'month'>(),
  period: date('period').notNull(),
  jobId: uuid('job_id').notNull(),
  departmentId: uuid('department_id').notNull(),
});
/** A histogram row's bucket, how many durations fell in it, and their sum. */
export const histogramCells = () => ({
  bucket: smallint('bucket').notNull(),
  n: integer('n').notNull().default(0),
  sumSeconds: doublePrecision('sum_seconds').notNull().default(0),
});

/** Stays in a stage that began in the period (funnel; stage-times' `completed` and `maxSeconds`). */
export const stageRollup = pgTable(
  'stage_rollup',
  {
    ...rollupKey(),
    stage: text('stage').notNull(),
    entered: integer('entered').notNull().default(0),
    /** Left (for any stage): `entered − left` are still there. */
    left: integer('left').notNull().default(0),
    movedOn: integer('moved_on').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    withdrawn: integer('withdrawn').notNull().default(0),
    declined: integer('declined').notNull().default(0),
    expired: integer('expired').notNull().default(0),
    /** The longest finished stay (exact; recomputed from the facts when that stay is removed). */
    maxSeconds: doublePrecision('max_seconds'),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId, t.stage] }),
    index('stage_rollup_job_idx').on(t.jobId, t.grain, t.period),
    index('stage_rollup_scope_idx').on(t.departmentId, t.jobId, t.grain, t.period),
  ],
);

/**
 * Finished stays' durations as a histogram: `bucket` from report_duration_bucket() (log-spaced,
 * each bucket's top 1 % above its bottom; 0 for under a second), with how many stays fell in it
 * and the sum of their seconds (the bucket's mean is its value in a percentile).
 */
export const stageStayHistogram = pgTable(
  'stage_stay_histogram',
  {
    ...rollupKey(),
    stage: text('stage').notNull(),
    ...histogramCells(),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId, t.stage, t.bucket] }),
    // Both with every column a report reads, so a period's rows are read index-only.
    index('stage_stay_histogram_job_idx').on(t.jobId, t.grain, t.period, t.departmentId, t.stage, t.bucket, t.n, t.sumSeconds),
    index('stage_stay_histogram_scope_idx').on(t.departmentId, t.jobId, t.grain, t.period, t.stage, t.bucket, t.n, t.sumSeconds),
  ],
);

/** Approval items requested in the period, per level (0-based, as stored) and approver. */
export const approvalRollup = pgTable(
  'approval_rollup',
  {
    ...rollupKey(),
    level: integer('level').notNull(),
    userId: uuid('user_id').notNull(),
    /** Every requested item, whatever its status, so an approver with nothing decided is listed. */
    requested: integer('requested').notNull().default(0),
    approved: integer('approved').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    delegated: integer('delegated').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId, t.level, t.userId] }),
    index('approval_rollup_job_idx').on(t.jobId, t.grain, t.period),
    index('approval_rollup_scope_idx').on(t.departmentId, t.jobId, t.grain, t.period),
  ],
);

/** Request-to-decision time of approved and rejected items, as stageStayHistogram. */
export const approvalTimeHistogram = pgTable(
  'approval_time_histogram',
  {
    ...rollupKey(),
    level: integer('level').notNull(),
    userId: uuid('user_id').notNull(),
    ...histogramCells(),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId, t.level, t.userId, t.bucket] }),
    // As stageStayHistogram's: read index-only.
    index('approval_time_histogram_job_idx').on(t.jobId, t.grain, t.period, t.departmentId, t.level, t.userId, t.bucket, t.n, t.sumSeconds),
    index('approval_time_histogram_scope_idx').on(t.departmentId, t.jobId, t.grain, t.period, t.level, t.userId, t.bucket, t.n, t.sumSeconds),
  ],
);
