import { z } from 'zod';
import type { TLocale } from '../../../domain/contracts/common';
import { ZLinkSchema, ZLongTextSchema, ZTextSchema, ZWhenSchema } from './fields';
import { formatWhen } from './format';
import { button, markup, paragraphs } from './html';
import { defineTemplate } from './types';

/** What a staff member can owe; add a key here (with both labels) for a new kind of action. */
export const STAFF_ACTIONS = {
  evaluation: { en: ['Evaluation', 'an evaluation'], 'zh-CN': ['评估', '评估'] },
  decision: {
    en: ['Decision', 'a decision (advance or reject)'],
    'zh-CN': ['录用决定', '录用决定（推进或拒绝）'],
  },
  discrepancy_review: {
    en: ['Discrepancy review', 'a review of the flagged discrepancies'],
    'zh-CN': ['差异核查', '标记差异的核查'],
  },
  offer_draft: { en: ['Offer draft', 'an offer draft'], 'zh-CN': ['录用通知草拟', '录用通知的草拟'] },
  offer_approval: { en: ['Offer approval', 'an offer approval'], 'zh-CN': ['录用审批', '录用通知的审批'] },
  onboarding_task: { en: ['Onboarding task', 'an onboarding task'], 'zh-CN': ['入职任务', '入职任务'] },
  course_result: { en: ['Training result', 'a training result'], 'zh-CN': ['培训成绩', '培训成绩的录入'] },
  probation_check_in: { en: ['Probation check-in', 'the mid-probation check-in'], 'zh-CN': ['试用期中期面谈', '试用期中期面谈'] },
  probation_mentor_note: { en: ["Mentor's probation note", "the mentor's note on the probation"], 'zh-CN': ['导师试用期评语', '导师的试用期评语'] },
  probation_review: { en: ['Probation review', 'the final probation review (confirm, extend or end)'], 'zh-CN': ['试用期考核', '试用期最终考核（转正、延长或终止）'] },
} as const satisfies Record<string, Record<TLocale, readonly [title: string, phrase: string]>>;

export type TStaffAction = keyof typeof STAFF_ACTIONS;

const schema = z.object({
  action: z.enum(Object.keys(STAFF_ACTIONS) as [TStaffAction, ...TStaffAction[]]),
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema,
  dueAt: ZWhenSchema,
  /** A reminder after the due time: the subject says so. */
  overdue: z.boolean().default(false),
  /** Free text shown as is (escaped), e.g. the task's title. */
  note: ZLongTextSchema.optional(),
  link: ZLinkSchema.optional(),
});

export const actionRequired = defineTemplate({
  audience: 'staff',
  channels: ['email'],
  label: { en: 'Action required', 'zh-CN': '待办提醒' },
  schema,
  content: {
    en: {
      subject: (d) =>
        `${d.overdue ? 'Overdue' : 'Action required'}: ${STAFF_ACTIONS[d.action].en[0]} for ${d.candidateName}`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `Hello ${ctx.recipientName},` : 'Hello,',
          `You owe ${STAFF_ACTIONS[d.action].en[1]} for ${d.candidateName} (${d.jobTitle}) by ${formatWhen(d.dueAt, 'en')}.${d.overdue ? ' That time has passed.' : ''}`,
          d.note ? `Note: ${d.note}` : null,
          d.link ?? null,
        ]
          .filter((l) => l !== null)
          .join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`Hello ${ctx.recipientName},` : 'Hello,',
          markup`You owe <strong>${STAFF_ACTIONS[d.action].en[1]}</strong> for <strong>${d.candidateName}</strong> (${d.jobTitle}) by <strong>${formatWhen(d.dueAt, 'en')}</strong>.${d.overdue ? ' That time has passed.' : ''}`,
          d.note ? markup`Note: ${d.note}` : null,
          d.link ? button(d.link, 'Open') : null,
        ),
    },
    'zh-CN': {
      subject: (d) =>
        `${d.overdue ? '已逾期' : '待办'}：${d.candidateName}的${STAFF_ACTIONS[d.action]['zh-CN'][0]}`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `${ctx.recipientName}，您好：` : '您好：',
          `请在${formatWhen(d.dueAt, 'zh-CN')}前完成${d.candidateName}（${d.jobTitle}）的${STAFF_ACTIONS[d.action]['zh-CN'][1]}。${d.overdue ? '该时间已过。' : ''}`,
          d.note ? `备注：${d.note}` : null,
          d.link ?? null,
        ]
          .filter((l) => l !== null)
          .join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`${ctx.recipientName}，您好：` : '您好：',
          markup`请在<strong>${formatWhen(d.dueAt, 'zh-CN')}</strong>前完成<strong>${d.candidateName}</strong>（${d.jobTitle}）的<strong>${STAFF_ACTIONS[d.action]['zh-CN'][1]}</strong>。${d.overdue ? '该时间已过。' : ''}`,
          d.note ? markup`备注：${d.note}` : null,
          d.link ? button(d.link, '打开') : null,
        ),
    },
  },
});
