import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications';
import { histogramCells, rollupKey } from './report-rollups';

/**
 * The decision-promise and offers reports' rollups (docs/reports.md, "Rollups"), kept by
 * triggers (migration 0017) in the transaction of the write they count; nothing in Node
 * writes them. Each report has two layers:
 *
 * - a per-fact ledger (`decision_promises`, one row per application with a promise;
 *   `offer_report_facts`, one row per sent offer version) holding that fact's figures as they
 *   were last counted, so an update or delete takes out exactly what was put in, whatever
 *   else changed in the same statement (an offer's salary change depends on the version before
 *   it, a promise's outcome on stage changes of its application);
 * - per UTC day and month (`grain`), job and department, the sums of the ledger rows: counts,
 *   sums, maxima, and a duration histogram for the percentiles (report_duration_bucket, 1 %).
 *
 * A promise still open (undecided, not withdrawn) is not rolled up: whether it is late depends
 * on the time of the request, so the report reads open promises from the ledger's partial index.
 */

/**
 * Every application with a decision promise: when it fell due, the decision (the first move
 * out of evaluation or decision into rejected or offer drafting) and whether it was withdrawn,
 * mirrored from `applications` and `stage_transitions` by their triggers.
 */
export const decisionPromises = pgTable(
  'decision_promises',
  {
    applicationId: uuid('application_id')
      .primaryKey()
      .references(() => applications.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id').notNull(),
    departmentId: uuid('department_id').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    withdrawn: boolean('withdrawn').notNull().default(false),
    /** Decided after the promise: by how many seconds (fixed once decided); null otherwise. */
    lateSeconds: doublePrecision('late_seconds').generatedAlwaysAs(
      sql`case when decided_at > due_at then extract(epoch from decided_at - due_at)::float8 end`,
    ),
  },
  (t) => [
    // A period's partial days (every promise falling due in them, settled or not).
    index('decision_promises_due_idx').on(t.dueAt, t.jobId, t.departmentId).where(sql`decided_at is not null or withdrawn`),
    // Open promises: their count, lateness and place in the late list depend on the request's now.
    index('decision_promises_open_idx').on(t.dueAt, t.jobId, t.departmentId, t.applicationId).where(sql`decided_at is null and not withdrawn`),
    // The late list's decided rows, most late first: read until 200 fall in the period.
    index('decision_promises_late_idx')
      .on(t.lateSeconds.desc(), t.applicationId, t.dueAt, t.jobId, t.departmentId, t.decidedAt)
      .where(sql`decided_at > due_at`),
    // ...and by due time, for a short period or one job, whichever the planner finds cheaper.
    index('decision_promises_late_due_idx')
      .on(t.dueAt, t.jobId, t.departmentId, t.lateSeconds, t.applicationId, t.decidedAt)
      .where(sql`decided_at > due_at`),
  ],
);

/** Settled promises (decided, or withdrawn undecided) per the day and month they fell due. */
export const decisionPromiseRollup = pgTable(
  'decision_promise_rollup',
  {
    ...rollupKey(),
    kept: integer('kept').notNull().default(0),
    late: integer('late').notNull().default(0),
    withdrawn: integer('withdrawn').notNull().default(0),
    /** The largest lateness (exact; recomputed from the ledger when that promise is taken out). */
    lateMaxSeconds: doublePrecision('late_max_seconds'),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId] }),
    index('decision_promise_rollup_job_idx').on(t.jobId, t.grain, t.period),
    index('decision_promise_rollup_dept_idx').on(t.departmentId, t.grain, t.period),
  ],
);

/** Lateness of promises decided late, as stageStayHistogram. */
export const decisionLatenessHistogram = pgTable(
  'decision_lateness_histogram',
  {
    ...rollupKey(),
    ...histogramCells(),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId, t.bucket] }),
    index('decision_lateness_histogram_job_idx').on(t.jobId, t.grain, t.period),
    index('decision_lateness_histogram_dept_idx').on(t.departmentId, t.grain, t.period),
  ],
);

/**
 * Every sent offer version's figures for the offers report, as last counted: mirrored from
 * `offer_versions` (and its application's job and department) by their triggers.
 */
export const offerReportFacts = pgTable(
  'offer_report_facts',
  {
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    jobId: uuid('job_id').notNull(),
    departmentId: uuid('department_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    status: text('status').notNull(),
    viewed: boolean('viewed').notNull(),
    /** responded_at − sent_at; null while unanswered. */
    answerSeconds: doublePrecision('answer_seconds'),
    answeredBeforeReminder: boolean('answered_before_reminder').notNull(),
    answeredAfterReminder: boolean('answered_after_reminder').notNull(),
    acceptedBeforeReminder: boolean('accepted_before_reminder').notNull(),
    acceptedAfterReminder: boolean('accepted_after_reminder').notNull(),
    /** A revision (version > 1): its salary against the version before; null when either has none. */
    salaryChange: doublePrecision('salary_change'),
  },
  (t) => [
    primaryKey({ columns: [t.applicationId, t.version] }),
    // A period's partial days.
    index('offer_report_facts_sent_idx').on(t.sentAt, t.jobId, t.departmentId),
  ],
);

/** Offer versions sent in the day or month: the offers report's counts and sums. */
export const offerRollup = pgTable(
  'offer_rollup',
  {
    ...rollupKey(),
    sent: integer('sent').notNull().default(0),
    viewed: integer('viewed').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    declined: integer('declined').notNull().default(0),
    expired: integer('expired').notNull().default(0),
    superseded: integer('superseded').notNull().default(0),
    answeredBeforeReminder: integer('answered_before_reminder').notNull().default(0),
    answeredAfterReminder: integer('answered_after_reminder').notNull().default(0),
    acceptedBeforeReminder: integer('accepted_before_reminder').notNull().default(0),
    acceptedAfterReminder: integer('accepted_after_reminder').notNull().default(0),
    revisions: integer('revisions').notNull().default(0),
    /** Revisions with a salary change, and the changes' sum (numeric: exact under + and −), min and max. */
    salaryChanges: integer('salary_changes').notNull().default(0),
    salaryChangeSum: numeric('salary_change_sum').notNull().default('0'),
    salaryChangeMin: doublePrecision('salary_change_min'),
    salaryChangeMax: doublePrecision('salary_change_max'),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId] }),
    index('offer_rollup_job_idx').on(t.jobId, t.grain, t.period),
    index('offer_rollup_dept_idx').on(t.departmentId, t.grain, t.period),
  ],
);

/** Time from sending to the answer (accepted or declined), as stageStayHistogram. */
export const offerAnswerHistogram = pgTable(
  'offer_answer_histogram',
  {
    ...rollupKey(),
    ...histogramCells(),
  },
  (t) => [
    primaryKey({ columns: [t.grain, t.period, t.jobId, t.departmentId, t.bucket] }),
    index('offer_answer_histogram_job_idx').on(t.jobId, t.grain, t.period),
    index('offer_answer_histogram_dept_idx').on(t.departmentId, t.grain, t.period),
  ],
);
