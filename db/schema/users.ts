
import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    email: text('email').notNull().unique(),
    roles: text('roles').array().notNull(),
    departmentId: uuid('department_id'),
    /**
     * SHA-256 of the token from before API keys existed. Authentication reads `api_keys`
     * only (a migration copied these hashes there as each user's first key); kept nullable
     * so old rows and fixtures still load.
     */
    tokenHash: text('token_hash').unique(),
    /** A deactivated user's keys and sessions stop working on the next request. */
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('users_department_idx').on(t.departmentId), index('users_roles_gin').using('gin', t.roles)],
);
