/**
 * The offer half of the workflow (MISSION.md step 5): drafts and revisions, the
 * multi-level approval chain with quorums and delegation, the letter, sending with
 * reminders and expiry, views, and the candidate's answer. `registerOfferHandlers`
 * installs the updates; `runOffers` drives the stages until the candidate answers,
 * the offer expires or the application is withdrawn.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TStage } from '../domain/contracts/application';
import { addDuration } from '../domain/durations';
import { draftProblems, revisionNeedsApproval, signatureMatches } from '../domain/offers';
import { reject } from './errors';
import type { EventPump } from './events';
import type { Messenger } from './notify';
import {
  approvalUpdate,
  candidateResponseUpdate,
  delegateApprovalUpdate,
  draftOfferUpdate,
  offerViewedSignal,
  submitOfferUpdate,
  type TActor,
  type TApprovalCommand,
  type TApprovalLevelState,
  type TCandidateResponse,
  type TDelegateCommand,
  type TDraftOfferCommand,
  type TOfferVersion,
  type TSubmitOfferCommand,
} from './messages';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS, NON_RETRYABLE_ERROR_TYPES } from './retry';
import { currentOffer, isTerminal, type TWorkflowState } from './state';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT_MS,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

export interface OfferContext {
  state: TWorkflowState;
  messenger: Messenger;
  moveTo: (stage: TStage, actor?: TActor | 'system', detail?: Record<string, unknown>) => Promise<void>;
  log: (type: string, actor: TActor | 'system', detail?: Record<string, unknown>) => void;
  stopped: () => boolean;
  /** Acceptances being signed, by version (not part of the queried state). */
  signing: Map<number, Promise<void>>;
  events: EventPump;
}

type TApprovalItemStatus = 'pending' | 'approved' | 'rejected' | 'delegated' | 'cancelled';

const DRAFTABLE: readonly TStage[] = ['offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed'];
const isHr = (a: TActor) => a.roles.includes('hr') || a.roles.includes('admin');
const today = () => new Date().toISOString().slice(0, 10);

export function registerOfferHandlers(ctx: OfferContext) {
  const { state, log } = ctx;
  const input = state.input;
  const nowIso = () => new Date().toISOString();
  const pendingLevel = (v: TOfferVersion) => v.levels.findIndex((l) => l.status === 'pending');
  /** The last version that went through the whole chain: what a revision is measured against. */
  const approvedOffer = () =>
    [...state.offers].reverse().find((v) => v.levels.length > 0 && v.levels.every((l) => l.status === 'approved'))?.offer ?? null;

  setHandler(
    draftOfferUpdate,
    (cmd) => {
      const previous = currentOffer(state);
      const approved = approvedOffer();
      const wasSent = previous?.status === 'sent' || previous?.status === 'viewed';
      const requiresApproval = !wasSent || revisionNeedsApproval(cmd.offer, approved, input.policy.offer.band);
      if (previous && previous.status !== 'superseded') {
        if (previous.status === 'in_approval') previous.levels.forEach((l) => l.status === 'pending' && (l.status = 'cancelled'));
        previous.status = 'superseded';
      }
      const version: TOfferVersion = {
        version: (previous?.version ?? 0) + 1,
        offer: cmd.offer,
        status: 'draft',
        createdAt: nowIso(),
        createdBy: { id: cmd.actor.id, name: cmd.actor.name },
        requiresApproval,
        levels: [],
        decisions: [],
        letter: null,
        sentAt: null,
        expiresAt: null,
        viewedAt: null,
        remindedAt: null,
        response: null,
      };
      state.offers.push(version);
      log(previous ? 'offer_revised' : 'offer_drafted', cmd.actor, {
        version: version.version,
        salary: cmd.offer.salary,
        requiresApproval,
      });
      // A revision within what was approved goes straight back out; anything else waits for HR to submit.
      const stage: TStage = wasSent && !requiresApproval ? state.stage : 'offer_drafting';
      return { version: version.version, requiresApproval, stage };
    },
    {
      validator: (cmd: TDraftOfferCommand) => {
        if (!DRAFTABLE.includes(state.stage)) reject('WrongStage', `an offer is drafted after the decision to advance, not in ${state.stage}`);
        if (!isHr(cmd.actor)) reject('Forbidden', 'only HR drafts offers');
        const problems = draftProblems(cmd.offer, input.policy.offer.band, today());
        if (problems.length) reject('ValidationFailed', 'the offer is not valid for this job', problems);
      },
    },
  );

  setHandler(
    submitOfferUpdate,
    async (cmd) => {
      const v = currentOffer(state)!;
      v.status = 'in_approval';
      log('offer_submitted', cmd.actor, { version: v.version });
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
    },
    {
      validator: (cmd: TSubmitOfferCommand) => {
        if (!isHr(cmd.actor)) reject('Forbidden', 'only HR submits offers');
        const v = currentOffer(state);
        if (state.stage !== 'offer_drafting' || !v) reject('WrongStage', `there is no draft to submit in ${state.stage}`);
        if (v.status !== 'draft' && v.status !== 'approval_rejected') reject('Conflict', `offer v${v.version} is ${v.status}; draft a revision first`);
        if (v.status === 'approval_rejected') reject('Conflict', `offer v${v.version} was rejected in approval; revise it first`);
      },
    },
  );

  setHandler(
    approvalUpdate,
    (cmd) => {
      const v = currentOffer(state)!;
      const index = pendingLevel(v);
      const level = v.levels[index]!;
      v.decisions.push({ level: index, userId: cmd.actor.id, userName: cmd.actor.name, decision: cmd.decision, comment: cmd.comment ?? null, at: nowIso() });
      log(cmd.decision === 'approve' ? 'offer_approval_given' : 'offer_approval_refused', cmd.actor, {
        version: v.version,
        level: index + 1,
        ...(cmd.comment ? { comment: cmd.comment } : {}),
      });
      const approvals = v.decisions.filter((d) => d.level === index && d.decision === 'approve').length;
      if (cmd.decision === 'reject') level.status = 'rejected';
      else if (approvals >= level.required) level.status = 'approved';
      return { version: v.version, level: index + 1, status: level.status, stage: state.stage };
    },
    {
      validator: (cmd: TApprovalCommand) => {
        const v = currentOffer(state);
        if (state.stage !== 'offer_approval' || !v || v.status !== 'in_approval') {
          if (cmd.version !== undefined && v && cmd.version !== v.version) reject('StaleVersion', `offer v${cmd.version} is no longer current (now v${v.version})`);
          reject('WrongStage', `no offer is waiting for approval (stage ${state.stage})`);
        }
        if (cmd.version !== undefined && cmd.version !== v.version) reject('StaleVersion', `offer v${cmd.version} is no longer current (now v${v.version})`);
        const index = pendingLevel(v);
        const level = v.levels[index];
        if (!level || !level.approvers.includes(cmd.actor.id)) reject('Forbidden', 'you are not an approver of the current level');
        if (v.decisions.some((d) => d.level === index && d.userId === cmd.actor.id)) reject('Conflict', 'you have already decided on this level');
      },
    },
  );

  setHandler(
    delegateApprovalUpdate,
    (cmd) => {
      const v = currentOffer(state)!;
      const index = pendingLevel(v);
      const level = v.levels[index]!;
      level.approvers = level.approvers.map((a) => (a === cmd.fromUserId ? cmd.to.id : a));
      const fromName = cmd.fromName ?? cmd.fromUserId;
      level.delegations.push({ fromUserId: cmd.fromUserId, fromName, toUserId: cmd.to.id, toName: cmd.to.name, by: cmd.actor.id, byName: cmd.actor.name, at: nowIso() });
      log('offer_approval_delegated', cmd.actor, { version: v.version, level: index + 1, fromUserId: cmd.fromUserId, fromName, toUserId: cmd.to.id, toName: cmd.to.name });
      return { version: v.version, level: index + 1, approvers: level.approvers };
    },
    {
      validator: (cmd: TDelegateCommand) => {
        if (!isHr(cmd.actor)) reject('Forbidden', 'only HR or an admin delegates approvals');
        const v = currentOffer(state);
        if (state.stage !== 'offer_approval' || !v || pendingLevel(v) < 0) reject('WrongStage', 'no approval is pending');
        const level = v.levels[pendingLevel(v)]!;
        const decided = new Set(v.decisions.filter((d) => d.level === pendingLevel(v)).map((d) => d.userId));
        if (!level.approvers.includes(cmd.fromUserId) || decided.has(cmd.fromUserId)) {
          reject('ValidationFailed', 'fromUserId has no pending approval at the current level', [{ path: 'body.fromUserId', message: 'not a pending approver' }]);
        }
        if (level.approvers.includes(cmd.to.id)) {
          reject('ValidationFailed', 'toUserId is already an approver of this level', [{ path: 'body.toUserId', message: 'already an approver' }]);
        }
      },
    },
  );

  setHandler(offerViewedSignal, (seen) => markViewed(seen.version, seen.via));

  setHandler(
    candidateResponseUpdate,
    async (r) => {
      const v = state.offers.find((x) => x.version === r.version)!;
      if (!v.response && r.kind === 'decline') {
        v.status = 'declined';
        v.response = { kind: 'declined', at: nowIso(), reason: r.reason ?? null };
        log('offer_declined', 'system', { version: v.version, ...(r.reason ? { reason: r.reason } : {}) });
      }
      if (!v.response && r.kind === 'accept') {
        // One signing per version: a second acceptance while the first is signing waits for it.
        let signing = ctx.signing.get(v.version);
        if (!signing) {
          const at = nowIso();
          signing = acts
            .signOffer({ applicationId: input.applicationId, version: v.version, signatureName: r.signatureName!, signedAt: at, ip: r.ip, userAgent: r.userAgent })
            .then((signed) => {
              v.status = 'accepted';
              v.response = {
                kind: 'accepted',
                at,
                signature: { name: r.signatureName!, ip: r.ip, userAgent: r.userAgent, signedSha256: signed.signedSha256, documentId: signed.documentId },
              };
              log('offer_accepted', 'system', { version: v.version, signedSha256: signed.signedSha256 });
            })
            .finally(() => ctx.signing.delete(v.version));
          ctx.signing.set(v.version, signing);
        }
        await signing;
      }
      return { version: v.version, stage: state.stage, response: v.response };
    },
    {
      validator: (r: TCandidateResponse) => {
        const v = state.offers.find((x) => x.version === r.version);
        if (!v) reject('NotFound', `no offer v${r.version}`);
        const same = (kind: 'accepted' | 'declined') => (kind === 'accepted') === (r.kind === 'accept');
        if (v.response) {
          if (same(v.response.kind)) return; // accepting (or declining) twice is harmless
          reject('Conflict', `offer v${v.version} was already ${v.response.kind}`);
        }
        if (ctx.signing.has(v.version)) {
          if (r.kind === 'accept') return;
          reject('Conflict', `offer v${v.version} is being accepted`);
        }
        if (v.status === 'superseded' || v !== currentOffer(state)) reject('StaleVersion', `offer v${v.version} was superseded by a newer version`);
        if (v.status === 'expired') reject('WrongStage', `offer v${v.version} expired`);
        if (v.status !== 'sent' && v.status !== 'viewed') reject('WrongStage', `offer v${v.version} is not open for an answer (${v.status})`);
        if (r.kind === 'accept' && !signatureMatches(r.signatureName ?? '', input.candidate.name)) {
          reject('ValidationFailed', 'the typed name must match the candidate’s full name', [
            { path: 'body.signatureName', message: 'does not match the name on the offer' },
          ]);
        }
      },
    },
  );

  function markViewed(version: number, via: 'page' | 'email') {
    const v = currentOffer(state);
    if (!v || v.version !== version || v.status !== 'sent') return;
    v.status = 'viewed';
    v.viewedAt = nowIso();
    log('offer_viewed', 'system', { version, via });
  }

  return { markViewed };
}

/** Drives the offer stages; returns when the offer is answered, expires, or the application stops. */
export async function runOffers(ctx: OfferContext): Promise<void> {
  const { state, messenger, moveTo, log, stopped } = ctx;
  const input = state.input;
  const candidate = { candidateName: input.candidate.name, jobTitle: input.policy.title };
  const done = () => stopped() || isTerminal(state.stage) || state.stage === 'accepted';
  const record = (v: TOfferVersion) =>
    acts.recordOfferVersion({
      applicationId: input.applicationId,
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
  const syncApprovals = (v: TOfferVersion) =>
    acts.syncApprovalItems({
      applicationId: input.applicationId,
      version: v.version,
      items: v.levels.flatMap((l, i) => [
        ...l.approvers.map((userId) => {
          const d = v.decisions.find((x) => x.level === i && x.userId === userId);
          const status: TApprovalItemStatus = d
            ? d.decision === 'approve'
              ? 'approved'
              : 'rejected'
            : l.status === 'pending'
              ? 'pending'
              : 'cancelled';
          // requestedAt, decidedAt and comment: for the approvals report.
          return { level: i, userId, status, dueAt: l.dueAt, requestedAt: l.startedAt, decidedAt: d?.at ?? null, comment: d?.comment ?? null };
        }),
        // Whoever handed their approval on no longer owes it.
        ...[...new Set(l.delegations.map((d) => d.fromUserId))]
          .filter((userId) => !l.approvers.includes(userId))
          .map((userId) => ({
            level: i,
            userId,
            status: 'delegated' as const,
            dueAt: l.dueAt,
            requestedAt: l.startedAt,
            decidedAt: l.delegations.find((d) => d.fromUserId === userId)?.at ?? null,
            comment: null,
          })),
      ]),
    });
  const publish = (event: 'approved' | 'sent' | 'viewed' | 'accepted' | 'declined' | 'expired', v: TOfferVersion) =>
    ctx.events.emit(`offer.${event}`, {
      version: v.version,
      position: v.offer.position,
      salary: v.offer.salary,
      startDate: v.offer.startDate,
      expiresAt: v.expiresAt,
      ...(v.letter ? { letterSha256: v.letter.sha256 } : {}),
    });
  const tellHr = (event: string, v: TOfferVersion, extra: Record<string, unknown> = {}) =>
    messenger.staff({
      keyPrefix: `offer-${event}:v${v.version}`,
      applicationId: input.applicationId,
      role: 'hr',
      purpose: `offer_${event}`,
      template: 'offer_event',
      data: { event: event as 'viewed', ...candidate, version: v.version, ...extra },
    });

  let seenVersion = 0;
  while (!done()) {
    // Wait for something to do: a submitted chain, a version to send, or a new draft.
    await condition(() => {
      const c = currentOffer(state);
      return done() || (c !== null && (c.version !== seenVersion || (c.status === 'in_approval' && c.levels.length > 0) || (!c.requiresApproval && c.status === 'draft')));
    });
    if (done()) break;
    const cur = currentOffer(state)!;
    if (cur.version !== seenVersion) {
      const lastSeen = seenVersion;
      seenVersion = cur.version;
      // Every version superseded since the last one we handled (a revision may arrive mid-wait).
      for (const old of state.offers) if (old !== cur && old.version >= lastSeen) await record(old);
      await record(cur);
      if (cur.requiresApproval && state.stage !== 'offer_drafting') await moveTo('offer_drafting', 'system', { version: cur.version });
    }
    if (cur.status === 'in_approval' && cur.levels.length > 0) {
      const outcome = await runApproval(cur);
      if (outcome !== 'approved') continue;
      cur.status = 'approved';
      log('offer_approved', 'system', { version: cur.version });
      publish('approved', cur);
      tellHr('approved', cur);
    }
    if ((cur.status === 'approved' || (!cur.requiresApproval && cur.status === 'draft')) && currentOffer(state) === cur) {
      await sendVersion(cur);
      await awaitAnswer(cur);
    }
  }

  async function runApproval(v: TOfferVersion): Promise<'approved' | 'rejected' | 'superseded'> {
    await moveTo('offer_approval', 'system', { version: v.version });
    if (v.levels.length === 0) return 'approved';
    for (let i = 0; i < v.levels.length; i++) {
      const level = v.levels[i]!;
      level.status = 'pending';
      level.startedAt = new Date().toISOString();
      level.dueAt = new Date(addDuration(Date.now(), input.policy.timers.approvalReminder)).toISOString();
      await syncApprovals(v);
      askApprovers(v, level, i, false);
      const decided = () => level.status !== 'pending' || currentOffer(state) !== v || stopped();
      // Wait for the level, reminding once when its period runs out; the mirror follows
      // every decision and delegation so GET /v1/approvals stays true.
      const seen = () => `${level.approvers.join(',')}|${v.decisions.length}`;
      let last = seen();
      let reminded = false;
      for (;;) {
        const timeout = reminded ? undefined : Math.max(0, Date.parse(level.dueAt) - Date.now());
        const changed = await condition(() => decided() || seen() !== last, timeout);
        if (decided()) break;
        if (seen() !== last) {
          const delegated = !last.startsWith(`${level.approvers.join(',')}|`);
          last = seen();
          await syncApprovals(v);
          if (delegated) askApprovers(v, level, i, false);
          continue;
        }
        if (!changed && !reminded) {
          reminded = true;
          log('offer_approval_overdue', 'system', { version: v.version, level: i + 1 });
          askApprovers(v, level, i, true);
        }
      }
      await syncApprovals(v);
      if (currentOffer(state) !== v || stopped()) return 'superseded';
      // (the handlers changed it while we waited)
      const outcome = level.status as TApprovalLevelState['status'];
      if (outcome === 'rejected') {
        v.status = 'approval_rejected';
        v.levels.slice(i + 1).forEach((l) => (l.status = 'cancelled'));
        await syncApprovals(v);
        await record(v);
        const last = [...v.decisions].reverse().find((d) => d.decision === 'reject');
        await moveTo('offer_drafting', 'system', { version: v.version, rejectedBy: last?.userName ?? null });
        tellHr('approval_rejected', v, { actorName: last?.userName, ...(last?.comment ? { comment: last.comment } : {}) });
        return 'rejected';
      }
    }
    return 'approved';
  }

  function askApprovers(v: TOfferVersion, level: TApprovalLevelState, index: number, overdue: boolean) {
    const decided = new Set(v.decisions.filter((d) => d.level === index).map((d) => d.userId));
    const userIds = level.approvers.filter((a) => !decided.has(a));
    if (!userIds.length) return;
    messenger.staff({
      keyPrefix: `offer-approval${overdue ? '-reminder' : ''}:v${v.version}:l${index + 1}:${userIds.join('.')}`,
      applicationId: input.applicationId,
      userIds,
      purpose: overdue ? 'offer_approval_reminder' : 'offer_approval_request',
      template: 'action_required',
      data: { action: 'offer_approval', ...candidate, dueAt: level.dueAt!, overdue, note: `${v.offer.position}, v${v.version}` },
    });
  }

  async function sendVersion(v: TOfferVersion) {
    const sentAt = Date.now();
    v.sentAt = new Date(sentAt).toISOString();
    v.expiresAt = new Date(addDuration(sentAt, input.policy.timers.offerExpiry)).toISOString();
    const letter = await acts.renderOffer({
      applicationId: input.applicationId,
      version: v.version,
      offer: v.offer,
      expiresAt: v.expiresAt,
      issuedAt: v.sentAt,
    });
    v.letter = letter;
    v.status = 'sent';
    await record(v);
    await moveTo('offer_sent', 'system', { version: v.version });
    log('offer_sent', 'system', { version: v.version, sha256: letter.sha256, expiresAt: v.expiresAt });
    messenger.offer({ version: v.version, kind: 'sent', position: v.offer.position, expiresAt: v.expiresAt, revised: state.offers.some((o) => o.version < v.version && o.sentAt !== null) });
    publish('sent', v);
    tellHr('sent', v);
  }

  async function awaitAnswer(v: TOfferVersion) {
    const expiresAt = Date.parse(v.expiresAt!);
    const reminderAt = addDuration(Date.parse(v.sentAt!), input.policy.timers.offerReminder);
    const moved = () => stopped() || currentOffer(state) !== v || v.response !== null || ctx.signing.has(v.version);
    let viewedTold = false;
    for (;;) {
      const next = !v.remindedAt && reminderAt < expiresAt ? reminderAt : expiresAt;
      const changed = await condition(() => moved() || (v.status === 'viewed' && !viewedTold), Math.max(0, next - Date.now()));
      if (moved()) break;
      if (v.status === 'viewed' && !viewedTold) {
        viewedTold = true;
        await record(v);
        await moveTo('offer_viewed', 'system', { version: v.version });
        publish('viewed', v);
        tellHr('viewed', v);
        continue;
      }
      if (changed) continue;
      if (next === reminderAt && !v.remindedAt) {
        v.remindedAt = new Date().toISOString();
        log('offer_reminder_sent', 'system', { version: v.version });
        messenger.offer({ version: v.version, kind: 'reminder', position: v.offer.position, expiresAt: v.expiresAt! });
        tellHr('reminder_sent', v);
        continue;
      }
      v.status = 'expired';
      await record(v);
      await moveTo('expired', 'system', { version: v.version });
      messenger.offer({ version: v.version, kind: 'expired', position: v.offer.position, expiresAt: v.expiresAt! });
      publish('expired', v);
      tellHr('expired', v);
      return;
    }
    // An acceptance being signed finishes (or fails) before anything else happens.
    await condition(() => !ctx.signing.has(v.version));
    if (stopped() || currentOffer(state) !== v) return;
    if (!v.response) return awaitAnswer(v);
    await record(v);
    if (v.response?.kind === 'accepted') {
      await moveTo('accepted', 'system', { version: v.version });
      publish('accepted', v);
      tellHr('accepted', v);
    } else if (v.response?.kind === 'declined') {
      await moveTo('declined', 'system', { version: v.version, ...(v.response.reason ? { reason: v.response.reason } : {}) });
      publish('declined', v);
      tellHr('declined', v, v.response.reason ? { comment: v.response.reason } : {});
    }
  }
}
