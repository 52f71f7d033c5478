import { z } from 'zod';
import { ZLongTextSchema, ZTextSchema } from './fields';
import { markup, paragraphs, type THtmlValue } from './html';
import { defineTemplate } from './types';

/**
 * Personalised feedback to a rejected candidate (domain/feedback.ts picks the items).
 * Carries only the candidate's own dimension names and suggestions: never scores,
 * other candidates, evaluator names or internal comments.
 */
const ZItemSchema = z.object({ key: z.string(), name: ZTextSchema, suggestion: ZLongTextSchema.optional() });
const schema = z.object({
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema,
  companyName: ZTextSchema,
  strengths: z.array(ZItemSchema).max(5),
  improvements: z.array(ZItemSchema).max(5),
});

const list = (items: THtmlValue[]) => markup`<ul style="margin:0 0 16px 20px;padding:0">${items}</ul>`;

export const rejectionFeedback = defineTemplate({
  audience: 'candidate',
  channels: ['email'],
  label: { en: 'Application result with feedback', 'zh-CN': '申请结果与反馈' },
  schema,
  content: {
    en: {
      subject: (d) => `Your application for ${d.jobTitle} at ${d.companyName}`,
      text: (d) =>
        [
          `Dear ${d.candidateName},`,
          `Thank you for your time and interest in the ${d.jobTitle} role at ${d.companyName}. After careful review we have decided not to move forward with your application.`,
          d.strengths.length ? `What you did well:\n${d.strengths.map((s) => `- ${s.name}`).join('\n')}` : '',
          d.improvements.length
            ? `What to work on:\n${d.improvements.map((s) => `- ${s.name}: ${s.suggestion ?? ''}`).join('\n')}`
            : '',
          'We hope this helps, and we wish you every success.',
          `${d.companyName} recruiting team`,
        ]
          .filter(Boolean)
          .join('\n\n'),
      html: (d) =>
        paragraphs(
          markup`Dear ${d.candidateName},`,
          markup`Thank you for your time and interest in the <strong>${d.jobTitle}</strong> role at ${d.companyName}. After careful review we have decided not to move forward with your application.`,
          d.strengths.length ? markup`<strong>What you did well</strong>` : null,
          d.strengths.length ? list(d.strengths.map((s) => markup`<li>${s.name}</li>`)) : null,
          d.improvements.length ? markup`<strong>What to work on</strong>` : null,
          d.improvements.length
            ? list(d.improvements.map((s) => markup`<li><strong>${s.name}</strong>: ${s.suggestion ?? ''}</li>`))
            : null,
          'We hope this helps, and we wish you every success.',
          markup`${d.companyName} recruiting team`,
        ),
    },
    'zh-CN': {
      subject: (d) => `关于您申请${d.companyName}${d.jobTitle}职位的结果`,
      text: (d) =>
        [
          `${d.candidateName}，您好：`,
          `感谢您对${d.companyName}${d.jobTitle}职位的关注和投入的时间。经过认真评估，我们决定暂不推进您的申请。`,
          d.strengths.length ? `您表现出色的方面：\n${d.strengths.map((s) => `- ${s.name}`).join('\n')}` : '',
          d.improvements.length
            ? `可以继续提升的方面：\n${d.improvements.map((s) => `- ${s.name}：${s.suggestion ?? ''}`).join('\n')}`
            : '',
          '希望这些反馈对您有所帮助，祝您一切顺利。',
          `${d.companyName}招聘团队`,
        ]
          .filter(Boolean)
          .join('\n\n'),
      html: (d) =>
        paragraphs(
          markup`${d.candidateName}，您好：`,
          markup`感谢您对${d.companyName}<strong>${d.jobTitle}</strong>职位的关注和投入的时间。经过认真评估，我们决定暂不推进您的申请。`,
          d.strengths.length ? markup`<strong>您表现出色的方面</strong>` : null,
          d.strengths.length ? list(d.strengths.map((s) => markup`<li>${s.name}</li>`)) : null,
          d.improvements.length ? markup`<strong>可以继续提升的方面</strong>` : null,
          d.improvements.length
            ? list(d.improvements.map((s) => markup`<li><strong>${s.name}</strong>：${s.suggestion ?? ''}</li>`))
            : null,
          '希望这些反馈对您有所帮助，祝您一切顺利。',
          markup`${d.companyName}招聘团队`,
        ),
    },
  },
});
