import { z } from 'zod';
import type { TLocale } from '../../../domain/contracts/common';
import { cta, lines, section } from './blocks';
import { ZLinkSchema, ZLongTextSchema, ZTextSchema } from './fields';
import { markup } from './html';
import { defineTemplate } from './types';

/** The documents a candidate uploads; add a key here (with both labels) for a new kind. */
export const DOCUMENT_KINDS = {
  id_copy: { en: ['ID copy', 'ID copy'], 'zh-CN': ['身份证件复印件', '身份证件复印件'] },
  diploma: { en: ['Diploma', 'diploma'], 'zh-CN': ['学历证书', '学历证书'] },
  medical_report: { en: ['Medical report', 'medical report'], 'zh-CN': ['体检报告', '体检报告'] },
} as const satisfies Record<string, Record<TLocale, readonly [title: string, phrase: string]>>;

export type TDocumentKind = keyof typeof DOCUMENT_KINDS;

const schema = z.object({
  candidateName: ZTextSchema,
  companyName: ZTextSchema,
  documentKind: z.enum(Object.keys(DOCUMENT_KINDS) as [TDocumentKind, ...TDocumentKind[]]),
  /** HR's reason, shown as written (escaped). */
  reason: ZLongTextSchema,
  /** The candidate's onboarding portal, to upload a new copy. */
  portalUrl: ZLinkSchema,
});

export const documentRejected = defineTemplate({
  audience: 'candidate',
  channels: ['email'],
  label: { en: 'Document not accepted', 'zh-CN': '材料未通过审核' },
  schema,
  content: {
    en: {
      subject: (d) => `Please upload your ${DOCUMENT_KINDS[d.documentKind].en[1]} again`,
      text: (d) =>
        [
          `Dear ${d.candidateName},`,
          `Thank you for uploading your ${DOCUMENT_KINDS[d.documentKind].en[1]}. Unfortunately we could not accept it.`,
          `Reason: ${d.reason}`,
          `Please upload a new copy through your onboarding portal:\n${d.portalUrl}`,
          `Kind regards,\n${d.companyName} HR team`,
        ].join('\n\n'),
      html: (d) =>
        section(
          markup`Dear ${d.candidateName},`,
          markup`Thank you for uploading your <strong>${DOCUMENT_KINDS[d.documentKind].en[1]}</strong>. Unfortunately we could not accept it.`,
          markup`<strong>Reason:</strong> ${lines(d.reason)}`,
          'Please upload a new copy through your onboarding portal.',
          cta(d.portalUrl, 'Upload a new copy'),
          `Kind regards,\n${d.companyName} HR team`,
        ),
    },
    'zh-CN': {
      subject: (d) => `请重新上传您的${DOCUMENT_KINDS[d.documentKind]['zh-CN'][1]}`,
      text: (d) =>
        [
          `${d.candidateName}，您好：`,
          `感谢您上传${DOCUMENT_KINDS[d.documentKind]['zh-CN'][1]}。很抱歉，该材料未能通过审核。`,
          `原因：${d.reason}`,
          `请通过您的入职门户重新上传：\n${d.portalUrl}`,
          `${d.companyName}人力资源部`,
        ].join('\n\n'),
      html: (d) =>
        section(
          markup`${d.candidateName}，您好：`,
          markup`感谢您上传<strong>${DOCUMENT_KINDS[d.documentKind]['zh-CN'][1]}</strong>。很抱歉，该材料未能通过审核。`,
          markup`<strong>原因：</strong>${lines(d.reason)}`,
          '请通过您的入职门户重新上传。',
          cta(d.portalUrl, '重新上传'),
          `${d.companyName}人力资源部`,
        ),
    },
  },
});
