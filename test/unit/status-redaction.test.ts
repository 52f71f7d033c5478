/**
 * Who sees salary, signature evidence and evaluators' comments on an application's status
 * (api/status-redaction.ts): HR, admins and the current offer's approvers; a scoped key
 * without `offers:read` narrows even them; everyone else gets nulls and a `redacted` list.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { redactStatusFor } from '../../api/status-redaction';
import type { TApplicationStatus, TOfferVersion } from '../../workflows/messages';

const SALARY = { amount: 42_000, currency: 'CNY', period: 'month' } as const;
const AT = '2026-12-01T09:00:00.000Z';

function version(n: number, approvers: string[], accepted: boolean): TOfferVersion {
  return {
    version: n,
    offer: { position: 'Platform Engineer', salary: { ...SALARY, amount: SALARY.amount + n }, benefits: ['Lunch'], startDate: '2027-01-04' },
    status: accepted ? 'accepted' : 'superseded',
    createdAt: AT,
    createdBy: { id: 'u-hr', name: 'Hana HR' },
    requiresApproval: true,
    levels: [
      { approvers, required: 1, quorum: 'any', reason: 'job_chain', status: 'approved', startedAt: AT, dueAt: null, delegations: [] },
    ],
    decisions: [],
    letter: null,
    sentAt: AT,
    expiresAt: null,
    viewedAt: null,
    remindedAt: null,
    response: accepted
      ? { kind: 'accepted', at: AT, signature: { name: 'Ann Lee', ip: '203.0.113.9', userAgent: 'Firefox/140', signedSha256: 'ab'.repeat(32), documentId: 'doc-1' } }
      : null,
  };
}

function makeStatus(): TApplicationStatus {
  const v1 = version(1, ['u-old-approver'], false);
  const v2 = version(2, ['u-gm', 'u-cfo'], true);
  return {
    applicationId: 'app-1',
    jobId: 'job-1',
    departmentId: 'dept-1',
    stage: 'onboarding',
    receivedAt: AT,
    decisionDueAt: AT,
    discrepancies: [],
    scores: { matchScore: 80, aiScore: 70, cosine: 0.8, fulfilment: 0.9, humanScore: 75, compositeScore: 77 },
    report: null,
    evaluations: [
      { evaluatorId: 'u-hr', evaluatorName: 'Hana HR', role: 'hr', ratings: { programming: 'good' }, comment: 'Shaky on Kafka', recommendation: 'advance', revision: 1, at: AT },
    ],
    composite: null,
    recommendations: { hr: ['advance'], hiringManager: [], agree: null },
    decision: { decision: 'advance', reason: null, by: 'u-hr', byName: 'Hana HR', at: AT },
    offer: { current: v2, versions: [v1, v2] },
    onboarding: null,
    withdrawal: null,
    timeline: [
      { at: AT, type: 'evaluation_submitted', actor: { id: 'u-hr', name: 'Hana HR' }, detail: { role: 'hr', revision: 1, comment: 'Shaky on Kafka' } },
      { at: AT, type: 'offer_drafted', actor: { id: 'u-hr', name: 'Hana HR' }, detail: { version: 1, salary: v1.offer.salary, requiresApproval: true } },
      { at: AT, type: 'offer_accepted', actor: 'system', detail: { version: 2, signedSha256: 'ab'.repeat(32) } },
    ],
    pendingActions: [],
  };
}

const who = (roles: Principal['roles'], over: Partial<Principal> = {}): Principal => ({
  userId: 'u-caller',
  name: 'Caller',
  email: null,
  roles,
  departmentId: 'dept-1',
  bootstrap: false,
  ...over,
});

/** What a reader can see of the three protected parts. */
function seen(p: Principal) {
  const r = redactStatusFor(p, makeStatus());
  return {
    salaries: r.offer.versions.map((v) => v.offer.salary?.amount ?? null),
    currentSalary: r.offer.current?.offer.salary?.amount ?? null,
    evidence: r.offer.current?.response?.signature ? [r.offer.current.response.signature.ip, r.offer.current.response.signature.userAgent] : undefined,
    signer: r.offer.current?.response?.signature?.name,
    comments: r.evaluations.map((e) => e.comment),
    timeline: r.timeline.map((t) => t.detail),
    redacted: r.redacted,
  };
}

const FULL = {
  salaries: [42_001, 42_002],
  currentSalary: 42_002,
  evidence: ['203.0.113.9', 'Firefox/140'],
  signer: 'Ann Lee',
  comments: ['Shaky on Kafka'],
  redacted: [],
};
const NONE = {
  salaries: [null, null],
  currentSalary: null,
  evidence: [null, null],
  signer: 'Ann Lee',
  comments: [null],
  redacted: ['salary', 'signatureEvidence', 'evaluationComments'],
};

describe('redactStatusFor', () => {
  it('shows HR, admins and the bootstrap admin everything, and the status is otherwise untouched', () => {
    for (const p of [who(['hr']), who(['admin']), who(['admin'], { bootstrap: true }), who(['hr', 'hiring_manager'])]) {
      expect(seen(p)).toMatchObject(FULL);
      expect(redactStatusFor(p, makeStatus())).toEqual({ ...makeStatus(), redacted: [] });
    }
  });

  it("shows the current offer's approvers everything, not an approver of a superseded version", () => {
    expect(seen(who(['approver'], { userId: 'u-gm' }))).toMatchObject(FULL);
    expect(seen(who(['approver'], { userId: 'u-cfo' }))).toMatchObject(FULL);
    expect(seen(who(['approver'], { userId: 'u-old-approver' }))).toMatchObject(NONE);
  });

  it("withholds salary, signature evidence and comments (timeline included) from the department's hiring manager and integrators", () => {
    for (const p of [who(['hiring_manager']), who(['integrator']), who(['hiring_manager', 'approver'])]) {
      const r = seen(p);
      expect(r).toMatchObject(NONE);
      expect(r.timeline).toEqual([
        { role: 'hr', revision: 1, comment: null },
        { version: 1, salary: null, requiresApproval: true },
        { version: 2, signedSha256: 'ab'.repeat(32) },
      ]);
      expect(JSON.stringify(redactStatusFor(p, makeStatus()))).not.toMatch(/42001|42002|203\.0\.113\.9|Firefox|Kafka/);
    }
  });

  it('lets a scoped key only narrow: without offers:read no salary or evidence; offers:read adds nothing a role lacks', () => {
    const narrowHr = seen(who(['hr'], { scopes: ['applications:read'] }));
    expect(narrowHr).toMatchObject({ salaries: [null, null], currentSalary: null, evidence: [null, null], comments: ['Shaky on Kafka'] });
    expect(narrowHr.redacted).toEqual(['salary', 'signatureEvidence']);
    expect(seen(who(['hr'], { scopes: ['applications:read', 'offers:read'] }))).toMatchObject(FULL);
    expect(seen(who(['approver'], { userId: 'u-gm', scopes: ['applications:read'] })).redacted).toEqual(['salary', 'signatureEvidence']);
    expect(seen(who(['integrator'], { scopes: ['applications:read', 'offers:read'] }))).toMatchObject(NONE);
    // An unscoped key (null) is whatever the roles allow.
    expect(seen(who(['hr'], { scopes: null }))).toMatchObject(FULL);
  });

  it('keeps a status without an offer or evaluations as it is, apart from the list', () => {
    const bare = { ...makeStatus(), offer: { current: null, versions: [] }, evaluations: [], timeline: [] };
    expect(redactStatusFor(who(['integrator']), bare)).toEqual({ ...bare, redacted: ['salary', 'signatureEvidence', 'evaluationComments'] });
  });

  it('leaves an evaluator their own comment, and no one else\'s', () => {
    const st = makeStatus();
    st.evaluations.push({ evaluatorId: 'u-mgr', evaluatorName: 'Mei Manager', role: 'hiring_manager', ratings: {}, comment: 'Mine', recommendation: 'advance', revision: 1, at: AT });
    st.timeline.push({ at: AT, type: 'evaluation_submitted', actor: { id: 'u-mgr', name: 'Mei Manager' }, detail: { role: 'hiring_manager', comment: 'Mine' } });
    const r = redactStatusFor(who(['hiring_manager'], { userId: 'u-mgr' }), st);
    expect(r.evaluations.map((e) => e.comment)).toEqual([null, 'Mine']);
    expect(r.timeline.filter((t) => t.type === 'evaluation_submitted').map((t) => t.detail?.comment)).toEqual([null, 'Mine']);
    expect(r.redacted).toContain('evaluationComments');
  });

  it('does not change the status it was given', () => {
    const st = makeStatus();
    redactStatusFor(who(['integrator']), st);
    expect(st).toEqual(makeStatus());
  });
});
