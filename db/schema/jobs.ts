import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TCreateJob } from '../../domain/contracts/job';
import { departments } from './departments';

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    /** The whole validated job definition (competency model, band, chain, timers, templates). */
    definition: jsonb('definition').$type<TCreateJob>().notNull(),
    /** open | closed: a closed job refuses new applications (409 job_closed). */
    status: text('status').notNull().default('open'),
    /** The definition's version; every one is kept in job_versions. */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('jobs_department_idx').on(t.departmentId)],
);
