import { z } from 'zod';
import type { TLocale } from '../../../domain/contracts/common';
import { cta, section, staffGreeting } from './blocks';
import { ZLinkSchema, ZTextSchema } from './fields';
import { formatDate } from './format';
import { defineTemplate, type TRenderContext } from './types';

export const ONBOARDING_EVENTS = ['task_due_soon', 'task_overdue', 'milestone'] as const;
export type TOnboardingEvent = (typeof ONBOARDING_EVENTS)[number];

/**
 * task_due_soon goes to the task's assignees, task_overdue to HR, milestone to the mentor.
 * Task events need taskTitle and dueDate; a milestone needs milestone.
 */
const schema = z
  .object({
    event: z.enum(ONBOARDING_EVENTS),
    employeeName: ZTextSchema,
    employeeNumber: ZTextSchema,
    taskTitle: ZTextSchema.optional(),
    /** When the task is due, YYYY-MM-DD. */
    dueDate: z.iso.date().optional(),
    /** What was reached, e.g. "All documents received"; shown as written. */
    milestone: ZTextSchema.optional(),
    link: ZLinkSchema.optional(),
  })
  .superRefine((d, ctx) => {
    const need = d.event === 'milestone' ? (['milestone'] as const) : (['taskTitle', 'dueDate'] as const);
    for (const key of need) {
      if (d[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `required for ${d.event}` });
    }
  });
type D = z.output<typeof schema>;

/** Past the schema's check: the fields an event needs are there. */
const task = (d: D) => ({ title: d.taskTitle ?? '', due: d.dueDate ?? '' });

const WORDING = {
  en: {
    subject(d: D) {
      if (d.event === 'milestone') return `Onboarding milestone for ${d.employeeName}: ${d.milestone ?? ''}`;
      return `${d.event === 'task_overdue' ? 'Onboarding task overdue' : 'Onboarding task due soon'}: ${task(d).title} (${d.employeeName})`;
    },
    body(d: D) {
      const who = `${d.employeeName} (${d.employeeNumber})`;
      const t = task(d);
      switch (d.event) {
        case 'task_due_soon':
          return [
            `The onboarding task "${t.title}" for ${who} is due on ${formatDate(t.due, 'en')}.`,
            'Please complete it in time and mark it as done.',
          ];
        case 'task_overdue':
          return [
            `The onboarding task "${t.title}" for ${who} was due on ${formatDate(t.due, 'en')} and is not complete yet.`,
            'Please follow up with the person responsible.',
          ];
        case 'milestone':
          return [`${who} has reached an onboarding milestone: ${d.milestone ?? ''}.`];
      }
    },
    linkLabel: 'Open the onboarding checklist',
  },
  'zh-CN': {
    subject(d: D) {
      if (d.event === 'milestone') return `${d.employeeName}的入职里程碑：${d.milestone ?? ''}`;
      return `${d.event === 'task_overdue' ? '入职任务已逾期' : '入职任务即将到期'}：${task(d).title}（${d.employeeName}）`;
    },
    body(d: D) {
      const who = `${d.employeeName}（${d.employeeNumber}）`;
      const t = task(d);
      switch (d.event) {
        case 'task_due_soon':
          return [
            `${who}的入职任务“${t.title}”将于${formatDate(t.due, 'zh-CN')}到期。`,
            '请按时完成并标记为已完成。',
          ];
        case 'task_overdue':
          return [
            `${who}的入职任务“${t.title}”已于${formatDate(t.due, 'zh-CN')}到期，至今尚未完成。`,
            '请跟进负责人。',
          ];
        case 'milestone':
          return [`${who}已达成入职里程碑：${d.milestone ?? ''}。`];
      }
    },
    linkLabel: '查看入职清单',
  },
} satisfies Record<TLocale, { subject(d: D): string; body(d: D): string[]; linkLabel: string }>;

function content(locale: TLocale) {
  const w = WORDING[locale];
  return {
    subject: (d: D) => w.subject(d),
    text: (d: D, ctx: TRenderContext) =>
      [staffGreeting(locale, ctx.recipientName), ...w.body(d), ...(d.link ? [d.link] : [])].join('\n\n'),
    html: (d: D, ctx: TRenderContext) =>
      section(
        staffGreeting(locale, ctx.recipientName),
        ...w.body(d),
        d.link ? cta(d.link, w.linkLabel) : null,
      ),
  };
}

export const onboardingEvent = defineTemplate({
  audience: 'staff',
  channels: ['email'],
  label: { en: 'Onboarding update', 'zh-CN': '入职动态' },
  schema,
  content: { en: content('en'), 'zh-CN': content('zh-CN') },
});
