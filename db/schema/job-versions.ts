import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TCreateJob } from '../../domain/contracts/job';
import { jobs } from './jobs';

/**
 * Every definition a job has had. Applications take the definition in force when they are
 * submitted (the workflow's input carries it), so a later change never reaches a running
 * workflow; this table says which model was in force when.
 */
export const jobVersions = pgTable(
  'job_versions',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<TCreateJob>().notNull(),
    /** Which top-level fields changed from the previous version. */
    changed: text('changed').array().notNull(),
    changedBy: uuid('changed_by'),
    changedByName: text('changed_by_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.version] })],
);
