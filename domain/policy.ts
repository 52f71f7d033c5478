/**
 * What a job's workflow runs with: the job's own settings where it has them, the
 * organisation's defaults otherwise. Resolved once when the application arrives and
 * passed to the workflow, so a running workflow keeps the rules it started under.
 */
import type { TCalendar } from './business-days';
import type { TApprovalLevel, TCompetency, TCreateJob, TProbationPolicy, TSalaryBand, TWeights } from './contracts/job';
import type { TSettingsDefaults } from './contracts/settings';
import type { TRatingScale } from './composite';
import { DEFAULT_COURSES, DEFAULT_TASKS, type TCourseTemplate, type TTaskTemplate } from './onboarding';

export interface TResolvedTimers {
  decisionPromise: string;
  evaluationReminder: string;
  approvalReminder: string;
  offerReminder: string;
  offerExpiry: string;
}

export interface TJobPolicy {
  title: string;
  competencies: TCompetency[];
  weights: TWeights;
  timers: TResolvedTimers;
  evaluation: { requireHr: boolean; requireHiringManager: boolean };
  ratingScale: TRatingScale;
  offer: { band: TSalaryBand; approvalChain?: TApprovalLevel[] | undefined; aboveBandApproverUserId?: string | undefined };
  onboarding: {
    tasks: TTaskTemplate[];
    courses: TCourseTemplate[];
    /** The job's mentor; the department manager when unset (resolved at conversion). */
    mentorUserId: string | null;
    courseMaxAttempts: number;
    taskReminderDays: number;
  };
  /** Probation after `hired` (absent in inputs from before it existed: the defaults apply). */
  probation?: TProbationPolicy;
  /** The company's calendar when the application arrived (shared/calendar.ts); absent: UTC weekdays. */
  calendar?: TCalendar;
}

export const DEFAULT_PROBATION: TProbationPolicy = { months: 3, reminderDays: 5 };

export function resolveJobPolicy(
  job: TCreateJob,
  defaults: TSettingsDefaults,
  department: { defaultCourses?: TCourseTemplate[] | null } = {},
  calendar?: TCalendar,
): TJobPolicy {
  return {
    title: job.title,
    competencies: job.competencies,
    weights: job.weights ?? defaults.weights,
    timers: {
      decisionPromise: job.timers?.decisionPromise ?? defaults.timers.decisionPromise,
      evaluationReminder: job.timers?.evaluationReminder ?? defaults.timers.evaluationReminder,
      approvalReminder: job.timers?.approvalReminder ?? defaults.timers.approvalReminder,
      offerReminder: job.timers?.offerReminder ?? defaults.timers.offerReminder,
      offerExpiry: job.timers?.offerExpiry ?? defaults.timers.offerExpiry,
    },
    evaluation: {
      requireHr: job.evaluation?.requireHr ?? true,
      requireHiringManager: job.evaluation?.requireHiringManager ?? true,
    },
    ratingScale: { ...defaults.ratingScale },
    offer: {
      band: job.salaryBand,
      ...(job.approvalChain ? { approvalChain: job.approvalChain } : {}),
      ...(job.aboveBandApproverUserId ? { aboveBandApproverUserId: job.aboveBandApproverUserId } : {}),
    },
    onboarding: {
      tasks: job.onboarding?.tasks.length ? job.onboarding.tasks : DEFAULT_TASKS,
      courses: job.onboarding?.courses.length ? job.onboarding.courses : department.defaultCourses?.length ? department.defaultCourses : DEFAULT_COURSES,
      mentorUserId: job.onboarding?.mentorUserId ?? null,
      courseMaxAttempts: defaults.courseMaxAttempts,
      taskReminderDays: defaults.taskReminderDays,
    },
    probation: { months: job.probation?.months ?? DEFAULT_PROBATION.months, reminderDays: job.probation?.reminderDays ?? DEFAULT_PROBATION.reminderDays },
    ...(calendar ? { calendar } : {}),
  };
}
