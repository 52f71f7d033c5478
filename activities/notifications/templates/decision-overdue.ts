import { z } from 'zod';
import { ZLinkSchema, ZTextSchema, ZWhenSchema } from './fields';
import { formatWhen } from './format';
import { button, markup, paragraphs } from './html';
import { defineTemplate } from './types';

const schema = z.object({
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema,
  /** When the decision promise ran out. */
  promisedBy: ZWhenSchema,
  applicationId: z.uuid(),
  link: ZLinkSchema.optional(),
});

export const decisionOverdue = defineTemplate({
  audience: 'staff',
  channels: ['email'],
  label: { en: 'Decision overdue alert', 'zh-CN': '决定逾期提醒' },
  schema,
  content: {
    en: {
      subject: (d) => `Decision overdue: ${d.candidateName} for ${d.jobTitle}`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `Hello ${ctx.recipientName},` : 'Hello,',
          `We promised ${d.candidateName} a decision on their application for ${d.jobTitle} by ${formatWhen(d.promisedBy, 'en')}. That time has passed and no decision has been recorded.`,
          `Please record a decision (advance or reject) as soon as possible.${d.link ? `\n${d.link}` : ''}`,
          `Application: ${d.applicationId}`,
        ].join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`Hello ${ctx.recipientName},` : 'Hello,',
          markup`We promised <strong>${d.candidateName}</strong> a decision on their application for <strong>${d.jobTitle}</strong> by ${formatWhen(d.promisedBy, 'en')}. That time has passed and no decision has been recorded.`,
          'Please record a decision (advance or reject) as soon as possible.',
          d.link ? button(d.link, 'Open the application') : null,
          markup`<span style="color:#59636e;font-size:13px">Application: ${d.applicationId}</span>`,
        ),
    },
    'zh-CN': {
      subject: (d) => `决定已逾期：${d.candidateName}（${d.jobTitle}）`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `${ctx.recipientName}，您好：` : '您好：',
          `我们曾承诺在${formatWhen(d.promisedBy, 'zh-CN')}前告知${d.candidateName}其${d.jobTitle}职位申请的结果。该时间已过，但尚未记录任何决定。`,
          `请尽快记录决定（推进或拒绝）。${d.link ? `\n${d.link}` : ''}`,
          `申请编号：${d.applicationId}`,
        ].join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`${ctx.recipientName}，您好：` : '您好：',
          markup`我们曾承诺在${formatWhen(d.promisedBy, 'zh-CN')}前告知<strong>${d.candidateName}</strong>其<strong>${d.jobTitle}</strong>职位申请的结果。该时间已过，但尚未记录任何决定。`,
          '请尽快记录决定（推进或拒绝）。',
          d.link ? button(d.link, '查看申请') : null,
          markup`<span style="color:#59636e;font-size:13px">申请编号：${d.applicationId}</span>`,
        ),
    },
  },
});
