import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgSequence, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { applications } from './applications';

/** Employee numbers come from this sequence: never reused, whatever rolls back. */
export const employeeNumberSeq = pgSequence('employee_number_seq', { startWith: 1, increment: 1 });

export interface TTaskOutcome {
  key: string;
  assignee: string;
  /** YYYY-MM-DD; on time when completed by the end of that day (UTC), as the workflow counts it. */
  dueDate: string;
  completedAt: string | null;
}
export interface TCourseOutcome {
  key: string;
  attempts: number;
  passed: boolean;
}

export const employees = pgTable(
  'employees',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** One employee per application: the conversion is idempotent on this key. */
    applicationId: uuid('application_id')
      .notNull()
      .references(() => applications.id),
    employeeNumber: text('employee_number').notNull(),
    sequenceValue: bigint('sequence_value', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    locale: text('locale').notNull(),
    departmentId: uuid('department_id').notNull(),
    jobId: uuid('job_id').notNull(),
    position: text('position').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    mentorUserId: uuid('mentor_user_id'),
    status: text('status').notNull().$type<'onboarding' | 'active' | 'ended'>().default('onboarding'),
    offerVersion: integer('offer_version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    hiredAt: timestamp('hired_at', { withTimezone: true }),
    /** Each task's due date and completion, and each course's attempts, written when onboarding completes. */
    taskOutcomes: jsonb('task_outcomes').$type<TTaskOutcome[]>(),
    courseOutcomes: jsonb('course_outcomes').$type<TCourseOutcome[]>(),
    /** Any change to the row (status, hire); GET /v1/employees?updatedSince= reads it. */
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('employees_application_key').on(t.applicationId),
    uniqueIndex('employees_number_key').on(t.employeeNumber),
    index('employees_department_idx').on(t.departmentId),
    // The onboarding report: new hires started in a period.
    index('employees_created_idx').on(t.createdAt, t.jobId, t.departmentId),
    index('employees_updated_idx').on(t.updatedAt, t.id),
    index('employees_mentor_idx').on(t.mentorUserId).where(sql`mentor_user_id is not null`),
  ],
);

/** Documents the new hire uploaded through their portal link, stored by content hash. */
export const employeeDocuments = pgTable(
  'employee_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    employeeId: uuid('employee_id')
      .notNull()
      .references(() => employees.id),
    kind: text('kind').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    status: text('status').notNull().$type<'submitted' | 'rejected'>().default('submitted'),
    rejectReason: text('reject_reason'),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('employee_documents_employee_idx').on(t.employeeId, t.uploadedAt)],
);
