import { z } from 'zod';
import { ZTextSchema, ZWhenSchema } from './fields';
import { formatWhen } from './format';
import { section } from './blocks';
import { markup } from './html';
import { defineTemplate } from './types';

const schema = z.object({
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema,
  companyName: ZTextSchema,
  position: ZTextSchema,
  /** When the offer expired: a date or an ISO-8601 instant. */
  expiredAt: ZWhenSchema,
});
type D = z.output<typeof schema>;

const en = {
  expired: (d: D) =>
    `Your offer for the position of ${d.position} at ${d.companyName} expired on ${formatWhen(d.expiredAt, 'en')} without an answer, so it can no longer be accepted.`,
  contact:
    'If you are still interested in joining us, please contact our HR team and we will see what we can do.',
};

const zh = {
  expired: (d: D) =>
    `您在${d.companyName}的${d.position}职位录用通知已于${formatWhen(d.expiredAt, 'zh-CN')}失效，由于未收到您的答复，该录用通知已无法接受。`,
  contact: '如果您仍有意加入我们，请联系我们的人力资源团队，我们会尽力为您协调。',
};

export const offerExpired = defineTemplate({
  audience: 'candidate',
  channels: ['email'],
  label: { en: 'Offer expired', 'zh-CN': '录用通知已失效' },
  schema,
  content: {
    en: {
      subject: (d) => `Your offer from ${d.companyName} for ${d.jobTitle} has expired`,
      text: (d) =>
        [
          `Dear ${d.candidateName},`,
          en.expired(d),
          en.contact,
          `Kind regards,\n${d.companyName} recruiting team`,
        ].join('\n\n'),
      html: (d) =>
        section(
          markup`Dear ${d.candidateName},`,
          en.expired(d),
          en.contact,
          `Kind regards,\n${d.companyName} recruiting team`,
        ),
    },
    'zh-CN': {
      subject: (d) => `您的${d.companyName}${d.jobTitle}职位录用通知已失效`,
      text: (d) =>
        [`${d.candidateName}，您好：`, zh.expired(d), zh.contact, `${d.companyName}招聘团队`].join('\n\n'),
      html: (d) =>
        section(markup`${d.candidateName}，您好：`, zh.expired(d), zh.contact, `${d.companyName}招聘团队`),
    },
  },
});
