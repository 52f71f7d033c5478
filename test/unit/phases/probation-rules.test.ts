/** The probation phase's rules, without Temporal: dates on the company's calendar, alerts, who may do what, the one bounded extension. */
import { describe, expect, it } from 'vitest';
import type { TCalendar } from '../../../domain/business-days';
import * as rules from '../../../workflows/phases/probation/rules';
import { actor, AT, DEPT, hr, makeState, manager, refusal } from './state';

/** Shanghai with the 2026 National Day week off and its make-up Saturday (10 Oct) worked. */
const SHANGHAI: TCalendar = {
  timeZone: 'Asia/Shanghai',
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
};
const mentor = actor('men1', ['mentor']);
const otherManager = actor('mgr2', ['hiring_manager'], { departmentId: '00000000-0000-4000-8000-0000000000d2' });
const POLICY = { months: 3, reminderDays: 3 };

function inProbation(startDate = '2027-01-05', policy = POLICY, calendar?: TCalendar) {
  const state = makeState({ stage: 'probation', calendar });
  state.probation = rules.startProbation(startDate, policy, 'men1', calendar);
  return { state, p: state.probation };
}
const iso = (ms: number) => new Date(ms).toISOString();

describe('probation dates', () => {
  it('months from the start date, the last day the day before; a short month keeps its last day', () => {
    expect(rules.addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(rules.addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(rules.addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(rules.probationEndDate('2027-01-05', 3)).toBe('2027-04-04');
    expect(rules.latestEndDate('2027-01-05')).toBe('2027-07-04');
  });

  it('the default three months: the check-in at the middle, the review by the end of the last business day', () => {
    const { p } = inProbation();
    expect(p).toMatchObject({ startDate: '2027-01-05', endDate: '2027-04-04', checkInDate: '2027-02-18', months: 3, mentorUserId: 'men1' });
    // 4 April 2027 is a Sunday: the review is due on Friday 2 April.
    expect(rules.reviewDate(p)).toBe('2027-04-02');
  });

  it('never more than six months, whatever the policy says', () => {
    expect(rules.startProbation('2027-01-05', { months: 9, reminderDays: 3 }, null).endDate).toBe('2027-07-04');
  });

  it("counts on the company's calendar: a check-in falling in the National Day week moves to the first working day after it", () => {
    const { p } = inProbation('2026-07-05', { months: 6, reminderDays: 3 }, SHANGHAI);
    expect(p.endDate).toBe('2027-01-04');
    expect(p.checkInDate).toBe('2026-10-08');
    // due at the end of that day in Shanghai
    const checkIn = rules.probationAlerts(p, SHANGHAI).filter((a) => a.item === 'check_in');
    expect(checkIn.map((a) => [a.kind, iso(a.at)])).toEqual([
      // three business days before 8 Oct, skipping the holiday week: Monday 28 Sep, 00:00 in Shanghai
      ['remind', '2026-09-27T16:00:00.000Z'],
      ['late', '2026-10-08T16:00:00.000Z'],
    ]);
  });

  it('a make-up Saturday counts as a business day; a plain Sunday does not', () => {
    expect(rules.businessDaysBefore('2026-10-12', 2, SHANGHAI)).toBe('2026-10-09');
    expect(rules.businessDaysBefore('2026-10-12', 2)).toBe('2026-10-08');
    expect(rules.onOrAfterBusinessDay('2026-10-10', SHANGHAI)).toBe('2026-10-10');
    expect(rules.onOrAfterBusinessDay('2026-10-10')).toBe('2026-10-12');
  });
});

describe('reminders and late alerts', () => {
  it('check-in, mentor note and review each reminded then late, earliest first; each once', () => {
    const { state, p } = inProbation();
    const alerts = rules.probationAlerts(p);
    expect(alerts.map((a) => [a.key, iso(a.at)])).toEqual([
      ['remind:check_in', '2027-02-15T00:00:00.000Z'],
      ['late:check_in', '2027-02-19T00:00:00.000Z'],
      ['remind:mentor_note:2027-04-04', '2027-03-30T00:00:00.000Z'],
      ['remind:review:2027-04-04', '2027-03-30T00:00:00.000Z'],
      ['late:mentor_note:2027-04-04', '2027-04-03T00:00:00.000Z'],
      ['late:review:2027-04-04', '2027-04-03T00:00:00.000Z'],
    ]);
    p.alerts['remind:check_in'] = AT;
    expect(rules.probationAlerts(p).map((a) => a.key)).not.toContain('remind:check_in');
    rules.recordCheckIn(state, { note: 'Settling in well', onTrack: true, actor: manager }, AT);
    rules.recordMentorNote(state, { note: 'Good pairing partner', actor: mentor }, AT);
    expect(rules.probationAlerts(p).map((a) => a.key)).toEqual(['remind:review:2027-04-04', 'late:review:2027-04-04']);
  });

  it('no mentor: nothing owed by one', () => {
    const state = makeState({ stage: 'probation' });
    state.probation = rules.startProbation('2027-01-05', POLICY, null);
    expect(rules.probationAlerts(state.probation).some((a) => a.item === 'mentor_note')).toBe(false);
    expect(rules.probationPending(state, Date.parse(AT)).map((a) => a.action)).toEqual(['probation_check_in', 'probation_review']);
  });

  it('an extension starts the review reminders again for the new end date', () => {
    const { state, p } = inProbation();
    p.alerts['remind:review:2027-04-04'] = AT;
    p.alerts['late:review:2027-04-04'] = AT;
    rules.extend(state, { outcome: 'extend', endDate: '2027-05-31', reason: 'More time on systems', actor: hr }, AT);
    expect(rules.probationAlerts(p).filter((a) => a.item === 'review').map((a) => [a.key, iso(a.dueAt)])).toEqual([
      ['remind:review:2027-05-31', '2027-06-01T00:00:00.000Z'],
      ['late:review:2027-05-31', '2027-06-01T00:00:00.000Z'],
    ]);
  });
});

describe('who may record what', () => {
  it("the check-in: the department's hiring manager or HR, once, in probation only", () => {
    const { state } = inProbation();
    expect(refusal(() => rules.assertCheckIn(state, { note: 'x', onTrack: true, actor: otherManager }))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertCheckIn(state, { note: 'x', onTrack: true, actor: mentor }))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertCheckIn(state, { note: 'x', onTrack: true, actor: manager }))).toBeNull();
    expect(refusal(() => rules.assertCheckIn(state, { note: 'x', onTrack: true, actor: hr }))).toBeNull();
    rules.recordCheckIn(state, { note: 'On track', onTrack: true, actor: manager }, AT);
    expect(state.probation!.checkIn).toMatchObject({ by: { id: 'mgr1' }, onTrack: true, note: 'On track' });
    expect(refusal(() => rules.assertCheckIn(state, { note: 'again', onTrack: false, actor: manager }))?.type).toBe('Conflict');
    expect(refusal(() => rules.assertCheckIn(makeState({ stage: 'hired' }), { note: 'x', onTrack: true, actor: hr }))?.type).toBe('WrongStage');
  });

  it("the mentor's note: the new hire's mentor or HR; a later note replaces it", () => {
    const { state } = inProbation();
    expect(refusal(() => rules.assertMentorNote(state, { note: 'x', actor: actor('men2', ['mentor']) }))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertMentorNote(state, { note: 'x', actor: manager }))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertMentorNote(state, { note: 'x', actor: mentor }))).toBeNull();
    rules.recordMentorNote(state, { note: 'first', actor: mentor }, AT);
    rules.recordMentorNote(state, { note: 'second', actor: mentor }, '2027-01-11T09:00:00.000Z');
    expect(state.probation!.mentorNote).toMatchObject({ note: 'second', at: '2027-01-11T09:00:00.000Z' });
    expect(state.timeline.filter((e) => e.type === 'probation_mentor_note')).toHaveLength(2);
  });
});

describe('the final review', () => {
  const NOW = Date.parse('2027-03-20T09:00:00Z');
  const review = (over: Partial<Parameters<typeof rules.assertReview>[1]> = {}) => ({ outcome: 'confirm' as const, actor: hr, ...over });

  it('HR records it; the hiring manager does not', () => {
    const { state } = inProbation();
    expect(refusal(() => rules.assertReview(state, review({ actor: manager }), NOW))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertReview(state, review(), NOW))).toBeNull();
    expect(refusal(() => rules.assertReview(makeState({ stage: 'confirmed' }), review(), NOW))?.type).toBe('WrongStage');
  });

  it('end and extend need a reason; only extend takes an end date', () => {
    const { state } = inProbation();
    expect(refusal(() => rules.assertReview(state, review({ outcome: 'end' }), NOW))).toMatchObject({ type: 'ValidationFailed', message: expect.stringMatching(/reason/) });
    expect(refusal(() => rules.assertReview(state, review({ outcome: 'end', reason: 'Not a fit' }), NOW))).toBeNull();
    expect(refusal(() => rules.assertReview(state, review({ endDate: '2027-05-01' }), NOW))?.type).toBe('ValidationFailed');
    expect(refusal(() => rules.assertReview(state, review({ outcome: 'extend', endDate: '2027-05-01' }), NOW))?.type).toBe('ValidationFailed');
    expect(refusal(() => rules.assertReview(state, review({ outcome: 'extend', reason: 'More time' }), NOW))?.message).toMatch(/endDate must be a date/);
  });

  it('an extension: after the current end, in the future, at most six months from the start', () => {
    const { state } = inProbation();
    const ext = (endDate: string, now = NOW) => refusal(() => rules.assertReview(state, review({ outcome: 'extend', reason: 'More time', endDate }), now));
    expect(ext('2027-04-04')?.message).toMatch(/after the current end date 2027-04-04/);
    expect(ext('2027-07-05')?.message).toMatch(/at most 6 months from the start \(2027-07-04\)/);
    expect(ext('2027-02-30')?.message).toMatch(/must be a date/);
    expect(ext('2027-05-01', Date.parse('2027-05-02T00:00:00Z'))?.message).toMatch(/in the future/);
    expect(ext('2027-07-04')).toBeNull();
  });

  it('extend once: then only confirm or end', () => {
    const { state, p } = inProbation();
    expect(rules.allowedOutcomes(p)).toEqual(['confirm', 'extend', 'end']);
    rules.extend(state, { outcome: 'extend', endDate: '2027-06-30', reason: 'More time', actor: hr }, AT);
    expect(p).toMatchObject({ endDate: '2027-06-30', extension: { previousEndDate: '2027-04-04', endDate: '2027-06-30', reason: 'More time', by: 'hr1' } });
    expect(rules.allowedOutcomes(p)).toEqual(['confirm', 'end']);
    expect(refusal(() => rules.assertReview(state, review({ outcome: 'extend', reason: 'Again', endDate: '2027-07-01' }), NOW))).toMatchObject({
      type: 'Conflict',
      message: expect.stringMatching(/already extended once/),
    });
    expect(refusal(() => rules.assertReview(state, review({ outcome: 'end', reason: 'Not a fit' }), NOW))).toBeNull();
  });

  it('concluded once: a second review is refused', () => {
    const { state } = inProbation();
    rules.conclude(state, review({ outcome: 'end', reason: ' Not a fit ' }), AT);
    expect(state.probation!.review).toMatchObject({ outcome: 'end', reason: 'Not a fit', by: { id: 'hr1' } });
    expect(refusal(() => rules.assertReview(state, review(), NOW))?.type).toBe('Conflict');
  });
});

describe('pending actions', () => {
  it('the manager, the mentor and HR owe theirs, overdue after the due day', () => {
    const { state } = inProbation();
    const pending = rules.probationPending(state, Date.parse('2027-02-20T00:00:00Z'));
    expect(pending).toEqual([
      { action: 'probation_check_in', actor: 'hiring_manager', dueAt: '2027-02-19T00:00:00.000Z', overdue: true },
      { action: 'probation_mentor_note', actor: 'men1', dueAt: '2027-04-03T00:00:00.000Z', overdue: false },
      { action: 'probation_review', actor: 'hr', dueAt: '2027-04-03T00:00:00.000Z', overdue: false },
    ]);
    expect(rules.probationPending(makeState({ stage: 'confirmed', probation: state.probation }), 0)).toEqual([]);
    expect(DEPT).toBe(state.input.departmentId);
  });
});
