import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TInterview, TResume } from '../../domain/contracts/application';
import { jobs } from './jobs';
import { departments } from './departments';

export interface TDiscrepancyOutcome {
  id: string;
  rule: string;
  severity: string;
  resolution: 'confirmed' | 'dismissed' | 'retest' | null;
}
export interface TDimensionOutcome {
  key: string;
  ai: number;
  human: number | null;
}

/**
 * `column` holds a non-empty JSON array: the applications that can count in the hiring-quality
 * report. The partial indexes below and the report's statements (db/queries/reports.ts) use
 * this one text, so the planner can match them; `column` may carry a table alias.
 */
export const nonEmptyJsonArray = (column: string) => sql.raw(`jsonb_typeof(${column}) = 'array' and ${column} <> '[]'::jsonb`);

export const applications = pgTable(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    externalId: text('external_id'),
    /** SHA-256 of the canonical request body; a repeat with another body is a conflict. */
    requestHash: text('request_hash').notNull(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    workflowId: text('workflow_id').notNull().unique(),
    candidateName: text('candidate_name').notNull(),
    candidateEmail: text('candidate_email').notNull(),
    candidatePhone: text('candidate_phone'),
    locale: text('locale').notNull(),
    resume: jsonb('resume').$type<TResume>().notNull(),
    interview: jsonb('interview').$type<TInterview>().notNull(),
    accuracy: numeric('accuracy', { precision: 5, scale: 4, mode: 'number' }).notNull(),
    /** Mirror of the workflow's stage, for lists and reports; the workflow owns the truth. */
    stage: text('stage').notNull().default('received'),
    /** Order of the workflow's stage changes; a late mirror write never overwrites a newer stage. */
    stageSeq: integer('stage_seq').notNull().default(0),
    matchScore: numeric('match_score', { precision: 6, scale: 3, mode: 'number' }),
    aiScore: numeric('ai_score', { precision: 6, scale: 3, mode: 'number' }),
    humanScore: numeric('human_score', { precision: 6, scale: 3, mode: 'number' }),
    compositeScore: numeric('composite_score', { precision: 6, scale: 3, mode: 'number' }),
    /** What the ranking orders by: the composite once there is one, the match score before. */
    rankScore: numeric('rank_score', { precision: 6, scale: 3, mode: 'number' }).generatedAlwaysAs(
      sql`coalesce(composite_score, match_score)`,
    ),
    /** The decision promise to the candidate (the workflow's), mirrored with the first stage change. */
    decisionDueAt: timestamp('decision_due_at', { withTimezone: true }),
    /** The two-way check's findings and HR's resolutions, mirrored with each stage change. */
    discrepancies: jsonb('discrepancies').$type<TDiscrepancyOutcome[]>(),
    /** AI and human score per competency, mirrored with each evaluation. */
    scoreDimensions: jsonb('score_dimensions').$type<TDimensionOutcome[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the candidate's personal data was erased (stage is then 'erased'). */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    /** The stage the application had reached when erased, for reports' counts. */
    erasedFromStage: text('erased_from_stage'),
  },
  (t) => [
    uniqueIndex('applications_external_id_key').on(t.externalId),
    // Ranking: first page read straight off the index, keyset pagination on (rank_score, id).
    index('applications_ranking_idx').on(t.jobId, t.rankScore.desc(), t.id.desc()).where(sql`rank_score is not null`),
    index('applications_job_created_idx').on(t.jobId, t.createdAt.desc(), t.id.desc()),
    index('applications_dept_created_idx').on(t.departmentId, t.createdAt.desc(), t.id.desc()),
    index('applications_stage_created_idx').on(t.stage, t.createdAt.desc(), t.id.desc()),
    index('applications_created_idx').on(t.createdAt.desc(), t.id.desc()),
    // Sync: GET /v1/applications?updatedSince= reads in update order.
    index('applications_updated_idx').on(t.updatedAt, t.id),
    index('applications_job_accuracy_idx').on(t.jobId, t.accuracy),
    // The decision-promise report: promises falling in a period, per job or department (index-only).
    index('applications_decision_due_idx').on(t.decisionDueAt, t.jobId, t.departmentId, t.id).where(sql`decision_due_at is not null`),
    // The hiring-quality report's partial days: only the applications that can count (evaluated
    // by a person, or with discrepancies), among a day's thousands of new ones (migration 0019).
    index('applications_scored_created_idx').on(t.createdAt).where(nonEmptyJsonArray('score_dimensions')),
    index('applications_discrepant_created_idx').on(t.createdAt).where(nonEmptyJsonArray('discrepancies')),
  ],
);

/** One row per interview question answered, so question statistics are one indexed aggregate. */
export const interviewAnswers = pgTable(
  'interview_answers',
  {
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id').notNull(),
    questionId: text('question_id').notNull(),
    skill: text('skill').notNull(),
    correct: boolean('correct').notNull(),
    /** The level the candidate's resume claims for this question's skill, if any. */
    claimedLevel: text('claimed_level'),
  },
  (t) => [index('interview_answers_job_question_idx').on(t.jobId, t.questionId)],
);

export const matchReports = pgTable('match_reports', {
  applicationId: uuid('application_id')
    .primaryKey()
    .references(() => applications.id, { onDelete: 'cascade' }),
  report: jsonb('report').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
