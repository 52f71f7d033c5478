import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TCourseTemplate } from '../../domain/onboarding';
import { users } from './users';

export const departments = pgTable('departments', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  managerUserId: uuid('manager_user_id')
    .notNull()
    .references(() => users.id),
  /** Courses for new hires of this department when their job names none. */
  defaultCourses: jsonb('default_courses').$type<TCourseTemplate[]>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
