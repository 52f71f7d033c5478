/**
 * What a person still owes, found from the database mirror of the workflows: pending
 * offer approvals (approval_items, the approvals inbox), evaluations of their
 * department's applications waiting in evaluation (when they are a hiring manager),
 * onboarding of the new hires they mentor, the departments they manage (default approver
 * and mentor) and the open jobs that name them (approval chain, above-band approver,
 * mentor). Used when a user is deactivated, so HR can hand each one on.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { applications, approvalItems, departments, employees, jobs } from '../schema';

export type TOwedKind = 'approval' | 'evaluation' | 'mentoring' | 'department_manager' | 'job_reference';

export interface TOwedAction {
  kind: TOwedKind;
  what: string;
  /** API path of the thing to reassign (prefix it with PUBLIC_URL for a link). */
  path: string;
  applicationId?: string;
}

export async function actionsOwedBy(
  db: Db,
  user: { id: string; roles: readonly string[]; departmentId: string | null },
): Promise<TOwedAction[]> {
  const out: TOwedAction[] = [];
  const approvals = await db
    .select({ applicationId: approvalItems.applicationId, version: approvalItems.version, level: approvalItems.level, candidateName: applications.candidateName, jobTitle: jobs.title })
    .from(approvalItems)
    .innerJoin(applications, eq(applications.id, approvalItems.applicationId))
    .innerJoin(jobs, eq(jobs.id, applications.jobId))
    .where(and(eq(approvalItems.userId, user.id), eq(approvalItems.status, 'pending')))
    .orderBy(approvalItems.dueAt);
  for (const a of approvals) {
    out.push({
      kind: 'approval',
      what: `Approve the offer (version ${a.version}, level ${a.level + 1}) for ${a.candidateName}, ${a.jobTitle}: delegate it (POST …/offer/approvals/delegate)`,
      path: `/v1/applications/${a.applicationId}`,
      applicationId: a.applicationId,
    });
  }
  if (user.roles.includes('hiring_manager') && user.departmentId) {
    const waiting = await db
      .select({ id: applications.id, candidateName: applications.candidateName, jobTitle: jobs.title })
      .from(applications)
      .innerJoin(jobs, eq(jobs.id, applications.jobId))
      .where(and(eq(applications.departmentId, user.departmentId), eq(applications.stage, 'evaluation')))
      .orderBy(applications.createdAt);
    for (const a of waiting) {
      out.push({ kind: 'evaluation', what: `Evaluate ${a.candidateName}, ${a.jobTitle}`, path: `/v1/applications/${a.id}`, applicationId: a.id });
    }
  }
  const mentees = await db
    .select({ id: employees.id, applicationId: employees.applicationId, number: employees.employeeNumber })
    .from(employees)
    .where(and(eq(employees.mentorUserId, user.id), eq(employees.status, 'onboarding')));
  for (const e of mentees) {
    out.push({ kind: 'mentoring', what: `Mentor of new hire ${e.number} (their mentor tasks and milestones)`, path: `/v1/employees/${e.id}`, applicationId: e.applicationId });
  }
  const managed = await db.select({ id: departments.id, name: departments.name }).from(departments).where(eq(departments.managerUserId, user.id));
  for (const d of managed) {
    out.push({ kind: 'department_manager', what: `Manager of the department ${d.name} (default approver and mentor): PATCH /v1/departments/${d.id}`, path: `/v1/departments/${d.id}` });
  }
  const naming = await db
    .select({ id: jobs.id, title: jobs.title })
    .from(jobs)
    .where(
      and(
        inArray(jobs.status, ['open']),
        sql`(jsonb_path_exists(${jobs.definition}, '$.approvalChain[*].approvers[*] ? (@ == $id)', jsonb_build_object('id', ${user.id}::text))
          or ${jobs.definition}->>'aboveBandApproverUserId' = ${user.id}
          or ${jobs.definition}->'onboarding'->>'mentorUserId' = ${user.id})`,
      ),
    );
  for (const j of naming) {
    out.push({ kind: 'job_reference', what: `Named in the job ${j.title} (approval chain or mentor): PATCH /v1/jobs/${j.id}`, path: `/v1/jobs/${j.id}` });
  }
  return out;
}
