/**
 * The Settings form's state and the PUT /v1/settings body it sends. The check is the API's own:
 * the domain's ZPutSettingsSchema (weights that sum to 1, durations like '3bd', a strictly ordered
 * rating scale, a calendar whose days are in their year and never both off and working, a PNG
 * logo), so the browser refuses what the API would, at the same dotted paths.
 */
import { DEFAULT_TIMERS, ZPutSettingsSchema, type TCalendarYear } from '../../../../domain/contracts/settings';
import { schemaIssues, type TIssue } from './validation';

export const TIMERS = Object.keys(DEFAULT_TIMERS) as (keyof typeof DEFAULT_TIMERS)[];
export const RATINGS = ['excellent', 'good', 'fair', 'poor'] as const;
export type TTimer = (typeof TIMERS)[number];
export type TRating = (typeof RATINGS)[number];
export type TDayList = keyof TCalendarYear;

/** What GET /v1/settings gives that the form edits (retention aside: PATCH, its own form). */
export interface TSettingsIn {
  companyName: string;
  companyAddress: string;
  logoPngBase64?: string | null;
  generalManagerUserId?: string | null;
  defaults: {
    weights: { ai: number; human: number };
    timers: Record<TTimer, string>;
    locale: 'en' | 'zh-CN';
    timeZone?: string;
    calendar: Record<string, TCalendarYear>;
    ratingScale: Record<TRating, number>;
    courseMaxAttempts: number;
    taskReminderDays: number;
    employeeNumberFormat: string;
  };
  retention?: unknown;
}

export interface TSettingsDraft {
  companyName: string;
  companyAddress: string;
  generalManagerUserId: string;
  /** Base64 of the PNG, without the data: prefix; '' for none. */
  logo: string;
  ai: number | null;
  human: number | null;
  timers: Record<TTimer, string>;
  locale: 'en' | 'zh-CN';
  /** '' leaves it unset (Asia/Shanghai for zh-CN, else UTC). */
  timeZone: string;
  calendar: Record<string, TCalendarYear>;
  ratingScale: Record<TRating, number | null>;
  courseMaxAttempts: number | null;
  taskReminderDays: number | null;
  employeeNumberFormat: string;
}

export function draftOf(s: TSettingsIn): TSettingsDraft {
  const d = s.defaults;
  return {
    companyName: s.companyName,
    companyAddress: s.companyAddress,
    generalManagerUserId: s.generalManagerUserId ?? '',
    logo: s.logoPngBase64 ?? '',
    ai: d.weights.ai,
    human: d.weights.human,
    timers: { ...d.timers },
    locale: d.locale,
    timeZone: d.timeZone ?? '',
    calendar: Object.fromEntries(Object.entries(d.calendar).map(([y, c]) => [y, { holidays: [...c.holidays], workdays: [...c.workdays] }])),
    ratingScale: { ...d.ratingScale },
    courseMaxAttempts: d.courseMaxAttempts,
    taskReminderDays: d.taskReminderDays,
    employeeNumberFormat: d.employeeNumberFormat,
  };
}

/** An empty number is NaN, which the schema refuses (instead of a default silently taking its place). */
const num = (n: number | null) => n ?? Number.NaN;

/** The PUT body; `retention` is sent back as it is (its own form changes it with PATCH). */
export function putBody(d: TSettingsDraft, retention: unknown) {
  return {
    companyName: d.companyName,
    companyAddress: d.companyAddress,
    generalManagerUserId: d.generalManagerUserId,
    ...(d.logo ? { logoPngBase64: d.logo } : {}),
    defaults: {
      weights: { ai: num(d.ai), human: num(d.human) },
      timers: d.timers,
      locale: d.locale,
      ...(d.timeZone ? { timeZone: d.timeZone } : {}),
      calendar: Object.fromEntries(Object.entries(d.calendar).map(([y, c]) => [y, { holidays: [...c.holidays].sort(), workdays: [...c.workdays].sort() }])),
      ratingScale: { excellent: num(d.ratingScale.excellent), good: num(d.ratingScale.good), fair: num(d.ratingScale.fair), poor: num(d.ratingScale.poor) },
      courseMaxAttempts: num(d.courseMaxAttempts),
      taskReminderDays: num(d.taskReminderDays),
      employeeNumberFormat: d.employeeNumberFormat,
    },
    ...(retention ? { retention } : {}),
  };
}

/** What the API would refuse in this draft, at the body's dotted paths (`defaults.weights.human`). */
export function settingsIssues(d: TSettingsDraft): TIssue[] {
  return schemaIssues(ZPutSettingsSchema, putBody(d, undefined));
}

/** The draft with `day` added to (or removed from) one of its year's lists; the year comes from the day. */
export function withDay(d: TSettingsDraft, list: TDayList, day: string, add: boolean): TSettingsDraft {
  const year = day.slice(0, 4);
  const y = d.calendar[year] ?? { holidays: [], workdays: [] };
  const days = add ? (y[list].includes(day) ? y[list] : [...y[list], day].sort()) : y[list].filter((x) => x !== day);
  return { ...d, calendar: { ...d.calendar, [year]: { ...y, [list]: days } } };
}
