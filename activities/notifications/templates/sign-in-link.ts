import { z } from 'zod';
import { cta, footnote, section, staffGreeting } from './blocks';
import { ZLinkSchema, ZTextSchema } from './fields';
import { markup } from './html';
import { defineTemplate } from './types';

const schema = z.object({
  companyName: ZTextSchema,
  /** The single-use link; it signs the holder in, so it is never stored or logged. */
  link: ZLinkSchema,
  validMinutes: z.number().int().min(1).max(1440),
});

/** Sent by the API (not a workflow) in answer to POST /auth/email-link. */
export const signInLink = defineTemplate({
  audience: 'staff',
  channels: ['email'],
  label: { en: 'Sign-in link', 'zh-CN': '登录链接' },
  schema,
  content: {
    en: {
      subject: (d) => `Your sign-in link for ${d.companyName} hiring`,
      text: (d, ctx) =>
        [
          staffGreeting('en', ctx.recipientName),
          `Open this link to sign in to ${d.companyName} hiring. It works once, within ${d.validMinutes} minutes:\n${d.link}`,
          'If you did not ask to sign in, ignore this e-mail; nobody can use the link without it.',
        ].join('\n\n'),
      html: (d, ctx) =>
        section(
          staffGreeting('en', ctx.recipientName),
          markup`Open this link to sign in to ${d.companyName} hiring. It works once, within ${d.validMinutes} minutes.`,
          cta(d.link, 'Sign in'),
          footnote('If you did not ask to sign in, ignore this e-mail; nobody can use the link without it.'),
        ),
    },
    'zh-CN': {
      subject: (d) => `${d.companyName}招聘系统登录链接`,
      text: (d, ctx) =>
        [
          staffGreeting('zh-CN', ctx.recipientName),
          `请打开以下链接登录${d.companyName}招聘系统。该链接仅可使用一次，${d.validMinutes} 分钟内有效：\n${d.link}`,
          '如果您没有申请登录，请忽略此邮件；没有此邮件，任何人都无法使用该链接。',
        ].join('\n\n'),
      html: (d, ctx) =>
        section(
          staffGreeting('zh-CN', ctx.recipientName),
          markup`请打开以下链接登录${d.companyName}招聘系统。该链接仅可使用一次，${d.validMinutes} 分钟内有效。`,
          cta(d.link, '登录'),
          footnote('如果您没有申请登录，请忽略此邮件；没有此邮件，任何人都无法使用该链接。'),
        ),
    },
  },
});
