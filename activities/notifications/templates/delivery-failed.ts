import { z } from 'zod';
import { ZLinkSchema, ZLongTextSchema, ZTextSchema } from './fields';
import { button, markup, paragraphs } from './html';
import { defineTemplate } from './types';

const schema = z.object({
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema.optional(),
  channel: z.enum(['email', 'sms']),
  /** The address or number that failed. */
  recipient: ZTextSchema,
  /** Template name of the failed message; shown by its label. */
  failedTemplate: ZTextSchema,
  reason: ZLongTextSchema,
  applicationId: z.uuid().optional(),
  link: ZLinkSchema.optional(),
});

export const deliveryFailed = defineTemplate({
  audience: 'staff',
  channels: ['email'],
  label: { en: 'Delivery failure alert', 'zh-CN': '消息发送失败提醒' },
  schema,
  content: {
    en: {
      subject: (d) => `Message to ${d.candidateName} could not be delivered`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `Hello ${ctx.recipientName},` : 'Hello,',
          `The ${d.channel === 'sms' ? 'SMS' : 'e-mail'} "${ctx.templateLabel(d.failedTemplate)}" to ${d.candidateName} (${d.recipient})${d.jobTitle ? ` about ${d.jobTitle}` : ''} could not be delivered.`,
          `Reason: ${d.reason}`,
          "Please check the candidate's contact details and reach them another way.",
          d.applicationId ? `Application: ${d.applicationId}` : null,
          d.link ?? null,
        ]
          .filter((l) => l !== null)
          .join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`Hello ${ctx.recipientName},` : 'Hello,',
          markup`The ${d.channel === 'sms' ? 'SMS' : 'e-mail'} “${ctx.templateLabel(d.failedTemplate)}” to <strong>${d.candidateName}</strong> (${d.recipient})${d.jobTitle ? markup` about ${d.jobTitle}` : ''} could not be delivered.`,
          markup`Reason: <code>${d.reason}</code>`,
          "Please check the candidate's contact details and reach them another way.",
          d.link ? button(d.link, 'Open the application') : null,
          d.applicationId
            ? markup`<span style="color:#59636e;font-size:13px">Application: ${d.applicationId}</span>`
            : null,
        ),
    },
    'zh-CN': {
      subject: (d) => `无法送达给${d.candidateName}的消息`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `${ctx.recipientName}，您好：` : '您好：',
          `发送给${d.candidateName}（${d.recipient}）的${d.channel === 'sms' ? '短信' : '邮件'}“${ctx.templateLabel(d.failedTemplate)}”${d.jobTitle ? `（职位：${d.jobTitle}）` : ''}无法送达。`,
          `原因：${d.reason}`,
          '请核对候选人的联系方式，并通过其他方式联系对方。',
          d.applicationId ? `申请编号：${d.applicationId}` : null,
          d.link ?? null,
        ]
          .filter((l) => l !== null)
          .join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`${ctx.recipientName}，您好：` : '您好：',
          markup`发送给<strong>${d.candidateName}</strong>（${d.recipient}）的${d.channel === 'sms' ? '短信' : '邮件'}“${ctx.templateLabel(d.failedTemplate)}”${d.jobTitle ? markup`（职位：${d.jobTitle}）` : ''}无法送达。`,
          markup`原因：<code>${d.reason}</code>`,
          '请核对候选人的联系方式，并通过其他方式联系对方。',
          d.link ? button(d.link, '查看申请') : null,
          d.applicationId
            ? markup`<span style="color:#59636e;font-size:13px">申请编号：${d.applicationId}</span>`
            : null,
        ),
    },
  },
});
