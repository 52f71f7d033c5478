import { z } from 'zod';
import type { TLocale } from '../../../domain/contracts/common';
import { cta, lines, section, staffGreeting } from './blocks';
import { ZLinkSchema, ZLongTextSchema, ZTextSchema } from './fields';
import { markup } from './html';
import { defineTemplate, type TRenderContext } from './types';

export const OFFER_EVENTS = [
  'approved',
  'approval_rejected',
  'sent',
  'viewed',
  'reminder_sent',
  'accepted',
  'declined',
  'expired',
  'delegated',
] as const;
export type TOfferEvent = (typeof OFFER_EVENTS)[number];

const schema = z.object({
  event: z.enum(OFFER_EVENTS),
  candidateName: ZTextSchema,
  jobTitle: ZTextSchema,
  version: z.number().int().min(1),
  /**
   * Who acted: the approver, the sender, who delegated. Named for approved, approval_rejected,
   * sent and delegated; the other events are the candidate's or the clock's and leave it out.
   */
  actorName: ZTextSchema.optional(),
  /** The approver's rejection comment, the candidate's decline reason, a delegation note. */
  comment: ZLongTextSchema.optional(),
  link: ZLinkSchema.optional(),
});
type D = z.output<typeof schema>;

interface TEventWording {
  /** Subject: "<title>: <candidate> (v<n>)". */
  title: string;
  /** What happened, one sentence; `offer` is "offer v2 for Ada (Engineer)" in the locale. */
  sentence(offer: string, actor: string | undefined): string;
  /** The label in front of the comment. */
  commentLabel: string;
}

const EN: Record<TOfferEvent, TEventWording> = {
  approved: {
    title: 'Offer approved',
    sentence: (o, a) => `${cap(o)} has been approved${a ? ` by ${a}` : ''}.`,
    commentLabel: 'Comment',
  },
  approval_rejected: {
    title: 'Offer approval rejected',
    sentence: (o, a) =>
      a
        ? `${a} rejected ${o}. It is back in drafting.`
        : `${cap(o)} was rejected in approval and is back in drafting.`,
    commentLabel: "Approver's comment",
  },
  sent: {
    title: 'Offer sent',
    sentence: (o, a) => `${cap(o)} has been sent to the candidate${a ? ` by ${a}` : ''}.`,
    commentLabel: 'Comment',
  },
  viewed: {
    title: 'Offer viewed',
    sentence: (o) => `The candidate has opened ${o}.`,
    commentLabel: 'Comment',
  },
  reminder_sent: {
    title: 'Offer reminder sent',
    sentence: (o) => `${cap(o)} has not been answered yet; the candidate has been sent a reminder.`,
    commentLabel: 'Comment',
  },
  accepted: {
    title: 'Offer accepted',
    sentence: (o) => `The candidate has accepted and signed ${o}.`,
    commentLabel: 'Comment',
  },
  declined: {
    title: 'Offer declined',
    sentence: (o) => `The candidate has declined ${o}.`,
    commentLabel: 'Reason given',
  },
  expired: {
    title: 'Offer expired',
    sentence: (o) => `${cap(o)} has expired without an answer from the candidate.`,
    commentLabel: 'Comment',
  },
  delegated: {
    title: 'Offer approval delegated',
    sentence: (o, a) => `The pending approval of ${o} has been delegated${a ? ` by ${a}` : ''}.`,
    commentLabel: 'Note',
  },
};

const ZH: Record<TOfferEvent, TEventWording> = {
  approved: {
    title: '录用通知已审批通过',
    sentence: (o, a) => `${o}已${a ? `由${a}` : ''}审批通过。`,
    commentLabel: '审批意见',
  },
  approval_rejected: {
    title: '录用通知审批被驳回',
    sentence: (o, a) => (a ? `${a}驳回了${o}，已退回草拟阶段。` : `${o}的审批被驳回，已退回草拟阶段。`),
    commentLabel: '审批意见',
  },
  sent: {
    title: '录用通知已发送',
    sentence: (o, a) => `${o}已${a ? `由${a}` : ''}发送给候选人。`,
    commentLabel: '备注',
  },
  viewed: {
    title: '录用通知已查看',
    sentence: (o) => `候选人已查看${o}。`,
    commentLabel: '备注',
  },
  reminder_sent: {
    title: '录用通知提醒已发送',
    sentence: (o) => `${o}尚未得到答复，已向候选人发送提醒。`,
    commentLabel: '备注',
  },
  accepted: {
    title: '录用通知已接受',
    sentence: (o) => `候选人已接受并签署${o}。`,
    commentLabel: '备注',
  },
  declined: {
    title: '录用通知已被拒绝',
    sentence: (o) => `候选人已拒绝${o}。`,
    commentLabel: '拒绝原因',
  },
  expired: {
    title: '录用通知已失效',
    sentence: (o) => `${o}已失效，候选人未作答复。`,
    commentLabel: '备注',
  },
  delegated: {
    title: '录用审批已转交',
    sentence: (o, a) => `${o}的待处理审批已${a ? `由${a}` : ''}转交他人。`,
    commentLabel: '说明',
  },
};

export const OFFER_EVENT_WORDING: Record<TLocale, Record<TOfferEvent, TEventWording>> = {
  en: EN,
  'zh-CN': ZH,
};

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const offerPhrase = (d: D, locale: TLocale) =>
  locale === 'zh-CN'
    ? `${d.candidateName}（${d.jobTitle}）的录用通知（第${d.version}版）`
    : `offer v${d.version} for ${d.candidateName} (${d.jobTitle})`;

const subject = (d: D, locale: TLocale) =>
  locale === 'zh-CN'
    ? `${ZH[d.event].title}：${d.candidateName}（v${d.version}）`
    : `${EN[d.event].title}: ${d.candidateName} (v${d.version})`;

function content(locale: TLocale, linkLabel: string) {
  const w = OFFER_EVENT_WORDING[locale];
  const sep = locale === 'zh-CN' ? '：' : ': ';
  return {
    subject: (d: D) => subject(d, locale),
    text: (d: D, ctx: TRenderContext) =>
      [
        staffGreeting(locale, ctx.recipientName),
        w[d.event].sentence(offerPhrase(d, locale), d.actorName),
        d.comment ? `${w[d.event].commentLabel}${sep}${d.comment}` : null,
        d.link ?? null,
      ]
        .filter((l) => l !== null)
        .join('\n\n'),
    html: (d: D, ctx: TRenderContext) =>
      section(
        staffGreeting(locale, ctx.recipientName),
        w[d.event].sentence(offerPhrase(d, locale), d.actorName),
        d.comment ? markup`<strong>${w[d.event].commentLabel}</strong>${sep}${lines(d.comment)}` : null,
        d.link ? cta(d.link, linkLabel) : null,
      ),
  };
}

export const offerEvent = defineTemplate({
  audience: 'staff',
  channels: ['email'],
  label: { en: 'Offer update', 'zh-CN': '录用通知动态' },
  schema,
  content: { en: content('en', 'Open the offer'), 'zh-CN': content('zh-CN', '查看录用通知') },
});
