/**
 * One submitted version through its approval chain: each level in turn, its approvers
 * asked when it starts and reminded once when its period runs out, the inbox mirror kept
 * true after every decision and delegation.
 */
import { addDuration } from '../../../domain/durations';
import type { TWorkflowContext } from '../../context';
import type { TApprovalLevelState, TOfferVersion } from '../../messages';
import { currentOffer } from '../../state';
import { recordVersion, syncApprovals, tellHr } from './effects';
import { undecidedApprovers } from './rules';

export async function runApproval(ctx: TWorkflowContext, v: TOfferVersion): Promise<'approved' | 'rejected' | 'superseded'> {
  const { state, input, stopped } = ctx;
  await ctx.moveTo('offer_approval', 'system', { version: v.version });
  if (v.levels.length === 0) return 'approved';
  for (let i = 0; i < v.levels.length; i++) {
    const level = v.levels[i]!;
    level.status = 'pending';
    level.startedAt = new Date().toISOString();
    level.dueAt = new Date(addDuration(Date.now(), input.policy.timers.approvalReminder, state.calendar)).toISOString();
    await syncApprovals(ctx, v);
    askApprovers(ctx, v, level, i, false);
    const decided = () => level.status !== 'pending' || currentOffer(state) !== v || stopped();
    // Wait for the level, reminding once when its period runs out; the mirror follows
    // every decision and delegation so GET /v1/approvals stays true.
    const seen = () => `${level.approvers.join(',')}|${v.decisions.length}`;
    let last = seen();
    let reminded = false;
    for (;;) {
      const timeout = reminded ? undefined : Math.max(0, Date.parse(level.dueAt) - Date.now());
      const changed = await ctx.park(() => decided() || seen() !== last, timeout);
      if (decided()) break;
      if (seen() !== last) {
        const delegated = !last.startsWith(`${level.approvers.join(',')}|`);
        last = seen();
        await syncApprovals(ctx, v);
        if (delegated) askApprovers(ctx, v, level, i, false);
        continue;
      }
      if (!changed && !reminded) {
        reminded = true;
        ctx.log('offer_approval_overdue', 'system', { version: v.version, level: i + 1 });
        askApprovers(ctx, v, level, i, true);
      }
    }
    await syncApprovals(ctx, v);
    if (currentOffer(state) !== v || stopped()) return 'superseded';
    // (the handlers changed it while we waited)
    const outcome = level.status as TApprovalLevelState['status'];
    if (outcome === 'rejected') {
      v.status = 'approval_rejected';
      v.levels.slice(i + 1).forEach((l) => (l.status = 'cancelled'));
      await syncApprovals(ctx, v);
      await recordVersion(ctx, v);
      const refusal = [...v.decisions].reverse().find((d) => d.decision === 'reject');
      await ctx.moveTo('offer_drafting', 'system', { version: v.version, rejectedBy: refusal?.userName ?? null });
      tellHr(ctx, 'approval_rejected', v, { actorName: refusal?.userName, ...(refusal?.comment ? { comment: refusal.comment } : {}) });
      return 'rejected';
    }
  }
  return 'approved';
}

function askApprovers(ctx: TWorkflowContext, v: TOfferVersion, level: TApprovalLevelState, index: number, overdue: boolean) {
  const userIds = undecidedApprovers(v, index);
  if (!userIds.length) return;
  ctx.messenger.staff({
    keyPrefix: `offer-approval${overdue ? '-reminder' : ''}:v${v.version}:l${index + 1}:${userIds.join('.')}`,
    applicationId: ctx.input.applicationId,
    userIds,
    purpose: overdue ? 'offer_approval_reminder' : 'offer_approval_request',
    template: 'action_required',
    data: { action: 'offer_approval', ...ctx.candidate, dueAt: level.dueAt!, overdue, note: `${v.offer.position}, v${v.version}` },
  });
}
