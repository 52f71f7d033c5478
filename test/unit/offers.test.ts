import { describe, expect, it } from 'vitest';
import {
  draftProblems,
  requiredApprovals,
  resolveApprovalChain,
  revisionNeedsApproval,
  signatureMatches,
} from '../../domain/offers';
import type { TOfferDraft } from '../../domain/contracts/offer';

const band = { min: 200000, max: 400000, currency: 'CNY', period: 'year' as const };
const draft = (amount: number, over: Partial<TOfferDraft> = {}): TOfferDraft => ({
  position: 'Backend Engineer',
  salary: { amount, currency: 'CNY', period: 'year' },
  benefits: [],
  startDate: '2027-01-10',
  ...over,
});

describe('draftProblems', () => {
  it('accepts a future start in the band currency', () => {
    expect(draftProblems(draft(300000), band, '2026-11-25')).toEqual([]);
  });
  it('names a start date that is not in the future, another currency and period', () => {
    const p = draftProblems(draft(300000, { startDate: '2026-11-25', salary: { amount: 1, currency: 'USD', period: 'month' } }), band, '2026-11-25');
    expect(p.map((x) => x.path)).toEqual(['body.startDate', 'body.salary.currency', 'body.salary.period']);
  });
});

describe('resolveApprovalChain', () => {
  const base = { band, departmentManagerId: 'm', generalManagerId: 'g' };
  it('defaults to the department manager then the general manager', () => {
    expect(resolveApprovalChain({ ...base, draft: draft(300000) }).map((l) => [l.reason, l.approvers])).toEqual([
      ['department_manager', ['m']],
      ['general_manager', ['g']],
    ]);
  });
  it('adds the above-band approver only above the band maximum', () => {
    expect(resolveApprovalChain({ ...base, aboveBandApproverUserId: 'x', draft: draft(400000) })).toHaveLength(2);
    const chain = resolveApprovalChain({ ...base, aboveBandApproverUserId: 'x', draft: draft(400001) });
    expect(chain.map((l) => l.reason)).toEqual(['department_manager', 'general_manager', 'above_band']);
  });
  it('uses the job chain with quorums', () => {
    const chain = resolveApprovalChain({
      ...base,
      draft: draft(300000),
      approvalChain: [{ approvers: ['a', 'b', 'c'], quorum: 2 }, { approvers: ['d', 'e'], quorum: 'any' }, { approvers: ['f', 'g'] }],
    });
    expect(chain.map((l) => l.required)).toEqual([2, 1, 2]);
  });
  it('drops a level identical to the one before', () => {
    expect(resolveApprovalChain({ ...base, generalManagerId: 'm', draft: draft(300000) })).toHaveLength(1);
  });
});

describe('requiredApprovals', () => {
  it('reads any, all and N of M', () => {
    expect(requiredApprovals('any', 3)).toBe(1);
    expect(requiredApprovals('all', 3)).toBe(3);
    expect(requiredApprovals(undefined, 2)).toBe(2);
    expect(requiredApprovals(2, 3)).toBe(2);
  });
});

describe('revisionNeedsApproval', () => {
  it('re-issues a revision at or below the approved salary inside the band', () => {
    expect(revisionNeedsApproval(draft(290000), draft(300000), band)).toBe(false);
    expect(revisionNeedsApproval(draft(300000, { benefits: ['gym'] }), draft(300000), band)).toBe(false);
  });
  it('sends a raise, an out-of-band salary or a currency change back to approval', () => {
    expect(revisionNeedsApproval(draft(310000), draft(300000), band)).toBe(true);
    expect(revisionNeedsApproval(draft(150000), draft(300000), band)).toBe(true);
    expect(revisionNeedsApproval(draft(300000, { salary: { amount: 300000, currency: 'USD', period: 'year' } }), draft(300000), band)).toBe(true);
    expect(revisionNeedsApproval(draft(100), null, band)).toBe(true);
  });
});

describe('signatureMatches', () => {
  it('ignores case, spacing and width', () => {
    expect(signatureMatches('  lin   ZHOU ', 'Lin Zhou')).toBe(true);
    expect(signatureMatches('张伟', '张伟')).toBe(true);
    expect(signatureMatches('Lin Zho', 'Lin Zhou')).toBe(false);
    expect(signatureMatches('   ', '')).toBe(false);
  });
});
