import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('jobs_department_idx').on(t.departmentId)],
);
