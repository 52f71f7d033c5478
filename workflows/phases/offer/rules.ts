/**
 * The offer's rules (MISSION.md step 5): who may draft, submit, approve, delegate and
 * answer, and when; what a draft, an approval or a delegation does to the versions; how
 * a level advances; what the approval inbox mirrors; who owes what. Pure: no Temporal, no I/O.
 */
import type { TStage } from '../../../domain/contracts/application';
import { draftProblems, revisionNeedsApproval, signatureMatches } from '../../../domain/offers';
import { isHr } from '../../actors';
import { reject } from '../../errors';
import type {
  TApprovalCommand,
  TCandidateResponse,
  TDelegateCommand,
  TDraftOfferCommand,
  TOfferVersion,
  TPendingAction,
  TSubmitOfferCommand,
} from '../../messages';
import { appendLog, currentOffer, dueFields, type TWorkflowState } from '../../state';

export const DRAFTABLE: readonly TStage[] = ['offer_drafting', 'offer_approval', 'offer_sent', 'offer_viewed'];

export const pendingLevel = (v: TOfferVersion) => v.levels.findIndex((l) => l.status === 'pending');

/** The last version that went through the whole chain: what a revision is measured against. */
export const approvedOffer = (state: TWorkflowState) =>
  [...state.offers].reverse().find((v) => v.levels.length > 0 && v.levels.every((l) => l.status === 'approved'))?.offer ?? null;

/** `today` is the workflow's date (YYYY-MM-DD): a start date must be after it. */
export function assertDraftable(state: TWorkflowState, cmd: TDraftOfferCommand, today: string): void {
  if (!DRAFTABLE.includes(state.stage)) reject('WrongStage', `an offer is drafted after the decision to advance, not in ${state.stage}`);
  if (!isHr(cmd.actor)) reject('Forbidden', 'only HR drafts offers');
  const problems = draftProblems(cmd.offer, state.input.policy.offer.band, today);
  if (problems.length) reject('ValidationFailed', 'the offer is not valid for this job', problems);
}

/** A new version (the first draft or a revision); the previous one is superseded. */
export function draft(state: TWorkflowState, cmd: TDraftOfferCommand, at: string): { version: number; requiresApproval: boolean; stage: TStage } {
  const previous = currentOffer(state);
  const wasSent = previous?.status === 'sent' || previous?.status === 'viewed';
  const requiresApproval = !wasSent || revisionNeedsApproval(cmd.offer, approvedOffer(state), state.input.policy.offer.band);
  if (previous && previous.status !== 'superseded') {
    if (previous.status === 'in_approval') previous.levels.forEach((l) => l.status === 'pending' && (l.status = 'cancelled'));
    previous.status = 'superseded';
  }
  const version: TOfferVersion = {
    version: (previous?.version ?? 0) + 1,
    offer: cmd.offer,
    status: 'draft',
    createdAt: at,
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
  appendLog(state, at, previous ? 'offer_revised' : 'offer_drafted', cmd.actor, { version: version.version, salary: cmd.offer.salary, requiresApproval });
  // A revision within what was approved goes straight back out; anything else waits for HR to submit.
  const stage: TStage = wasSent && !requiresApproval ? state.stage : 'offer_drafting';
  return { version: version.version, requiresApproval, stage };
}

export function assertSubmittable(state: TWorkflowState, cmd: TSubmitOfferCommand): void {
  if (!isHr(cmd.actor)) reject('Forbidden', 'only HR submits offers');
  const v = currentOffer(state);
  if (state.stage !== 'offer_drafting' || !v) reject('WrongStage', `there is no draft to submit in ${state.stage}`);
  if (v.status !== 'draft' && v.status !== 'approval_rejected') reject('Conflict', `offer v${v.version} is ${v.status}; draft a revision first`);
  if (v.status === 'approval_rejected') reject('Conflict', `offer v${v.version} was rejected in approval; revise it first`);
}

export function assertCurrentApprover(state: TWorkflowState, cmd: TApprovalCommand): void {
  const v = currentOffer(state);
  const stale = (now: TOfferVersion) => reject('StaleVersion', `offer v${cmd.version} is no longer current (now v${now.version})`);
  if (state.stage !== 'offer_approval' || !v || v.status !== 'in_approval') {
    if (cmd.version !== undefined && v && cmd.version !== v.version) stale(v);
    reject('WrongStage', `no offer is waiting for approval (stage ${state.stage})`);
  }
  if (cmd.version !== undefined && cmd.version !== v.version) stale(v);
  const index = pendingLevel(v);
  const level = v.levels[index];
  if (!level || !level.approvers.includes(cmd.actor.id)) reject('Forbidden', 'you are not an approver of the current level');
  if (v.decisions.some((d) => d.level === index && d.userId === cmd.actor.id)) reject('Conflict', 'you have already decided on this level');
}

/** Records an approver's decision and advances the level when its quorum is met (or it is refused). */
export function approve(state: TWorkflowState, cmd: TApprovalCommand, at: string): { version: number; level: number; status: string; stage: TStage } {
  const v = currentOffer(state)!;
  const index = pendingLevel(v);
  const level = v.levels[index]!;
  v.decisions.push({ level: index, userId: cmd.actor.id, userName: cmd.actor.name, decision: cmd.decision, comment: cmd.comment ?? null, at });
  appendLog(state, at, cmd.decision === 'approve' ? 'offer_approval_given' : 'offer_approval_refused', cmd.actor, {
    version: v.version,
    level: index + 1,
    ...(cmd.comment ? { comment: cmd.comment } : {}),
  });
  const approvals = v.decisions.filter((d) => d.level === index && d.decision === 'approve').length;
  if (cmd.decision === 'reject') level.status = 'rejected';
  else if (approvals >= level.required) level.status = 'approved';
  return { version: v.version, level: index + 1, status: level.status, stage: state.stage };
}

/**
 * HR hands a pending approval to someone else; never to themselves nor to whoever drafted
 * the offer (least privilege: nobody approves their own work or their own hand-off).
 */
export function assertDelegation(state: TWorkflowState, cmd: TDelegateCommand): void {
  if (!isHr(cmd.actor)) reject('Forbidden', 'only HR or an admin delegates approvals');
  const v = currentOffer(state);
  if (state.stage !== 'offer_approval' || !v || pendingLevel(v) < 0) reject('WrongStage', 'no approval is pending');
  const index = pendingLevel(v);
  const level = v.levels[index]!;
  const decided = new Set(v.decisions.filter((d) => d.level === index).map((d) => d.userId));
  if (!level.approvers.includes(cmd.fromUserId) || decided.has(cmd.fromUserId)) {
    reject('ValidationFailed', 'fromUserId has no pending approval at the current level', [{ path: 'body.fromUserId', message: 'not a pending approver' }]);
  }
  if (level.approvers.includes(cmd.to.id)) {
    reject('ValidationFailed', 'toUserId is already an approver of this level', [{ path: 'body.toUserId', message: 'already an approver' }]);
  }
  if (cmd.to.id === cmd.actor.id) {
    reject('Forbidden', 'you cannot hand an approval to yourself', [{ path: 'body.toUserId', message: 'is the user delegating' }]);
  }
  if (cmd.to.id === v.createdBy.id) {
    reject('Forbidden', `${v.createdBy.name} drafted offer v${v.version} and cannot approve it`, [{ path: 'body.toUserId', message: 'drafted this offer' }]);
  }
}

export function delegate(state: TWorkflowState, cmd: TDelegateCommand, at: string): { version: number; level: number; approvers: string[] } {
  const v = currentOffer(state)!;
  const index = pendingLevel(v);
  const level = v.levels[index]!;
  level.approvers = level.approvers.map((a) => (a === cmd.fromUserId ? cmd.to.id : a));
  const fromName = cmd.fromName ?? cmd.fromUserId;
  level.delegations.push({ fromUserId: cmd.fromUserId, fromName, toUserId: cmd.to.id, toName: cmd.to.name, by: cmd.actor.id, byName: cmd.actor.name, at });
  appendLog(state, at, 'offer_approval_delegated', cmd.actor, { version: v.version, level: index + 1, fromUserId: cmd.fromUserId, fromName, toUserId: cmd.to.id, toName: cmd.to.name });
  return { version: v.version, level: index + 1, approvers: level.approvers };
}

/** `signing`: versions whose acceptance is being signed right now. */
export function assertResponse(state: TWorkflowState, r: TCandidateResponse, signing: ReadonlySet<number> | ReadonlyMap<number, unknown>): void {
  const v = state.offers.find((x) => x.version === r.version);
  if (!v) reject('NotFound', `no offer v${r.version}`);
  const same = (kind: 'accepted' | 'declined') => (kind === 'accepted') === (r.kind === 'accept');
  if (v.response) {
    if (same(v.response.kind)) return; // accepting (or declining) twice is harmless
    reject('Conflict', `offer v${v.version} was already ${v.response.kind}`);
  }
  if (signing.has(v.version)) {
    if (r.kind === 'accept') return;
    reject('Conflict', `offer v${v.version} is being accepted`);
  }
  if (v.status === 'superseded' || v !== currentOffer(state)) reject('StaleVersion', `offer v${v.version} was superseded by a newer version`);
  if (v.status === 'expired') reject('WrongStage', `offer v${v.version} expired`);
  if (v.status !== 'sent' && v.status !== 'viewed') reject('WrongStage', `offer v${v.version} is not open for an answer (${v.status})`);
  if (r.kind === 'accept' && !signatureMatches(r.signatureName ?? '', state.input.candidate.name)) {
    reject('ValidationFailed', 'the typed name must match the candidate’s full name', [{ path: 'body.signatureName', message: 'does not match the name on the offer' }]);
  }
}

/** The current version was opened (page or e-mail): once, while it is sent. */
export function markViewed(state: TWorkflowState, version: number, via: 'page' | 'email', at: string): void {
  const v = currentOffer(state);
  if (!v || v.version !== version || v.status !== 'sent') return;
  v.status = 'viewed';
  v.viewedAt = at;
  appendLog(state, at, 'offer_viewed', 'system', { version, via });
}

type TApprovalItemStatus = 'pending' | 'approved' | 'rejected' | 'delegated' | 'cancelled';

/** Each approver's item in the approval inbox, as the database mirrors it. */
export interface TApprovalItem {
  level: number;
  userId: string;
  status: TApprovalItemStatus;
  dueAt: string | null;
  /** requestedAt, decidedAt and comment: for the approvals report. */
  requestedAt: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export function approvalItems(v: TOfferVersion): TApprovalItem[] {
  return v.levels.flatMap((l, i) => [
    ...l.approvers.map((userId): TApprovalItem => {
      const d = v.decisions.find((x) => x.level === i && x.userId === userId);
      const status: TApprovalItemStatus = d ? (d.decision === 'approve' ? 'approved' : 'rejected') : l.status === 'pending' ? 'pending' : 'cancelled';
      return { level: i, userId, status, dueAt: l.dueAt, requestedAt: l.startedAt, decidedAt: d?.at ?? null, comment: d?.comment ?? null };
    }),
    // Whoever handed their approval on no longer owes it.
    ...[...new Set(l.delegations.map((d) => d.fromUserId))]
      .filter((userId) => !l.approvers.includes(userId))
      .map(
        (userId): TApprovalItem => ({
          level: i,
          userId,
          status: 'delegated',
          dueAt: l.dueAt,
          requestedAt: l.startedAt,
          decidedAt: l.delegations.find((d) => d.fromUserId === userId)?.at ?? null,
          comment: null,
        }),
      ),
  ]);
}

/** Approvers of the level who have not decided yet. */
export function undecidedApprovers(v: TOfferVersion, index: number): string[] {
  const decided = new Set(v.decisions.filter((d) => d.level === index).map((d) => d.userId));
  return v.levels[index]!.approvers.filter((a) => !decided.has(a));
}

export function offerPending(state: TWorkflowState, nowMs: number): TPendingAction[] {
  const cur = currentOffer(state);
  switch (state.stage) {
    case 'offer_drafting': {
      const action = !cur || cur.status === 'superseded' ? 'draft_offer' : cur.status === 'approval_rejected' ? 'revise_offer' : 'submit_offer';
      return [{ action, actor: 'hr', dueAt: null, overdue: false }];
    }
    case 'offer_approval': {
      const index = cur ? pendingLevel(cur) : -1;
      if (!cur || index < 0) return [];
      const level = cur.levels[index]!;
      const due = dueFields(level.dueAt ? Date.parse(level.dueAt) : null, nowMs);
      return undecidedApprovers(cur, index).map((a) => ({ action: 'approve_offer', actor: a, ...due }));
    }
    case 'offer_sent':
    case 'offer_viewed':
      return [{ action: 'respond_to_offer', actor: 'candidate', ...dueFields(cur?.expiresAt ? Date.parse(cur.expiresAt) : null, nowMs) }];
    default:
      return [];
  }
}

/** The candidate declines an open version. */
export function decline(state: TWorkflowState, v: TOfferVersion, reason: string | undefined, at: string): void {
  v.status = 'declined';
  v.response = { kind: 'declined', at, reason: reason ?? null };
  appendLog(state, at, 'offer_declined', 'system', { version: v.version, ...(reason ? { reason } : {}) });
}

/** The candidate's acceptance, once the signed copy is stored. */
export function accept(
  state: TWorkflowState,
  v: TOfferVersion,
  r: TCandidateResponse,
  signed: { signedSha256: string; documentId: string },
  at: string,
): void {
  v.status = 'accepted';
  v.response = {
    kind: 'accepted',
    at,
    signature: { name: r.signatureName!, ip: r.ip, userAgent: r.userAgent, signedSha256: signed.signedSha256, documentId: signed.documentId },
  };
  appendLog(state, at, 'offer_accepted', 'system', { version: v.version, signedSha256: signed.signedSha256 });
}
