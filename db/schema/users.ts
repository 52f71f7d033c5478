
import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    email: text('email').notNull().unique(),
    roles: text('roles').array().notNull(),
    departmentId: uuid('department_id'),
    /** SHA-256 of the API token, hex; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('users_department_idx').on(t.departmentId), index('users_roles_gin').using('gin', t.roles)],
);
