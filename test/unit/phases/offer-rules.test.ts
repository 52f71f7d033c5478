/** The offer phase's rules, without Temporal: drafts, approval levels and quorums, delegation, answers, the inbox mirror. */
import { describe, expect, it } from 'vitest';
import type { TOfferDraft } from '../../../domain/contracts/offer';
import type { TApprovalLevelState } from '../../../workflows/messages';
import * as rules from '../../../workflows/phases/offer/rules';
import { currentOffer } from '../../../workflows/state';
import { actor, AT, hr, makeState, refusal } from './state';

const offer = (amount = 300000): TOfferDraft =>
  ({ position: 'Backend Engineer', salary: { amount, currency: 'CNY', period: 'year' }, startDate: '2027-03-01', benefits: [], terms: '' }) as unknown as TOfferDraft;
const level = (approvers: string[], required = approvers.length, status: TApprovalLevelState['status'] = 'waiting'): TApprovalLevelState => ({
  approvers,
  required,
  quorum: 'all',
  reason: 'job_chain',
  status,
  startedAt: null,
  dueAt: status === 'pending' ? '2027-01-11T09:00:00.000Z' : null,
  delegations: [],
});
const a = actor('a', ['approver']);
const b = actor('b', ['approver']);
const c = actor('c', ['approver']);

/** A state with v1 drafted by HR and in approval at its first level. */
function inApproval(levels: TApprovalLevelState[]) {
  const state = makeState({ stage: 'offer_drafting' });
  rules.draft(state, { offer: offer(), actor: hr }, AT);
  const v = currentOffer(state)!;
  v.status = 'in_approval';
  v.levels = levels;
  state.stage = 'offer_approval';
  return { state, v };
}

describe('drafts', () => {
  it('only HR drafts, after the decision, with a start date after today', () => {
    const state = makeState({ stage: 'offer_drafting' });
    expect(refusal(() => rules.assertDraftable(state, { offer: offer(), actor: a }, '2027-01-10'))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertDraftable(state, { offer: { ...offer(), startDate: '2027-01-10' }, actor: hr }, '2027-01-10'))?.type).toBe('ValidationFailed');
    expect(refusal(() => rules.assertDraftable(makeState({ stage: 'evaluation' }), { offer: offer(), actor: hr }, '2027-01-10'))?.type).toBe('WrongStage');
    expect(refusal(() => rules.assertDraftable(state, { offer: offer(), actor: hr }, '2027-01-10'))).toBeNull();
  });

  it('a revision supersedes the previous version and cancels its pending level', () => {
    const { state, v } = inApproval([level(['a'], 1, 'pending')]);
    expect(rules.draft(state, { offer: offer(310000), actor: hr }, AT)).toEqual({ version: 2, requiresApproval: true, stage: 'offer_drafting' });
    expect(v.status).toBe('superseded');
    expect(v.levels[0]!.status).toBe('cancelled');
  });

  it('a revision of a sent offer within the approved salary is re-issued without approval; above it, it is not', () => {
    const { state, v } = inApproval([level(['a'], 1, 'approved')]);
    v.status = 'sent';
    state.stage = 'offer_sent';
    expect(rules.draft(state, { offer: offer(290000), actor: hr }, AT)).toEqual({ version: 2, requiresApproval: false, stage: 'offer_sent' });
    expect(rules.draft(state, { offer: offer(320000), actor: hr }, AT).requiresApproval).toBe(true);
  });
});

describe('approval levels', () => {
  it('a 2-of-3 level passes at the second approval; the next level waits', () => {
    const { state, v } = inApproval([level(['a', 'b', 'c'], 2, 'pending'), level(['gm'])]);
    expect(rules.approve(state, { decision: 'approve', actor: a }, AT)).toMatchObject({ level: 1, status: 'pending' });
    expect(rules.undecidedApprovers(v, 0)).toEqual(['b', 'c']);
    expect(rules.approve(state, { decision: 'approve', actor: b }, AT)).toMatchObject({ level: 1, status: 'approved' });
    expect(rules.pendingLevel(v)).toBe(-1);
    expect(rules.approvalItems(v).map((i) => `${i.userId}:${i.status}`)).toEqual(['a:approved', 'b:approved', 'c:cancelled', 'gm:cancelled']);
  });

  it('refuses outsiders, a second decision, a stale version and the wrong stage', () => {
    const { state } = inApproval([level(['a', 'b'], 2, 'pending')]);
    expect(refusal(() => rules.assertCurrentApprover(state, { decision: 'approve', actor: c }))?.type).toBe('Forbidden');
    rules.approve(state, { decision: 'approve', actor: a }, AT);
    expect(refusal(() => rules.assertCurrentApprover(state, { decision: 'approve', actor: a }))?.type).toBe('Conflict');
    expect(refusal(() => rules.assertCurrentApprover(state, { decision: 'approve', version: 7, actor: b }))?.type).toBe('StaleVersion');
    expect(refusal(() => rules.assertCurrentApprover(makeState({ stage: 'offer_drafting' }), { decision: 'approve', actor: b }))?.type).toBe('WrongStage');
  });

  it('one refusal rejects the level', () => {
    const { state, v } = inApproval([level(['a', 'b'], 1, 'pending')]);
    rules.approve(state, { decision: 'reject', comment: 'too high', actor: a }, AT);
    expect(v.levels[0]!.status).toBe('rejected');
    expect(state.timeline.at(-1)).toMatchObject({ type: 'offer_approval_refused', detail: { comment: 'too high' } });
  });

  it('pending: each undecided approver of the current level, by its due time', () => {
    const { state } = inApproval([level(['a', 'b'], 2, 'pending')]);
    rules.approve(state, { decision: 'approve', actor: a }, AT);
    expect(rules.offerPending(state, Date.parse('2027-01-12T00:00:00.000Z'))).toEqual([
      { action: 'approve_offer', actor: 'b', dueAt: '2027-01-11T09:00:00.000Z', overdue: true },
    ]);
  });
});

describe('delegation (least privilege)', () => {
  const admin = actor('adm', ['admin']);
  it('HR hands a pending approval on; the inbox shows who handed it', () => {
    const { state, v } = inApproval([level(['a'], 1, 'pending')]);
    const cmd = { fromUserId: 'a', fromName: 'Ada', to: { id: 'd', name: 'Dee' }, actor: hr };
    expect(refusal(() => rules.assertDelegation(state, cmd))).toBeNull();
    expect(rules.delegate(state, cmd, AT)).toEqual({ version: 1, level: 1, approvers: ['d'] });
    expect(rules.approvalItems(v).map((i) => `${i.userId}:${i.status}`)).toEqual(['d:pending', 'a:delegated']);
  });

  it('never to the one delegating, never to whoever drafted the offer, never by a non-HR user', () => {
    const { state, v } = inApproval([level(['a'], 1, 'pending')]);
    expect(refusal(() => rules.assertDelegation(state, { fromUserId: 'a', to: { id: 'hr1', name: 'HR1' }, actor: hr }))).toEqual({
      type: 'Forbidden',
      message: 'you cannot hand an approval to yourself',
    });
    expect(refusal(() => rules.assertDelegation(state, { fromUserId: 'a', to: { id: 'hr1', name: 'HR1' }, actor: admin }))).toEqual({
      type: 'Forbidden',
      message: 'HR1 drafted offer v1 and cannot approve it',
    });
    expect(refusal(() => rules.assertDelegation(state, { fromUserId: 'a', to: { id: 'adm', name: 'ADM' }, actor: admin }))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertDelegation(state, { fromUserId: 'a', to: { id: 'd', name: 'Dee' }, actor: a }))?.type).toBe('Forbidden');
    expect(refusal(() => rules.assertDelegation(state, { fromUserId: 'zz', to: { id: 'd', name: 'Dee' }, actor: hr }))?.type).toBe('ValidationFailed');
    expect(v.levels[0]!.approvers).toEqual(['a']);
    expect(v.levels[0]!.delegations).toEqual([]);
  });
});

describe('the candidate’s answer', () => {
  function sent() {
    const { state, v } = inApproval([level(['a'], 1, 'approved')]);
    v.status = 'sent';
    state.stage = 'offer_sent';
    return { state, v };
  }

  it('the first view of the sent version counts once', () => {
    const { state, v } = sent();
    rules.markViewed(state, 1, 'email', AT);
    rules.markViewed(state, 1, 'page', '2027-01-11T00:00:00.000Z');
    expect(v.viewedAt).toBe(AT);
    expect(state.timeline.filter((e) => e.type === 'offer_viewed')).toHaveLength(1);
  });

  it('accepting needs the candidate’s name; an answer twice is harmless, the other answer is refused', () => {
    const { state, v } = sent();
    const r = { version: 1, kind: 'accept' as const, signatureName: 'Someone Else', ip: '127.0.0.1', userAgent: 'test' };
    expect(refusal(() => rules.assertResponse(state, r, new Map()))?.type).toBe('ValidationFailed');
    expect(refusal(() => rules.assertResponse(state, { ...r, signatureName: 'lin wei' }, new Map()))).toBeNull();
    expect(refusal(() => rules.assertResponse(state, { ...r, kind: 'decline' }, new Map([[1, null]])))?.type).toBe('Conflict');
    rules.decline(state, v, 'another offer', AT);
    expect(refusal(() => rules.assertResponse(state, { ...r, kind: 'decline' }, new Map()))).toBeNull();
    expect(refusal(() => rules.assertResponse(state, { ...r, signatureName: 'Lin Wei' }, new Map()))).toMatchObject({ type: 'Conflict' });
    expect(refusal(() => rules.assertResponse(state, { ...r, version: 9 }, new Map()))?.type).toBe('NotFound');
  });
});
