/**
 * The offer's stages (MISSION.md step 5): drafts and revisions, approval, the letter,
 * sending with a reminder and expiry, views, and the candidate's answer. `runOffers`
 * returns when the offer is answered, expires, or the application stops.
 */
import { condition } from '@temporalio/workflow';
import { addDuration } from '../../../domain/durations';
import type { TWorkflowContext } from '../../context';
import type { TApprovalLevelState, TCandidateResponse, TOfferVersion, TSubmitOfferCommand } from '../../messages';
import { acts } from '../../proxies';
import { currentOffer, isTerminal } from '../../state';
import { runApproval } from './approval';
import { publish, recordVersion, tellHr } from './effects';
import * as rules from './rules';

/** The submitOffer update: the current draft goes into approval along its resolved chain. */
export async function submit(ctx: TWorkflowContext, cmd: TSubmitOfferCommand): Promise<{ version: number; levels: TApprovalLevelState[] }> {
  const { state, input } = ctx;
  const v = currentOffer(state)!;
  v.status = 'in_approval';
  ctx.log('offer_submitted', cmd.actor, { version: v.version });
  const levels = await acts.resolveOfferApprovalChain({
    applicationId: input.applicationId,
    draft: v.offer,
    band: input.policy.offer.band,
    approvalChain: input.policy.offer.approvalChain,
    aboveBandApproverUserId: input.policy.offer.aboveBandApproverUserId,
  });
  if (currentOffer(state) !== v) return { version: v.version, levels: v.levels }; // revised meanwhile
  v.levels = levels.map((l) => ({ ...l, status: 'waiting', startedAt: null, dueAt: null, delegations: [] }));
  return { version: v.version, levels: v.levels };
}

/** The respondToOffer update. One signing per version: a second acceptance while the first is signing waits for it. */
export async function respond(ctx: TWorkflowContext, r: TCandidateResponse) {
  const { state, input } = ctx;
  const v = state.offers.find((x) => x.version === r.version)!;
  if (!v.response && r.kind === 'decline') rules.decline(state, v, r.reason, ctx.nowIso());
  if (!v.response && r.kind === 'accept') {
    let signing = ctx.signing.get(v.version);
    if (!signing) {
      const at = ctx.nowIso();
      signing = acts
        .signOffer({ applicationId: input.applicationId, version: v.version, signatureName: r.signatureName!, signedAt: at, ip: r.ip, userAgent: r.userAgent })
        .then((signed) => rules.accept(state, v, r, signed, at))
        .finally(() => ctx.signing.delete(v.version));
      ctx.signing.set(v.version, signing);
    }
    await signing;
  }
  return { version: v.version, stage: state.stage, response: v.response };
}

export async function runOffers(ctx: TWorkflowContext): Promise<void> {
  const { state, stopped } = ctx;
  const done = () => stopped() || isTerminal(state.stage) || state.stage === 'accepted';
  let seenVersion = 0;
  while (!done()) {
    // Wait for something to do: a submitted chain, a version to send, or a new draft.
    await ctx.park(() => {
      const c = currentOffer(state);
      return done() || (c !== null && (c.version !== seenVersion || (c.status === 'in_approval' && c.levels.length > 0) || (!c.requiresApproval && c.status === 'draft')));
    });
    if (done()) break;
    const cur = currentOffer(state)!;
    if (cur.version !== seenVersion) {
      const lastSeen = seenVersion;
      seenVersion = cur.version;
      // Every version superseded since the last one we handled (a revision may arrive mid-wait).
      for (const old of state.offers) if (old !== cur && old.version >= lastSeen) await recordVersion(ctx, old);
      await recordVersion(ctx, cur);
      if (cur.requiresApproval && state.stage !== 'offer_drafting') await ctx.moveTo('offer_drafting', 'system', { version: cur.version });
    }
    if (cur.status === 'in_approval' && cur.levels.length > 0) {
      const outcome = await runApproval(ctx, cur);
      if (outcome !== 'approved') continue;
      cur.status = 'approved';
      ctx.log('offer_approved', 'system', { version: cur.version });
      publish(ctx, 'approved', cur);
      tellHr(ctx, 'approved', cur);
    }
    if ((cur.status === 'approved' || (!cur.requiresApproval && cur.status === 'draft')) && currentOffer(state) === cur) {
      await sendVersion(ctx, cur);
      await awaitAnswer(ctx, cur);
    }
  }
}

async function sendVersion(ctx: TWorkflowContext, v: TOfferVersion) {
  const { state, input } = ctx;
  const sentAt = Date.now();
  v.sentAt = new Date(sentAt).toISOString();
  v.expiresAt = new Date(addDuration(sentAt, input.policy.timers.offerExpiry, state.calendar)).toISOString();
  const letter = await acts.renderOffer({ applicationId: input.applicationId, version: v.version, offer: v.offer, expiresAt: v.expiresAt, issuedAt: v.sentAt });
  v.letter = letter;
  v.status = 'sent';
  await recordVersion(ctx, v);
  await ctx.moveTo('offer_sent', 'system', { version: v.version });
  ctx.log('offer_sent', 'system', { version: v.version, sha256: letter.sha256, expiresAt: v.expiresAt });
  const revised = state.offers.some((o) => o.version < v.version && o.sentAt !== null);
  ctx.messenger.offer({ version: v.version, kind: 'sent', position: v.offer.position, expiresAt: v.expiresAt, revised });
  publish(ctx, 'sent', v);
  tellHr(ctx, 'sent', v);
}

async function awaitAnswer(ctx: TWorkflowContext, v: TOfferVersion): Promise<void> {
  const { state, input, stopped } = ctx;
  const expiresAt = Date.parse(v.expiresAt!);
  const reminderAt = addDuration(Date.parse(v.sentAt!), input.policy.timers.offerReminder, state.calendar);
  const moved = () => stopped() || currentOffer(state) !== v || v.response !== null || ctx.signing.has(v.version);
  let viewedTold = false;
  for (;;) {
    const next = !v.remindedAt && reminderAt < expiresAt ? reminderAt : expiresAt;
    const changed = await ctx.park(() => moved() || (v.status === 'viewed' && !viewedTold), Math.max(0, next - Date.now()));
    if (moved()) break;
    if (v.status === 'viewed' && !viewedTold) {
      viewedTold = true;
      await recordVersion(ctx, v);
      await ctx.moveTo('offer_viewed', 'system', { version: v.version });
      publish(ctx, 'viewed', v);
      tellHr(ctx, 'viewed', v);
      continue;
    }
    if (changed) continue;
    if (next === reminderAt && !v.remindedAt) {
      v.remindedAt = new Date().toISOString();
      ctx.log('offer_reminder_sent', 'system', { version: v.version });
      ctx.messenger.offer({ version: v.version, kind: 'reminder', position: v.offer.position, expiresAt: v.expiresAt! });
      tellHr(ctx, 'reminder_sent', v);
      continue;
    }
    v.status = 'expired';
    await recordVersion(ctx, v);
    await ctx.moveTo('expired', 'system', { version: v.version });
    ctx.messenger.offer({ version: v.version, kind: 'expired', position: v.offer.position, expiresAt: v.expiresAt! });
    publish(ctx, 'expired', v);
    tellHr(ctx, 'expired', v);
    return;
  }
  // An acceptance being signed finishes (or fails) before anything else happens.
  await condition(() => !ctx.signing.has(v.version));
  if (stopped() || currentOffer(state) !== v) return;
  if (!v.response) return awaitAnswer(ctx, v);
  await recordVersion(ctx, v);
  if (v.response?.kind === 'accepted') {
    await ctx.moveTo('accepted', 'system', { version: v.version });
    publish(ctx, 'accepted', v);
    tellHr(ctx, 'accepted', v);
  } else if (v.response?.kind === 'declined') {
    await ctx.moveTo('declined', 'system', { version: v.version, ...(v.response.reason ? { reason: v.response.reason } : {}) });
    publish(ctx, 'declined', v);
    tellHr(ctx, 'declined', v, v.response.reason ? { comment: v.response.reason } : {});
  }
}
