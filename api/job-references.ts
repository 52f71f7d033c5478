/**
 * The people a job definition names, checked against the users table: every reference must
 * be an active user, and an approver (a chain's entries, the above-band approver) must hold
 * the `approver` role or manage a department. One query for all of them; each bad entry is
 * named by its path.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { departments, users } from '../db/schema';
import type { TErrorDetail } from './errors';

export interface TJobPeople {
  approvalChain?: { approvers: string[] }[] | null | undefined;
  aboveBandApproverUserId?: string | null | undefined;
  onboarding?: { mentorUserId?: string | undefined } | null | undefined;
}

export async function jobReferenceProblems(db: Db, job: TJobPeople, prefix = 'body'): Promise<TErrorDetail[]> {
  const refs: { id: string; path: string; approver: boolean }[] = [];
  job.approvalChain?.forEach((level, i) =>
    level.approvers.forEach((id, j) => refs.push({ id, path: `${prefix}.approvalChain.${i}.approvers.${j}`, approver: true })),
  );
  if (job.aboveBandApproverUserId) refs.push({ id: job.aboveBandApproverUserId, path: `${prefix}.aboveBandApproverUserId`, approver: true });
  if (job.onboarding?.mentorUserId) refs.push({ id: job.onboarding.mentorUserId, path: `${prefix}.onboarding.mentorUserId`, approver: false });
  if (!refs.length) return [];
  const ids = [...new Set(refs.map((r) => r.id))];
  const found = await db
    .select({
      id: users.id,
      active: users.active,
      roles: users.roles,
      // Spelled out: drizzle leaves columns unqualified inside a select list, where
      // "id" would name the department's own id.
      manages: sql<boolean>`exists (select 1 from ${departments} d where d.manager_user_id = "users"."id")`,
    })
    .from(users)
    .where(inArray(users.id, ids));
  const byId = new Map(found.map((u) => [u.id, u]));
  const details: TErrorDetail[] = [];
  for (const r of refs) {
    const u = byId.get(r.id);
    if (!u) details.push({ path: r.path, message: 'no such user' });
    else if (!u.active) details.push({ path: r.path, message: 'this user is deactivated' });
    else if (r.approver && !u.roles.includes('approver') && !u.manages) {
      details.push({ path: r.path, message: 'an approver must hold the approver role or manage a department' });
    }
  }
  return details;
}
