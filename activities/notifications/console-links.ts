/**
 * The console page where a staff member does what an e-mail asks of them, so the
 * `action_required` e-mail, its reminders and the overdue notices open the right place in
 * one click. Built here rather than in the workflow: the address depends on PUBLIC_URL,
 * not on workflow state, and the workflows' commands stay as recorded.
 */
import type { TStaffAction } from './templates/action-required';

/** The candidate page's section for each kind of action (web/src/features/candidates). */
const SECTION: Record<TStaffAction, string> = {
  discrepancy_review: 'discrepancies',
  evaluation: 'evaluation',
  decision: 'decision',
  offer_draft: 'offer',
  offer_approval: 'approvals',
  onboarding_task: 'onboarding',
  course_result: 'onboarding',
  // The console has no probation screen yet: the candidate page itself.
  probation_check_in: 'profile',
  probation_mentor_note: 'profile',
  probation_review: 'profile',
};

/** Templates sent to staff about one application that take a link to where the action is done. */
const LINKED_TEMPLATES: Record<string, (data: Record<string, unknown>) => string> = {
  action_required: (d) => SECTION[d.action as TStaffAction] ?? 'profile',
  decision_overdue: () => 'decision',
  onboarding_event: () => 'onboarding',
};

export function consoleLink(publicUrl: string, applicationId: string, section: string): string {
  return `${publicUrl}/app/applications/${encodeURIComponent(applicationId)}#${section}`;
}

/** The link for this staff message, or undefined when its template takes none or one was given. */
export function staffLinkFor(publicUrl: string, template: string, applicationId: string | null | undefined, data: Record<string, unknown>): string | undefined {
  const section = LINKED_TEMPLATES[template];
  if (!section || !applicationId || data.link !== undefined) return undefined;
  return consoleLink(publicUrl, applicationId, section(data));
}
