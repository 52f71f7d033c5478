import { date, index, integer, numeric, pgTable, text, unique, uuid, type PgColumn } from 'drizzle-orm/pg-core';
import { histogramCells } from './report-rollups';

/**
 * Rollups of the onboarding, hiring-quality and communications reports (docs/reports.md,
 * "Rollups"; migration 0016): per UTC day and per UTC month (`grain`), job and department,
 * what those reports sum over a period instead of reading every new hire, application or
 * message of it. Triggers on `employees`, `employee_documents`, `applications` and `messages`
 * keep them in the writer's own transaction (an update takes the row's old share out and puts
 * its new share in); nothing in Node writes them. A period's partial first and last days are
 * read from the facts.
 *
 * Keys that come from jsonb (assignee, competency, rule) or from a message without an
 * application (job, department) may be null: the unique keys treat nulls as equal, as the
 * reports' `group by` does.
 */

const rollupKey = () => ({
  grain: text('grain').notNull().$type<'day' | 'month'>(),
  period: date('period').notNull(),
  jobId: uuid('job_id'),
  departmentId: uuid('department_id'),
});

/** A rollup table's unique key (its period and scope, then `more`; nulls equal) and its job and department indexes. */
function scoped(name: string, t: { grain: PgColumn; period: PgColumn; jobId: PgColumn; departmentId: PgColumn }, ...more: PgColumn[]) {
  return [
    unique(`${name}_key`).on(t.grain, t.period, t.jobId, t.departmentId, ...more).nullsNotDistinct(),
    index(`${name}_job_idx`).on(t.jobId, t.grain, t.period),
    index(`${name}_dept_idx`).on(t.departmentId, t.grain, t.period),
  ];
}

/** New hires created (offer accepted) in the period: the onboarding report's counts. */
export const onboardingRollup = pgTable(
  'onboarding_rollup',
  {
    ...rollupKey(),
    started: integer('started').notNull().default(0),
    hired: integer('hired').notNull().default(0),
    /** Their documents with status `rejected`. */
    documentsRejected: integer('documents_rejected').notNull().default(0),
    coursesFirstAttempt: integer('courses_first_attempt').notNull().default(0),
    coursesAfterRetake: integer('courses_after_retake').notNull().default(0),
    coursesNotPassed: integer('courses_not_passed').notNull().default(0),
  },
  (t) => scoped('onboarding_rollup', t),
);

/** Their onboarding tasks per assignee role: completed by the end of the due day (UTC), after it, or not completed. */
export const onboardingTaskRollup = pgTable(
  'onboarding_task_rollup',
  {
    ...rollupKey(),
    assignee: text('assignee'),
    onTime: integer('on_time').notNull().default(0),
    late: integer('late').notNull().default(0),
    open: integer('open').notNull().default(0),
  },
  (t) => scoped('onboarding_task_rollup', t, t.assignee),
);

/** Seconds from acceptance (created_at) to `hired` (hired_at) as a histogram (report_duration_bucket, 1 % buckets). */
export const onboardingHiredHistogram = pgTable(
  'onboarding_hired_histogram',
  {
    ...rollupKey(),
    ...histogramCells(),
  },
  (t) => scoped('onboarding_hired_histogram', t, t.bucket),
);

/**
 * Applications received in the period: AI against human score per competency, as exact
 * sums (numeric) and counts, so the means are the sums over the counts. `evaluated` counts
 * dimensions with a human score; the AI mean is over those with an AI score too.
 */
export const qualityAgreementRollup = pgTable(
  'quality_agreement_rollup',
  {
    ...rollupKey(),
    competency: text('competency'),
    evaluated: integer('evaluated').notNull().default(0),
    sumHuman: numeric('sum_human').notNull().default('0'),
    /** How many of those had an AI score too: the count behind the AI mean and the gaps. */
    nAi: integer('n_ai').notNull().default(0),
    sumAi: numeric('sum_ai').notNull().default('0'),
    /** Sums of human − AI and of its absolute value. */
    sumGap: numeric('sum_gap').notNull().default('0'),
    sumAbsGap: numeric('sum_abs_gap').notNull().default('0'),
    humanHigher: integer('human_higher').notNull().default(0),
    humanLower: integer('human_lower').notNull().default(0),
    equal: integer('equal').notNull().default(0),
  },
  (t) => scoped('quality_agreement_rollup', t, t.competency),
);

/** Applications received in the period: discrepancies found per rule, how many high, and HR's resolutions. */
export const qualityDiscrepancyRollup = pgTable(
  'quality_discrepancy_rollup',
  {
    ...rollupKey(),
    rule: text('rule'),
    found: integer('found').notNull().default(0),
    high: integer('high').notNull().default(0),
    confirmed: integer('confirmed').notNull().default(0),
    dismissed: integer('dismissed').notNull().default(0),
    retest: integer('retest').notNull().default(0),
    unresolved: integer('unresolved').notNull().default(0),
  },
  (t) => scoped('quality_discrepancy_rollup', t, t.rule),
);

/**
 * Messages created in the period per template, language and channel: the communications
 * report's counts. Job and department are the message's application's (null without one:
 * such messages count only when no job or department is asked for).
 */
export const communicationRollup = pgTable(
  'communication_rollup',
  {
    ...rollupKey(),
    template: text('template').notNull(),
    locale: text('locale').notNull(),
    channel: text('channel').notNull(),
    created: integer('created').notNull().default(0),
    /** Status `sent` or `opened`. */
    sent: integer('sent').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** With `opened_at`. */
    opened: integer('opened').notNull().default(0),
  },
  (t) => scoped('communication_rollup', t, t.template, t.locale, t.channel),
);
