import { z } from 'zod';
import { cta, footnote, section } from './blocks';
import { ZLinkSchema, ZTextSchema } from './fields';
import { formatWhen } from './format';
import { markup } from './html';
import { defineTemplate } from './types';

/** The offer as the candidate's messages show it; offer_reminder uses the same fields minus `revised`. */
export const ZOfferMessageSchema = z.object({
  candidateName: ZTextSchema,
  /** The job applied for (subject line). */
  jobTitle: ZTextSchema,
  companyName: ZTextSchema,
  /** The position as the offer names it; may equal jobTitle. */
  position: ZTextSchema,
  /** The candidate's offer page (/offers/:token). */
  offerUrl: ZLinkSchema,
  /** When the offer expires: an ISO-8601 instant with offset. */
  expiresAt: z.iso.datetime({ offset: true }),
  /** The offer version this message is about. */
  version: z.number().int().min(1),
});

const schema = ZOfferMessageSchema.extend({
  /** A re-issued offer: "your offer has been updated". */
  revised: z.boolean().default(false),
});
type D = z.output<typeof schema>;

/** "(you applied for X)" only when the offer names another position than the job. */
const differs = (d: Pick<D, 'position' | 'jobTitle'>) => d.position !== d.jobTitle;

const en = {
  intro: (d: D) =>
    d.revised
      ? `Your offer for the position of ${d.position} at ${d.companyName} has been updated. This version replaces the one we sent before, which can no longer be accepted.`
      : `We are delighted to offer you the position of ${d.position} at ${d.companyName}${differs(d) ? `, following your application for ${d.jobTitle}` : ''}.`,
  deadline: (d: D) =>
    `Please review the offer and sign it online before ${formatWhen(d.expiresAt, 'en')}. If we have not heard from you by then, the offer will expire.`,
  page: 'On the offer page you can read the full offer letter (PDF), accept it by typing your full name, or decline it.',
  personal: 'This link is personal to you: please do not forward it.',
};

const zh = {
  intro: (d: D) =>
    d.revised
      ? `您在${d.companyName}的${d.position}职位录用通知已更新。此版本取代之前发送的版本，之前的版本已无法接受。`
      : `我们很高兴地通知您：${d.companyName}决定录用您担任${d.position}职位${differs(d) ? `（您申请的职位：${d.jobTitle}）` : ''}。`,
  deadline: (d: D) =>
    `请在${formatWhen(d.expiresAt, 'zh-CN')}前在线查看并签署录用通知。逾期未回复，录用通知将自动失效。`,
  page: '在录用通知页面上，您可以阅读完整的录用通知书（PDF），输入您的全名以接受录用，或选择拒绝。',
  personal: '此链接仅供您本人使用，请勿转发。',
};

export const offerSent = defineTemplate({
  audience: 'candidate',
  channels: ['email'],
  label: { en: 'Offer', 'zh-CN': '录用通知' },
  schema,
  content: {
    en: {
      subject: (d) =>
        d.revised
          ? `Your updated offer from ${d.companyName}: ${d.jobTitle}`
          : `Your offer from ${d.companyName}: ${d.jobTitle}`,
      text: (d) =>
        [
          `Dear ${d.candidateName},`,
          en.intro(d),
          en.deadline(d),
          en.page,
          `Review and sign your offer:\n${d.offerUrl}`,
          en.personal,
          `Kind regards,\n${d.companyName} recruiting team`,
          `Offer version ${d.version}`,
        ].join('\n\n'),
      html: (d) =>
        section(
          markup`Dear ${d.candidateName},`,
          en.intro(d),
          markup`Please review the offer and sign it online before <strong>${formatWhen(d.expiresAt, 'en')}</strong>. If we have not heard from you by then, the offer will expire.`,
          en.page,
          cta(d.offerUrl, 'Review and sign your offer'),
          en.personal,
          `Kind regards,\n${d.companyName} recruiting team`,
          footnote(`Offer version ${d.version}`),
        ),
    },
    'zh-CN': {
      subject: (d) =>
        d.revised
          ? `您的${d.companyName}录用通知已更新：${d.jobTitle}`
          : `您的${d.companyName}录用通知：${d.jobTitle}`,
      text: (d) =>
        [
          `${d.candidateName}，您好：`,
          zh.intro(d),
          zh.deadline(d),
          zh.page,
          `查看并签署录用通知：\n${d.offerUrl}`,
          zh.personal,
          `${d.companyName}招聘团队`,
          `录用通知版本：第${d.version}版`,
        ].join('\n\n'),
      html: (d) =>
        section(
          markup`${d.candidateName}，您好：`,
          zh.intro(d),
          markup`请在<strong>${formatWhen(d.expiresAt, 'zh-CN')}</strong>前在线查看并签署录用通知。逾期未回复，录用通知将自动失效。`,
          zh.page,
          cta(d.offerUrl, '查看并签署录用通知'),
          zh.personal,
          `${d.companyName}招聘团队`,
          footnote(`录用通知版本：第${d.version}版`),
        ),
    },
  },
});
