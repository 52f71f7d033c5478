import { z } from 'zod';
import { ZTextSchema, ZWhenSchema } from './fields';
import { formatDate, formatShortDate, toPercent } from './format';
import { markup, paragraphs } from './html';
import { defineTemplate } from './types';

const schema = z.object({
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema,
  companyName: ZTextSchema,
  /** Interview accuracy, 0-1. */
  accuracy: z.number().min(0).max(1),
  /** Percentile rank among the job's other candidates; null when the sample is too small. */
  percentile: z.number().int().min(0).max(100).nullable(),
  /** The decision promise in business days, e.g. 3. */
  businessDays: z.number().int().min(0).max(365),
  /** When the promise runs out. */
  decisionBy: ZWhenSchema,
});
type D = z.output<typeof schema>;

/** "higher than 0% of candidates" says nothing a candidate wants to read, so 0 is left out like null. */
const showPercentile = (d: D): d is D & { percentile: number } => d.percentile !== null && d.percentile > 0;

const en = {
  results(d: D) {
    return `Your results: accuracy ${toPercent(d.accuracy)}%${
      showPercentile(d) ? `, higher than ${d.percentile}% of candidates for this role` : ''
    }.`;
  },
  promise(d: D) {
    const days = d.businessDays === 1 ? '1 business day' : `${d.businessDays} business days`;
    return `We will tell you the result within ${days}, by ${formatDate(d.decisionBy, 'en')}.`;
  },
  thanks: (d: D) => `Thank you for completing your interview for ${d.jobTitle} at ${d.companyName}.`,
};

const zh = {
  results(d: D) {
    return `您的面试结果：正确率${toPercent(d.accuracy)}%${
      showPercentile(d) ? `，高于该职位${d.percentile}%的候选人` : ''
    }。`;
  },
  promise: (d: D) =>
    `我们将在${d.businessDays}个工作日内（${formatDate(d.decisionBy, 'zh-CN')}前）通知您结果。`,
  thanks: (d: D) => `感谢您参加${d.companyName}${d.jobTitle}职位的面试，您的面试已完成。`,
};

export const interviewAcknowledgement = defineTemplate({
  audience: 'candidate',
  channels: ['email', 'sms'],
  label: { en: 'Interview acknowledgement', 'zh-CN': '面试完成确认' },
  schema,
  content: {
    en: {
      subject: (d) => `Your interview for ${d.jobTitle} is complete`,
      text: (d) =>
        [
          `Dear ${d.candidateName},`,
          en.thanks(d),
          en.promise(d),
          en.results(d),
          `Kind regards,\n${d.companyName} recruiting team`,
        ].join('\n\n'),
      html: (d) =>
        paragraphs(
          markup`Dear ${d.candidateName},`,
          en.thanks(d),
          en.promise(d),
          markup`<strong>${en.results(d)}</strong>`,
          `Kind regards,\n${d.companyName} recruiting team`,
        ),
      sms: (d) =>
        `${d.companyName}: your interview for ${d.jobTitle} is complete. Accuracy ${toPercent(d.accuracy)}%${
          showPercentile(d) ? `, higher than ${d.percentile}% of candidates` : ''
        }. Result by ${formatShortDate(d.decisionBy, 'en')}.`,
    },
    'zh-CN': {
      subject: (d) => `您的${d.jobTitle}职位面试已完成`,
      text: (d) =>
        [
          `${d.candidateName}，您好：`,
          zh.thanks(d),
          zh.promise(d),
          zh.results(d),
          `${d.companyName}招聘团队`,
        ].join('\n\n'),
      html: (d) =>
        paragraphs(
          markup`${d.candidateName}，您好：`,
          zh.thanks(d),
          zh.promise(d),
          markup`<strong>${zh.results(d)}</strong>`,
          `${d.companyName}招聘团队`,
        ),
      sms: (d) =>
        `【${d.companyName}】您的${d.jobTitle}职位面试已完成，正确率${toPercent(d.accuracy)}%${
          showPercentile(d) ? `，高于该职位${d.percentile}%的候选人` : ''
        }。我们将于${formatShortDate(d.decisionBy, 'zh-CN')}前通知您结果。`,
    },
  },
});
