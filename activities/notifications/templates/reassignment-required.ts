import { z } from 'zod';
import { ZLinkSchema, ZTextSchema } from './fields';
import { markup, paragraphs } from './html';
import { defineTemplate } from './types';

/** HR is told what a deactivated user still owed, one line and link per item, to hand on. */
const schema = z.object({
  userName: ZTextSchema,
  items: z
    .array(z.object({ what: ZTextSchema, link: ZLinkSchema }))
    .min(1)
    .max(200),
});

const list = (items: { what: string; link: string }[]) =>
  markup`<ul>${items.map((i) => markup`<li><a href="${i.link}">${i.what}</a></li>`)}</ul>`;

export const reassignmentRequired = defineTemplate({
  audience: 'staff',
  channels: ['email'],
  label: { en: 'Work to reassign', 'zh-CN': '待重新分配的工作' },
  schema,
  content: {
    en: {
      subject: (d) => `${d.userName} was deactivated: ${d.items.length} item(s) to reassign`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `Hello ${ctx.recipientName},` : 'Hello,',
          `${d.userName} was deactivated and still owed the following. Please hand each one to someone else:`,
          d.items.map((i) => `- ${i.what}: ${i.link}`).join('\n'),
        ].join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`Hello ${ctx.recipientName},` : 'Hello,',
          markup`<strong>${d.userName}</strong> was deactivated and still owed the following. Please hand each one to someone else:`,
          list(d.items),
        ),
    },
    'zh-CN': {
      subject: (d) => `${d.userName}已停用：${d.items.length}项工作待重新分配`,
      text: (d, ctx) =>
        [
          ctx.recipientName ? `${ctx.recipientName}，您好：` : '您好：',
          `${d.userName}已被停用，以下工作仍待其处理，请逐项转交他人：`,
          d.items.map((i) => `- ${i.what}：${i.link}`).join('\n'),
        ].join('\n\n'),
      html: (d, ctx) =>
        paragraphs(
          ctx.recipientName ? markup`${ctx.recipientName}，您好：` : '您好：',
          markup`<strong>${d.userName}</strong>已被停用，以下工作仍待其处理，请逐项转交他人：`,
          list(d.items),
        ),
    },
  },
});
