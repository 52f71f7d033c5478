/**
 * What of an application's status each reader may see (issue 12, least privilege). The
 * salary of every offer version, the signature evidence of an acceptance (IP address and
 * user agent) and the evaluators' comments are for HR, admins and the current offer's
 * approvers; anyone else who may see the application (its department's hiring manager, an
 * integrator) gets the same status with those fields set to null (in the timeline too; an
 * evaluator keeps their own comment), and `redacted` names what was withheld. A scoped
 * API key narrows further: without `offers:read` no salary and no signature evidence,
 * whatever the roles (a key never widens). The shape is workflows/status-view.ts.
 */
import { REDACTABLE, type TRedactable, type TRedactedOfferVersion, type TRedactedStatus } from '../workflows/status-view';
import type { TApplicationStatus, TOfferVersion, TTimelineEntry } from '../workflows/messages';
import { hasRole, type Principal } from './auth';

/** Whether the caller is one of the users the current offer's approval levels name. */
function isOfferApprover(p: Principal, status: TApplicationStatus): boolean {
  return status.offer.current?.levels.some((l) => l.approvers.includes(p.userId)) ?? false;
}

/** The fields this caller may not see on this application's status. */
export function withheldFor(p: Principal, status: TApplicationStatus): TRedactable[] {
  const entitled = hasRole(p, 'admin', 'hr') || isOfferApprover(p, status);
  if (!entitled) return [...REDACTABLE];
  const scopes = p.scopes ?? null;
  if (scopes !== null && !scopes.includes('offers:read')) return ['salary', 'signatureEvidence'];
  return [];
}

function redactVersion(v: TOfferVersion, hide: ReadonlySet<TRedactable>): TRedactedOfferVersion {
  const offer = hide.has('salary') ? { ...v.offer, salary: null } : v.offer;
  const sig = v.response?.signature;
  const response =
    v.response && sig && hide.has('signatureEvidence') ? { ...v.response, signature: { ...sig, ip: null, userAgent: null } } : v.response;
  return { ...v, offer, response };
}

/** The timeline repeats what it records: a drafted offer's salary, an evaluation's comment. */
function redactEntry(t: TTimelineEntry, hide: ReadonlySet<TRedactable>, readerId: string): TTimelineEntry {
  if (!t.detail) return t;
  const salary = hide.has('salary') && 'salary' in t.detail;
  const own = t.actor !== 'system' && t.actor.id === readerId;
  const comment = hide.has('evaluationComments') && !own && t.type.startsWith('evaluation_') && 'comment' in t.detail;
  if (!salary && !comment) return t;
  return { ...t, detail: { ...t.detail, ...(salary ? { salary: null } : {}), ...(comment ? { comment: null } : {}) } };
}

/** The status as this caller may see it: withheld fields set to null, listed in `redacted`. */
export function redactStatusFor(p: Principal, status: TApplicationStatus): TRedactedStatus {
  const withheld = withheldFor(p, status);
  const hide = new Set(withheld);
  return {
    ...status,
    offer: {
      current: status.offer.current && redactVersion(status.offer.current, hide),
      versions: status.offer.versions.map((v) => redactVersion(v, hide)),
    },
    // An evaluator keeps their own comment (they wrote it).
    evaluations: hide.has('evaluationComments')
      ? status.evaluations.map((e) => (e.evaluatorId === p.userId ? e : { ...e, comment: null }))
      : status.evaluations,
    timeline: status.timeline.map((t) => redactEntry(t, hide, p.userId)),
    redacted: withheld,
  };
}
