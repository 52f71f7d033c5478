import { z } from 'zod';
import { bulletList, cta, lines, section, textList } from './blocks';
import { ZLinkSchema, ZLongTextSchema, ZTextSchema } from './fields';
import { formatDate } from './format';
import { markup } from './html';
import { defineTemplate } from './types';

const schema = z.object({
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema,
  companyName: ZTextSchema,
  /** The first working day, YYYY-MM-DD. */
  startDate: z.iso.date(),
  /** From settings; may span several lines. */
  officeAddress: ZLongTextSchema,
  /** What to bring on the first day, in the reader's language; the section is left out when empty. */
  documentsToBring: z.array(ZTextSchema).max(30),
  /** The new employee's portal, where documents are uploaded. */
  portalUrl: ZLinkSchema,
  /** E.g. E2026-00042. */
  employeeNumber: ZTextSchema,
});

export const onboardingNotice = defineTemplate({
  audience: 'candidate',
  channels: ['email'],
  label: { en: 'Onboarding notice', 'zh-CN': '入职通知' },
  schema,
  content: {
    en: {
      subject: (d) => `Welcome to ${d.companyName}: you start on ${formatDate(d.startDate, 'en')}`,
      text: (d) =>
        [
          `Dear ${d.candidateName},`,
          `Welcome to ${d.companyName}! We are delighted that you accepted our offer and look forward to working with you as ${d.jobTitle}.`,
          `Your first day: ${formatDate(d.startDate, 'en')}\nYour employee number: ${d.employeeNumber}`,
          `Where to come:\n${d.officeAddress}`,
          d.documentsToBring.length
            ? `Please bring with you on your first day:\n${textList(d.documentsToBring)}`
            : null,
          `Before your first day, please upload your documents through your onboarding portal, where you will also find your onboarding checklist:\n${d.portalUrl}`,
          'This link is personal to you: please do not forward it.',
          `See you soon!\n${d.companyName} HR team`,
        ]
          .filter((l) => l !== null)
          .join('\n\n'),
      html: (d) =>
        section(
          markup`Dear ${d.candidateName},`,
          markup`Welcome to <strong>${d.companyName}</strong>! We are delighted that you accepted our offer and look forward to working with you as ${d.jobTitle}.`,
          markup`Your first day: <strong>${formatDate(d.startDate, 'en')}</strong><br>Your employee number: <strong>${d.employeeNumber}</strong>`,
          markup`<strong>Where to come</strong><br>${lines(d.officeAddress)}`,
          d.documentsToBring.length ? markup`<strong>Please bring with you on your first day</strong>` : null,
          d.documentsToBring.length ? bulletList(d.documentsToBring) : null,
          'Before your first day, please upload your documents through your onboarding portal, where you will also find your onboarding checklist.',
          cta(d.portalUrl, 'Open your onboarding portal'),
          'This link is personal to you: please do not forward it.',
          `See you soon!\n${d.companyName} HR team`,
        ),
    },
    'zh-CN': {
      subject: (d) => `欢迎加入${d.companyName}：您的入职日期为${formatDate(d.startDate, 'zh-CN')}`,
      text: (d) =>
        [
          `${d.candidateName}，您好：`,
          `欢迎加入${d.companyName}！很高兴您接受了我们的录用通知，期待与您在${d.jobTitle}岗位上共事。`,
          `入职日期：${formatDate(d.startDate, 'zh-CN')}\n员工编号：${d.employeeNumber}`,
          `报到地址：\n${d.officeAddress}`,
          d.documentsToBring.length ? `入职当天请携带：\n${textList(d.documentsToBring)}` : null,
          `请在入职前通过您的入职门户上传相关材料，您也可以在门户中查看入职清单：\n${d.portalUrl}`,
          '此链接仅供您本人使用，请勿转发。',
          `期待与您见面！\n${d.companyName}人力资源部`,
        ]
          .filter((l) => l !== null)
          .join('\n\n'),
      html: (d) =>
        section(
          markup`${d.candidateName}，您好：`,
          markup`欢迎加入<strong>${d.companyName}</strong>！很高兴您接受了我们的录用通知，期待与您在${d.jobTitle}岗位上共事。`,
          markup`入职日期：<strong>${formatDate(d.startDate, 'zh-CN')}</strong><br>员工编号：<strong>${d.employeeNumber}</strong>`,
          markup`<strong>报到地址</strong><br>${lines(d.officeAddress)}`,
          d.documentsToBring.length ? markup`<strong>入职当天请携带</strong>` : null,
          d.documentsToBring.length ? bulletList(d.documentsToBring) : null,
          '请在入职前通过您的入职门户上传相关材料，您也可以在门户中查看入职清单。',
          cta(d.portalUrl, '打开入职门户'),
          '此链接仅供您本人使用，请勿转发。',
          `期待与您见面！\n${d.companyName}人力资源部`,
        ),
    },
  },
});
