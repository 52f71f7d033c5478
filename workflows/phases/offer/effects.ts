/** What the offer steps tell the world: the database mirror, webhook events and HR. */
import type { TWorkflowContext } from '../../context';
import type { TOfferVersion } from '../../messages';
import { acts } from '../../proxies';
import { approvalItems } from './rules';

export const recordVersion = (ctx: TWorkflowContext, v: TOfferVersion) =>
  acts.recordOfferVersion({
    applicationId: ctx.input.applicationId,
    version: v.version,
    status: v.status,
    offer: v.offer,
    sentAt: v.sentAt,
    expiresAt: v.expiresAt,
    // For the offers report.
    viewedAt: v.viewedAt,
    remindedAt: v.remindedAt,
    respondedAt: v.response?.at ?? null,
  });

export const syncApprovals = (ctx: TWorkflowContext, v: TOfferVersion) =>
  acts.syncApprovalItems({ applicationId: ctx.input.applicationId, version: v.version, items: approvalItems(v) });

export const publish = (ctx: TWorkflowContext, event: 'approved' | 'sent' | 'viewed' | 'accepted' | 'declined' | 'expired', v: TOfferVersion) =>
  ctx.events.emit(`offer.${event}`, {
    version: v.version,
    position: v.offer.position,
    salary: v.offer.salary,
    startDate: v.offer.startDate,
    expiresAt: v.expiresAt,
    ...(v.letter ? { letterSha256: v.letter.sha256 } : {}),
  });

export const tellHr = (ctx: TWorkflowContext, event: string, v: TOfferVersion, extra: Record<string, unknown> = {}) =>
  ctx.messenger.staff({
    keyPrefix: `offer-${event}:v${v.version}`,
    applicationId: ctx.input.applicationId,
    role: 'hr',
    purpose: `offer_${event}`,
    template: 'offer_event',
    data: { event: event as 'viewed', ...ctx.candidate, version: v.version, ...extra },
  });
