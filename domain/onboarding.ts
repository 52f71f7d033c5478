/**
 * Onboarding rules (MISSION.md step 6): the default template, due dates relative to the
 * start date, when onboarding is complete, course results against pass scores and an
 * attempts limit, employee numbers, and what an uploaded file really is.
 */
import type { z } from 'zod';
import type { ZCourseSchema, ZOnboardingTaskSchema } from './contracts/job';

export type TTaskTemplate = z.infer<typeof ZOnboardingTaskSchema>;
export type TCourseTemplate = z.infer<typeof ZCourseSchema>;
export type TDocumentKind = 'id_copy' | 'diploma' | 'medical_report';
export const DOCUMENT_KINDS: readonly TDocumentKind[] = ['id_copy', 'diploma', 'medical_report'];

/** Used when the job has no onboarding template of its own. */
export const DEFAULT_TASKS: TTaskTemplate[] = [
  { key: 'id_copy', title: 'Upload a copy of your ID', assignee: 'candidate', dueDaysFromStart: -7, required: true },
  { key: 'diploma', title: 'Upload your diploma', assignee: 'candidate', dueDaysFromStart: -7, required: true },
  { key: 'medical_report', title: 'Upload your medical report', assignee: 'candidate', dueDaysFromStart: -3, required: true },
  { key: 'computer', title: 'Prepare a computer', assignee: 'it', dueDaysFromStart: -2, required: true },
  { key: 'badge', title: 'Issue a badge', assignee: 'it', dueDaysFromStart: -1, required: true },
  { key: 'accounts', title: 'Create accounts (e-mail, chat, code hosting)', assignee: 'it', dueDaysFromStart: -1, required: true },
  { key: 'mentor_meeting', title: 'First meeting with the mentor', assignee: 'mentor', dueDaysFromStart: 2, required: true },
];

/** Used when neither the job nor the department names courses. */
export const DEFAULT_COURSES: TCourseTemplate[] = [
  { key: 'orientation', title: 'Company orientation', passScore: 60, required: true },
];

/** Candidate tasks whose completion is the upload of this kind of document. */
export const isDocumentTask = (key: string): key is TDocumentKind => (DOCUMENT_KINDS as readonly string[]).includes(key);

const DAY_MS = 86_400_000;

/** A task's due date: the start date plus its offset, as YYYY-MM-DD. */
export function dueDate(startDate: string, dueDaysFromStart: number): string {
  return new Date(Date.parse(`${startDate}T00:00:00Z`) + dueDaysFromStart * DAY_MS).toISOString().slice(0, 10);
}

/** The end of a due day (23:59:59.999 UTC): a task is overdue only after its whole due day. */
export const endOfDay = (date: string) => Date.parse(`${date}T00:00:00Z`) + DAY_MS - 1;

export interface TCourseAttempt {
  score: number;
  passed: boolean;
  at: string;
}

export type TCourseStatus = 'assigned' | 'passed' | 'retake' | 'failed';

/** The course's status after its attempts: passed at the pass score, failed when the attempts run out. */
export function courseStatus(attempts: TCourseAttempt[], maxAttempts: number): TCourseStatus {
  if (attempts.some((a) => a.passed)) return 'passed';
  if (attempts.length === 0) return 'assigned';
  return attempts.length >= maxAttempts ? 'failed' : 'retake';
}

/**
 * The employee number: `{year}` is the year of the start date, `{seq}` the sequence value,
 * `{seq:N}` zero-padded to N digits. E.g. 'E{year}-{seq:5}' -> E2026-00042.
 */
export function formatEmployeeNumber(format: string, seq: number, year: number): string {
  return format
    .replace(/\{year\}/g, String(year))
    .replace(/\{seq(?::(\d))?\}/g, (_m, width?: string) => String(seq).padStart(width ? Number(width) : 0, '0'));
}

/** What a file's first bytes say it is; the name is not trusted. */
export function sniffDocumentType(bytes: Uint8Array): 'application/pdf' | 'image/jpeg' | 'image/png' | null {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x25 && b(1) === 0x50 && b(2) === 0x44 && b(3) === 0x46 && b(4) === 0x2d) return 'application/pdf';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a)
    return 'image/png';
  return null;
}
