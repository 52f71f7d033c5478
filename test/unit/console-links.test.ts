import { describe, expect, it } from 'vitest';
import { consoleLink, staffLinkFor } from '../../activities/notifications/console-links';
import { STAFF_ACTIONS, type TStaffAction } from '../../activities/notifications/templates/action-required';

const URL_BASE = 'https://hire.example.com';
const ID = '5b0e8f7e-2a51-4a43-9d0c-7f1f7cf7a001';

describe('deep links in staff e-mails', () => {
  it('sends each kind of action to the candidate page section where it is done', () => {
    const expected: Record<TStaffAction, string> = {
      discrepancy_review: 'discrepancies',
      evaluation: 'evaluation',
      decision: 'decision',
      offer_draft: 'offer',
      offer_approval: 'approvals',
      onboarding_task: 'onboarding',
      course_result: 'onboarding',
      probation_check_in: 'profile',
      probation_mentor_note: 'profile',
      probation_review: 'profile',
    };
    // Every action the template knows has a section (a new action without one fails here).
    expect(Object.keys(expected).sort()).toEqual(Object.keys(STAFF_ACTIONS).sort());
    for (const [action, section] of Object.entries(expected)) {
      expect(staffLinkFor(URL_BASE, 'action_required', ID, { action })).toBe(`${URL_BASE}/app/applications/${ID}#${section}`);
    }
    expect(staffLinkFor(URL_BASE, 'decision_overdue', ID, {})).toBe(consoleLink(URL_BASE, ID, 'decision'));
    expect(staffLinkFor(URL_BASE, 'onboarding_event', ID, { event: 'task_overdue' })).toBe(consoleLink(URL_BASE, ID, 'onboarding'));
  });

  it('keeps a link the caller gave, and adds none without an application or for other templates', () => {
    expect(staffLinkFor(URL_BASE, 'action_required', ID, { action: 'evaluation', link: 'https://elsewhere.example.com/x' })).toBeUndefined();
    expect(staffLinkFor(URL_BASE, 'action_required', null, { action: 'evaluation' })).toBeUndefined();
    expect(staffLinkFor(URL_BASE, 'reassignment_required', ID, {})).toBeUndefined();
  });
});
