/**
 * Probation's rules (issue 18): its dates on the company's calendar, who may record the
 * check-in, the mentor's note and the final review, the one bounded extension, the
 * reminders and late alerts still to send, and who owes what. Pure: no Temporal, no I/O.
 */
import { isBusinessDay, zoneOffsetMs, type TCalendar } from '../../../domain/business-days';
import type { TProbationPolicy } from '../../../domain/contracts/job';
import { isHr } from '../../actors';
import { reject } from '../../errors';
import type {
  TActor,
  TMentorNoteCommand,
  TPendingAction,
  TProbationCheckInCommand,
  TProbationReviewCommand,
  TProbationState,
} from '../../messages';
import { appendLog, dueFields, type TWorkflowState } from '../../state';

const DAY_MS = 86_400_000;
/** Labour law's cap on probation, extension included (PRC Labour Contract Law art. 19). */
export const MAX_PROBATION_MONTHS = 6;

const day = (date: string) => Date.parse(`${date}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) => iso(day(date) + days * DAY_MS);

/** The same day `months` later; past the month's end, its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return iso(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last)));
}

/** The last day of a probation of `months` that starts on `startDate` (3 months from 5 Jan: 4 Apr). */
export const probationEndDate = (startDate: string, months: number) => addDays(addMonths(startDate, months), -1);

/** The latest last day an extension may set: six months in all. */
export const latestEndDate = (startDate: string) => probationEndDate(startDate, MAX_PROBATION_MONTHS);

/** The instant a company-local day begins (00:00 in the calendar's zone). */
export function startOfDay(date: string, calendar?: TCalendar): number {
  const wall = day(date);
  const tz = calendar?.timeZone ?? 'UTC';
  return wall - zoneOffsetMs(wall - zoneOffsetMs(wall, tz), tz);
}

/** The instant a company-local day ends (the next day's 00:00). */
export const endOfDay = (date: string, calendar?: TCalendar) => startOfDay(addDays(date, 1), calendar);

/** The company-local date of an instant. */
export const localDate = (ms: number, calendar?: TCalendar) => iso(ms + zoneOffsetMs(ms, calendar?.timeZone ?? 'UTC'));

/** The business day `n` business days before `date` (n = 0: `date` itself). */
export function businessDaysBefore(date: string, n: number, calendar?: TCalendar): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isBusinessDay(d, calendar)) left -= 1;
  }
  return d;
}

/** `date` if it is a business day, else the first business day after it. */
export function onOrAfterBusinessDay(date: string, calendar?: TCalendar): string {
  let d = date;
  while (!isBusinessDay(d, calendar)) d = addDays(d, 1);
  return d;
}

/** `date` if it is a business day, else the last business day before it. */
export function onOrBeforeBusinessDay(date: string, calendar?: TCalendar): string {
  let d = date;
  while (!isBusinessDay(d, calendar)) d = addDays(d, -1);
  return d;
}

/** The probation as it starts on the offer's start date. */
export function startProbation(startDate: string, policy: TProbationPolicy, mentorUserId: string | null, calendar?: TCalendar): TProbationState {
  const months = Math.min(Math.max(1, policy.months), MAX_PROBATION_MONTHS);
  const endDate = probationEndDate(startDate, months);
  const half = Math.floor((day(endDate) - day(startDate)) / DAY_MS / 2);
  return {
    startDate,
    endDate,
    checkInDate: onOrAfterBusinessDay(addDays(startDate, half), calendar),
    months,
    reminderDays: policy.reminderDays,
    mentorUserId,
    checkIn: null,
    mentorNote: null,
    extension: null,
    review: null,
    alerts: {},
  };
}

/** The final review is due by the end of the last business day of the probation. */
export const reviewDate = (p: TProbationState, calendar?: TCalendar) => onOrBeforeBusinessDay(p.endDate, calendar);

export type TProbationItem = 'check_in' | 'mentor_note' | 'review';

export interface TProbationAlert {
  /** Unique per item, kind and (for the review and the note) end date: an extension starts them again. */
  key: string;
  item: TProbationItem;
  kind: 'remind' | 'late';
  at: number;
  /** The due time the alert is about. */
  dueAt: number;
}

/** What is still owed, with its due day. */
function owed(p: TProbationState, calendar?: TCalendar): { item: TProbationItem; date: string }[] {
  const review = reviewDate(p, calendar);
  return [
    ...(p.checkIn ? [] : [{ item: 'check_in' as const, date: p.checkInDate }]),
    ...(p.mentorNote || !p.mentorUserId ? [] : [{ item: 'mentor_note' as const, date: review }]),
    ...(p.review ? [] : [{ item: 'review' as const, date: review }]),
  ];
}

/**
 * Reminders (at the start of the business day `reminderDays` business days before the due
 * day) and late alerts (when the due day is over) not yet sent, earliest first.
 */
export function probationAlerts(p: TProbationState, calendar?: TCalendar): TProbationAlert[] {
  return owed(p, calendar)
    .flatMap(({ item, date }) => {
      const suffix = item === 'check_in' ? '' : `:${p.endDate}`;
      const dueAt = endOfDay(date, calendar);
      return [
        { key: `remind:${item}${suffix}`, item, kind: 'remind' as const, at: startOfDay(businessDaysBefore(date, p.reminderDays, calendar), calendar), dueAt },
        { key: `late:${item}${suffix}`, item, kind: 'late' as const, at: dueAt, dueAt },
      ];
    })
    .filter((a) => !p.alerts[a.key])
    .sort((a, b) => a.at - b.at);
}

function inProbation(state: TWorkflowState): TProbationState {
  if (state.stage !== 'probation' || !state.probation) reject('WrongStage', `the application is not in probation (stage ${state.stage})`);
  return state.probation;
}

/** The hiring manager of the application's department, or HR. */
const isManagerOrHr = (state: TWorkflowState, actor: TActor) =>
  isHr(actor) || (actor.roles.includes('hiring_manager') && actor.departmentId === state.input.departmentId);

export function assertCheckIn(state: TWorkflowState, cmd: TProbationCheckInCommand): void {
  const p = inProbation(state);
  if (!isManagerOrHr(state, cmd.actor)) reject('Forbidden', "the check-in is the department's hiring manager's (or HR's)");
  if (p.checkIn) reject('Conflict', `the check-in was recorded on ${p.checkIn.at.slice(0, 10)}`);
}

export function recordCheckIn(state: TWorkflowState, cmd: TProbationCheckInCommand, at: string): TProbationState {
  const p = state.probation!;
  p.checkIn = { by: { id: cmd.actor.id, name: cmd.actor.name }, note: cmd.note, onTrack: cmd.onTrack, at };
  appendLog(state, at, 'probation_check_in', cmd.actor, { onTrack: cmd.onTrack });
  return p;
}

export function assertMentorNote(state: TWorkflowState, cmd: TMentorNoteCommand): void {
  const p = inProbation(state);
  const mentor = p.mentorUserId ? cmd.actor.id === p.mentorUserId : cmd.actor.roles.includes('mentor');
  if (!mentor && !isHr(cmd.actor)) reject('Forbidden', "the note is the new hire's mentor's (or HR's)");
}

/** The mentor's note; a later one replaces it (the timeline keeps that there was one). */
export function recordMentorNote(state: TWorkflowState, cmd: TMentorNoteCommand, at: string): TProbationState {
  const p = state.probation!;
  appendLog(state, at, 'probation_mentor_note', cmd.actor, p.mentorNote ? { replaces: p.mentorNote.at } : undefined);
  p.mentorNote = { by: { id: cmd.actor.id, name: cmd.actor.name }, note: cmd.note, at };
  return p;
}

/** Which final reviews are still possible: `extend` only once. */
export const allowedOutcomes = (p: TProbationState) => (p.extension ? (['confirm', 'end'] as const) : (['confirm', 'extend', 'end'] as const));

export function assertReview(state: TWorkflowState, cmd: TProbationReviewCommand, nowMs: number): void {
  const p = inProbation(state);
  if (!isHr(cmd.actor)) reject('Forbidden', "HR records the final review (the hiring manager's decision)");
  if (p.review) reject('Conflict', `the probation was already reviewed (${p.review.outcome})`);
  if (!(allowedOutcomes(p) as readonly string[]).includes(cmd.outcome)) {
    reject('Conflict', `the probation was already extended once (to ${p.endDate}); the review now confirms or ends it`);
  }
  if (cmd.outcome !== 'confirm' && !cmd.reason?.trim()) {
    reject('ValidationFailed', `a reason is required to ${cmd.outcome} the probation`, [{ path: 'body.reason', message: `required for ${cmd.outcome}` }]);
  }
  if (cmd.outcome !== 'extend') {
    if (cmd.endDate !== undefined) reject('ValidationFailed', 'endDate is only for extend', [{ path: 'body.endDate', message: 'only for extend' }]);
    return;
  }
  const bad = (message: string) => reject('ValidationFailed', `endDate ${message}`, [{ path: 'body.endDate', message }]);
  if (!cmd.endDate || !/^\d{4}-\d{2}-\d{2}$/.test(cmd.endDate) || iso(day(cmd.endDate)) !== cmd.endDate) bad('must be a date (YYYY-MM-DD)');
  const end = cmd.endDate!;
  if (end <= p.endDate) bad(`must be after the current end date ${p.endDate}`);
  if (end <= localDate(nowMs, state.calendar)) bad('must be in the future');
  const latest = latestEndDate(p.startDate);
  if (end > latest) bad(`must be at most ${MAX_PROBATION_MONTHS} months from the start (${latest})`);
}

/** An extension: the new end date; reminders and late alerts for the review start again. */
export function extend(state: TWorkflowState, cmd: TProbationReviewCommand, at: string): TProbationState {
  const p = state.probation!;
  p.extension = { previousEndDate: p.endDate, endDate: cmd.endDate!, reason: cmd.reason!.trim(), by: cmd.actor.id, at };
  p.endDate = cmd.endDate!;
  appendLog(state, at, 'probation_extended', cmd.actor, { previousEndDate: p.extension.previousEndDate, endDate: p.endDate, reason: p.extension.reason });
  return p;
}

/** Confirmed or ended: the review is final. */
export function conclude(state: TWorkflowState, cmd: TProbationReviewCommand, at: string): TProbationState {
  const p = state.probation!;
  const outcome = cmd.outcome === 'confirm' ? 'confirm' : 'end';
  p.review = { outcome, reason: cmd.reason?.trim() || null, by: { id: cmd.actor.id, name: cmd.actor.name }, at };
  appendLog(state, at, 'probation_reviewed', cmd.actor, { outcome, ...(p.review.reason ? { reason: p.review.reason } : {}) });
  return p;
}

export function probationPending(state: TWorkflowState, nowMs: number): TPendingAction[] {
  const p = state.probation;
  if (!p || state.stage !== 'probation') return [];
  const actors: Record<TProbationItem, string> = { check_in: 'hiring_manager', mentor_note: p.mentorUserId ?? 'mentor', review: 'hr' };
  return owed(p, state.calendar).map(({ item, date }) => ({ action: `probation_${item}`, actor: actors[item], ...dueFields(endOfDay(date, state.calendar), nowMs) }));
}
