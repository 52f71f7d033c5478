import type { z } from 'zod';
import { cta, footnote, formatShortInstant, section } from './blocks';
import { formatWhen } from './format';
import { markup } from './html';
import { ZOfferMessageSchema } from './offer-sent';
import { defineTemplate } from './types';

const schema = ZOfferMessageSchema;
type D = z.output<typeof schema>;

const en = {
  nudge: (d: D) =>
    `Just a friendly reminder: your offer for the position of ${d.position} at ${d.companyName} is still waiting for your answer.`,
  questions: 'If you have any questions about the offer, please contact us; we are happy to help.',
};

const zh = {
  nudge: (d: D) => `温馨提醒：您在${d.companyName}的${d.position}职位录用通知仍在等待您的答复。`,
  questions: '如您对录用通知有任何疑问，欢迎随时与我们联系。',
};

export const offerReminder = defineTemplate({
  audience: 'candidate',
  channels: ['email', 'sms'],
  label: { en: 'Offer reminder', 'zh-CN': '录用通知提醒' },
  schema,
  content: {
    en: {
      subject: (d) => `Reminder: your offer from ${d.companyName} for ${d.jobTitle} awaits your answer`,
      text: (d) =>
        [
          `Dear ${d.candidateName},`,
          en.nudge(d),
          `It expires on ${formatWhen(d.expiresAt, 'en')}. Please review it and accept or decline before then:\n${d.offerUrl}`,
          en.questions,
          `Kind regards,\n${d.companyName} recruiting team`,
          `Offer version ${d.version}`,
        ].join('\n\n'),
      html: (d) =>
        section(
          markup`Dear ${d.candidateName},`,
          en.nudge(d),
          markup`It expires on <strong>${formatWhen(d.expiresAt, 'en')}</strong>. Please review it and accept or decline before then.`,
          cta(d.offerUrl, 'Review your offer'),
          en.questions,
          `Kind regards,\n${d.companyName} recruiting team`,
          footnote(`Offer version ${d.version}`),
        ),
      // ASCII only: one 160-character GSM segment with a short link.
      sms: (d) =>
        `${d.companyName}: your offer for ${d.jobTitle} awaits your answer. It expires ${formatShortInstant(d.expiresAt, 'en')}. Review it here: ${d.offerUrl}`,
    },
    'zh-CN': {
      subject: (d) => `提醒：您的${d.companyName}${d.jobTitle}职位录用通知待您答复`,
      text: (d) =>
        [
          `${d.candidateName}，您好：`,
          zh.nudge(d),
          `该录用通知将于${formatWhen(d.expiresAt, 'zh-CN')}失效，请在此之前查看并接受或拒绝：\n${d.offerUrl}`,
          zh.questions,
          `${d.companyName}招聘团队`,
          `录用通知版本：第${d.version}版`,
        ].join('\n\n'),
      html: (d) =>
        section(
          markup`${d.candidateName}，您好：`,
          zh.nudge(d),
          markup`该录用通知将于<strong>${formatWhen(d.expiresAt, 'zh-CN')}</strong>失效，请在此之前查看并接受或拒绝。`,
          cta(d.offerUrl, '查看录用通知'),
          zh.questions,
          `${d.companyName}招聘团队`,
          footnote(`录用通知版本：第${d.version}版`),
        ),
      sms: (d) =>
        `【${d.companyName}】您的${d.jobTitle}录用通知待答复，${formatShortInstant(d.expiresAt, 'zh-CN')}截止：${d.offerUrl}`,
    },
  },
});
