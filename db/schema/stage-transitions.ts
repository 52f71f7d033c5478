import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications';

/** Stages an application leaves for good without moving on; the funnel reports them apart. */
export const EXIT_STAGES = ['rejected', 'withdrawn', 'declined', 'expired'] as const;

/**
 * One row per stage change, written by the workflow's mirror activities at the change and
 * keyed by the workflow's own sequence number, so a replayed, retried or re-run activity
 * inserts nothing new. Each row is one stay in `to_stage`: `left_at` and `next_stage` are
 * filled when the following change is written, so reports read stays from one table.
 * `job_id` and `department_id` are copied from the application so that every report filter
 * is an index condition.
 */
export const stageTransitions = pgTable(
  'stage_transitions',
  {
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    fromStage: text('from_stage').notNull(),
    toStage: text('to_stage').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** The user who caused it (a withdrawal); null for the workflow itself. */
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    jobId: uuid('job_id').notNull(),
    departmentId: uuid('department_id').notNull(),
    leftAt: timestamp('left_at', { withTimezone: true }),
    nextStage: text('next_stage'),
    /**
     * Time spent in the stage, seconds, once it is left: computed by PostgreSQL when `left_at`
     * is written (the one update per stay), so the stage-times report reads its percentiles'
     * input from an index instead of computing it per row.
     */
    staySeconds: doublePrecision('stay_seconds').generatedAlwaysAs(sql`extract(epoch from (left_at - at))`),
    /** `live` (the mirror activity) or `backfill` (scripts/backfill-transitions.ts). */
    source: text('source').notNull().default('live'),
  },
  (t) => [
    primaryKey({ columns: [t.applicationId, t.seq] }),
    // Funnel and stage times by period, overall, per job or per department: index-only scans
    // (drizzle has no INCLUDE, so the carried columns are trailing key columns).
    index('stage_transitions_at_idx').on(t.at, t.toStage, t.nextStage, t.staySeconds, t.jobId, t.departmentId),
    index('stage_transitions_job_at_idx').on(t.jobId, t.at, t.toStage, t.nextStage, t.staySeconds),
    index('stage_transitions_dept_at_idx').on(t.departmentId, t.at, t.toStage, t.nextStage, t.staySeconds),
    // Who is in a stage now, and since when: only open stays, a small index.
    index('stage_transitions_open_idx')
      .on(t.toStage, t.at, t.jobId, t.departmentId)
      .where(sql`left_at is null and to_stage not in ('rejected', 'withdrawn', 'declined', 'expired', 'hired')`),
    // The decision-promise report looks up each application's decision and withdrawal.
    index('stage_transitions_decision_idx')
      .on(t.applicationId, t.at)
      .where(sql`from_stage in ('evaluation', 'decision') and to_stage in ('rejected', 'offer_drafting')`),
    index('stage_transitions_withdrawn_idx').on(t.applicationId).where(sql`to_stage = 'withdrawn'`),
  ],
);
