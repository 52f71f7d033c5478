/**
 * Who is named on an application outside their department scope: an approver of one of its
 * offer versions (not one who handed the approval on), the mentor of its new hire, and,
 * while a new hire is onboarding, IT (whose tasks are on every new hire) and any mentor
 * when the job names none. These people must see the application they act on (a 404
 * there left the general manager approving blind and IT with an empty My work), and
 * nobody else outside the department gains anything.
 */
import { and, eq, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { approvalItems, employees } from '../schema';

export interface TAssignee {
  userId: string;
  roles: readonly string[];
}

export type TAssignment = 'approver' | 'mentor' | 'it';

function employeeConditions(user: TAssignee): SQL | undefined {
  const onboarding = eq(employees.status, 'onboarding');
  const conds: (SQL | undefined)[] = [eq(employees.mentorUserId, user.userId)];
  if (user.roles.includes('it')) conds.push(onboarding);
  if (user.roles.includes('mentor')) conds.push(and(onboarding, sql`${employees.mentorUserId} is null`));
  return or(...conds);
}

/** Every application the user is named on, with why (one row per application and reason). */
export async function assignmentsOf(db: Db, user: TAssignee): Promise<{ applicationId: string; reason: TAssignment }[]> {
  const [approvals, hires] = await Promise.all([
    db
      .selectDistinct({ applicationId: approvalItems.applicationId })
      .from(approvalItems)
      .where(and(eq(approvalItems.userId, user.userId), ne(approvalItems.status, 'delegated'))),
    db
      .select({ applicationId: employees.applicationId, mentorUserId: employees.mentorUserId })
      .from(employees)
      .where(employeeConditions(user)),
  ]);
  return [
    ...approvals.map((a) => ({ applicationId: a.applicationId, reason: 'approver' as const })),
    ...hires.map((h) => ({ applicationId: h.applicationId, reason: h.mentorUserId !== user.userId && user.roles.includes('it') ? ('it' as const) : ('mentor' as const) })),
  ];
}

/** Whether the user is named on this application (see the file comment). */
export async function isAssignedTo(db: Db, user: TAssignee, applicationId: string): Promise<boolean> {
  const [approval] = await db
    .select({ one: sql<number>`1` })
    .from(approvalItems)
    .where(and(eq(approvalItems.applicationId, applicationId), eq(approvalItems.userId, user.userId), ne(approvalItems.status, 'delegated')))
    .limit(1);
  if (approval) return true;
  const [hire] = await db
    .select({ one: sql<number>`1` })
    .from(employees)
    .where(and(eq(employees.applicationId, applicationId), employeeConditions(user)))
    .limit(1);
  return !!hire;
}
