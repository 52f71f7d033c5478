/**
 * The wrong people, as one table: every route of the API (checked against the OpenAPI
 * document, so a new route without a row fails) against every kind of caller, with the
 * status the product defines for each cell.
 *
 * Callers: the seven staff roles (admin, hr, a hiring manager of the application's
 * department and one of another department, an approver, it, the new hire's mentor, an
 * integrator), the candidate whose link it is, another candidate's link, the
 * candidate's link after it expired, a tampered token and no token at all.
 *
 *  - Staff routes: link tokens, tampered staff tokens and no token are 401; a role the
 *    route does not name is 403 (before the body or the id is looked at); a role that may
 *    use the route but not see this application/employee gets 404; otherwise what the
 *    route does. Staff tokens do not expire, so "expired" there is the candidate's
 *    expired link sent as a bearer token.
 *  - Candidate routes (offer links, the portal): the link is the credential. Staff send
 *    their own token as the link (401: a staff token is not a link). Another candidate's
 *    link only ever reaches that candidate's own offer.
 *  - Public routes (health, docs, the tracking pixel) answer everyone alike.
 *
 * Mutating cells act on applications set up for them (one per role where the action
 * changes state), so each cell's answer does not depend on the order of the others. The
 * candidate column runs last in each row, after the expired and tampered attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB, application, createOrg, createUser, type Org } from '../helpers/org';
import { OFFER } from '../helpers/journey';
import { multipart, PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import {
  atStage,
  inApproval,
  inDecision,
  inDiscrepancyReview,
  inDrafting,
  inEvaluation,
  offerSent,
  offerToken,
  onboarded,
  portalToken,
  quickJob,
  tamper,
  withDraft,
  type Candidate,
} from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';

const STAFF = ['admin', 'hr', 'hmOwn', 'hmOther', 'approver', 'it', 'mentor', 'integrator'] as const;
const LINKS = ['otherCandidate', 'expired', 'tampered', 'none', 'candidate'] as const;
const WHO = [...STAFF, ...LINKS] as const;
type Staff = (typeof STAFF)[number];
type Who = (typeof WHO)[number];
type Expected = Record<Who, number>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Body {
  json?: unknown;
  form?: Record<string, string>;
  multipart?: ReturnType<typeof multipart>;
}

interface Row {
  method: Method;
  /** The route as registered, e.g. /v1/applications/:id. */
  route: string;
  /** staff: bearer tokens; offer/portal: the signed link is the credential; public: no credential. */
  kind: 'staff' | 'offer' | 'portal' | 'public';
  /** The URL for this caller; `{token}` stands for the link token (removed for "none"). */
  url: (who: Who) => string;
  body?: (who: Who) => Body;
  expected: () => Expected;
  /** Further checks of a cell's answer. */
  check?: (who: Who, res: { status: number; json: any }) => void;
}

let s: Stack;
let org: Org;
const staffToken = {} as Record<Staff, string>;
/** Fixtures, filled in beforeAll. */
const f = {} as {
  jobId: string;
  mentorId: string;
  P: Candidate;
  D: Record<'admin' | 'hr', Candidate & { discrepancyId: string }>;
  W: Record<'admin' | 'hr' | 'integrator', Candidate>;
  Q: Candidate;
  R: Record<'admin' | 'hr', Candidate>;
  O1: Candidate;
  O2: Record<'admin' | 'hr', Candidate>;
  O3: Record<'mine' | 'others', Candidate>;
  O4: Record<'admin' | 'hr', Candidate>;
  A: Record<'view' | 'accept' | 'decline' | 'form', Candidate & { offerToken: string }>;
  B: Candidate & { offerToken: string };
  E: Candidate & { employeeId: string; portalToken: string; docs: { idCopy: string; diploma: string } };
  webhookId: string | null;
  /** Administration targets: a user, one of their keys to revoke, a job of their own. */
  subjectUserId: string;
  keyToRevoke: string;
  patchJobId: string;
  pingEventId: string | null;
};

// ---- Expected answers ------------------------------------------------------------

/** Staff routes: `allowed` cells as given, other roles `otherwise` (403 by default), link callers 401. */
function staff(allowed: Partial<Record<Staff, number>>, otherwise = 403): Expected {
  const out = {} as Expected;
  for (const w of STAFF) out[w] = allowed[w] ?? otherwise;
  for (const w of LINKS) out[w] = 401;
  return out;
}
const ROLES_200 = Object.fromEntries(STAFF.map((w) => [w, 200])) as Record<Staff, number>;
/** Candidate routes: staff tokens are not links (401); the rest as given. */
function link(cells: Record<(typeof LINKS)[number], number>): Expected {
  return { ...(Object.fromEntries(STAFF.map((w) => [w, 401])) as Record<Staff, number>), ...cells };
}
const everyone = (status: number) => Object.fromEntries(WHO.map((w) => [w, status])) as Expected;

// ---- The table --------------------------------------------------------------------

const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const pick = <T,>(who: Who, byRole: Partial<Record<Who, T>>, fallback: T): T => byRole[who] ?? fallback;

const ROWS: Row[] = [
  // Public
  { method: 'GET', route: '/healthz', kind: 'public', url: () => '/healthz', expected: () => everyone(200) },
  { method: 'GET', route: '/readyz', kind: 'public', url: () => '/readyz', expected: () => everyone(200) },
  { method: 'GET', route: '/openapi.json', kind: 'public', url: () => '/openapi.json', expected: () => everyone(200) },
  { method: 'GET', route: '/docs', kind: 'public', url: () => '/docs', expected: () => everyone(200) },
  { method: 'GET', route: '/t/:file', kind: 'public', url: () => `/t/${tamper(offerToken(s, f.P.id))}.gif`, expected: () => everyone(200) },

  // Sign-in (no identity provider configured here: the SSO routes say so with a 404 page)
  { method: 'GET', route: '/auth/login', kind: 'public', url: () => '/auth/login', expected: () => everyone(404) },
  { method: 'GET', route: '/auth/callback', kind: 'public', url: () => '/auth/callback?code=c&state=s', expected: () => everyone(404) },
  {
    method: 'POST',
    route: '/auth/email-link',
    kind: 'public',
    url: () => '/auth/email-link',
    body: () => ({ json: { email: 'someone@example.com' } }),
    expected: () => everyone(202),
  },
  { method: 'GET', route: '/auth/email-link/:token', kind: 'public', url: () => '/auth/email-link/unknown-link-token', expected: () => everyone(404) },
  // Bearer callers have no session to end (409); sessions themselves are covered by sign-in.test.ts.
  { method: 'POST', route: '/auth/logout', kind: 'staff', url: () => '/auth/logout', expected: () => staff({}, 409) },
  { method: 'GET', route: '/v1/me/sessions', kind: 'staff', url: () => '/v1/me/sessions', expected: () => staff(ROLES_200) },
  {
    method: 'DELETE',
    route: '/v1/me/sessions/:id',
    kind: 'staff',
    url: () => '/v1/me/sessions/6f1c1f55-98f6-4c63-9b61-8a0c3d0f1a00',
    expected: () => staff({}, 404),
  },

  // Organisation
  { method: 'GET', route: '/v1/me', kind: 'staff', url: () => '/v1/me', expected: () => staff(ROLES_200) },
  { method: 'GET', route: '/v1/me/assignments', kind: 'staff', url: () => '/v1/me/assignments', expected: () => staff(ROLES_200) },
  { method: 'GET', route: '/v1/users', kind: 'staff', url: () => '/v1/users', expected: () => staff({ admin: 200, hr: 200 }) },
  {
    method: 'POST',
    route: '/v1/users',
    kind: 'staff',
    url: () => '/v1/users',
    body: () => ({ json: { name: 'Matrix User', email: `matrix.${uniq()}@example.com`, roles: ['hr'] } }),
    expected: () => staff({ admin: 201 }),
  },
  {
    method: 'POST',
    route: '/v1/departments',
    kind: 'staff',
    url: () => '/v1/departments',
    body: () => ({ json: { name: `Matrix ${uniq()}`, managerUserId: org.manager.id } }),
    expected: () => staff({ admin: 201, hr: 201 }),
  },
  { method: 'GET', route: '/v1/departments', kind: 'staff', url: () => '/v1/departments', expected: () => staff(ROLES_200) },
  {
    method: 'PATCH',
    route: '/v1/users/:id',
    kind: 'staff',
    url: () => `/v1/users/${f.subjectUserId}`,
    body: () => ({ json: { name: `Matrix Subject ${uniq()}` } }),
    expected: () => staff({ admin: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/users/:id/api-keys',
    kind: 'staff',
    url: () => `/v1/users/${f.subjectUserId}/api-keys`,
    body: () => ({ json: { name: `matrix ${uniq()}`, scopes: ['applications:read'] } }),
    expected: () => staff({ admin: 201 }),
  },
  { method: 'GET', route: '/v1/users/:id/api-keys', kind: 'staff', url: () => `/v1/users/${f.subjectUserId}/api-keys`, expected: () => staff({ admin: 200 }) },
  { method: 'DELETE', route: '/v1/api-keys/:id', kind: 'staff', url: () => `/v1/api-keys/${f.keyToRevoke}`, expected: () => staff({ admin: 200 }) },
  {
    method: 'PATCH',
    route: '/v1/departments/:id',
    kind: 'staff',
    url: () => `/v1/departments/${org.otherDepartmentId}`,
    body: () => ({ json: { name: `Sales ${uniq()}` } }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  { method: 'GET', route: '/v1/audit', kind: 'staff', url: () => '/v1/audit?limit=5', expected: () => staff({ admin: 200 }) },
  {
    method: 'PUT',
    route: '/v1/settings',
    kind: 'staff',
    url: () => '/v1/settings',
    body: () => ({ json: { companyName: 'Acme Robotics', companyAddress: '1 Harbour Road, Shanghai', generalManagerUserId: org.gm.id } }),
    expected: () => staff({ admin: 200 }),
  },
  { method: 'GET', route: '/v1/settings', kind: 'staff', url: () => '/v1/settings', expected: () => staff(ROLES_200) },
  {
    method: 'PATCH',
    route: '/v1/settings',
    kind: 'staff',
    url: () => '/v1/settings',
    body: () => ({ json: { retention: { afterEnd: { rejected: 180 } } } }),
    expected: () => staff({ admin: 200 }),
  },

  // Jobs
  {
    method: 'POST',
    route: '/v1/jobs',
    kind: 'staff',
    url: () => '/v1/jobs',
    body: () => ({ json: JOB(org.departmentId) }),
    expected: () => staff({ admin: 201, hr: 201 }),
  },
  { method: 'GET', route: '/v1/jobs', kind: 'staff', url: () => '/v1/jobs', expected: () => staff(ROLES_200) },
  {
    method: 'PATCH',
    route: '/v1/jobs/:id',
    kind: 'staff',
    url: () => `/v1/jobs/${f.patchJobId}`,
    body: () => ({ json: { title: `Matrix Job ${uniq()}` } }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  { method: 'GET', route: '/v1/jobs/:id', kind: 'staff', url: () => `/v1/jobs/${f.jobId}`, expected: () => staff(ROLES_200) },
  {
    method: 'GET',
    route: '/v1/jobs/:id/ranking',
    kind: 'staff',
    url: () => `/v1/jobs/${f.jobId}/ranking`,
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, hmOther: 404 }),
  },
  {
    method: 'GET',
    route: '/v1/jobs/:id/question-stats',
    kind: 'staff',
    url: () => `/v1/jobs/${f.jobId}/question-stats`,
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, hmOther: 404 }),
  },

  // Reports: another department's job is a 404 for a hiring manager
  ...(['funnel', 'stage-times', 'decision-promise', 'approvals', 'offers', 'communications', 'onboarding', 'hiring-quality'] as const).map(
    (name): Row => ({
      method: 'GET',
      route: `/v1/reports/${name}`,
      kind: 'staff',
      url: () => `/v1/reports/${name}?jobId=${f.jobId}`,
      expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, hmOther: 404 }),
    }),
  ),

  // Applications
  {
    method: 'POST',
    route: '/v1/applications',
    kind: 'staff',
    url: () => '/v1/applications',
    body: () => ({ json: { ...matrixApplication(), externalId: `matrix-${uniq()}` } }),
    expected: () => staff({ admin: 202, hr: 202, integrator: 202 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/batch',
    kind: 'staff',
    url: () => '/v1/applications/batch',
    body: () => ({ json: { items: [{ ...matrixApplication(), externalId: `matrix-batch-${uniq()}` }] } }),
    expected: () => staff({ admin: 200, hr: 200, integrator: 200 }),
    check: (_who, res) => {
      if (res.status === 200) expect(res.json.results).toEqual([expect.objectContaining({ index: 0, status: 'created' })]);
    },
  },
  {
    method: 'GET',
    route: '/v1/applications',
    kind: 'staff',
    url: () => '/v1/applications',
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, hmOther: 200, integrator: 200 }),
  },
  {
    method: 'GET',
    route: '/v1/applications/:id',
    kind: 'staff',
    url: () => `/v1/applications/${f.P.id}`,
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, integrator: 200 }, 404),
  },
  {
    method: 'GET',
    route: '/v1/applications/:id/report',
    kind: 'staff',
    url: () => `/v1/applications/${f.P.id}/report`,
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, integrator: 200 }, 404),
  },
  {
    method: 'GET',
    route: '/v1/applications/:id/messages',
    kind: 'staff',
    url: () => `/v1/applications/${f.P.id}/messages`,
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  // The console's offer documents and previews (api/routes/offer-documents.ts): HR and admins only.
  ...(['letter', 'signed'] as const).map(
    (kind): Row => ({
      method: 'GET',
      route: `/v1/applications/:id/offer/${kind}`,
      kind: 'staff',
      url: () => `/v1/applications/${f.E.id}/offer/${kind}`,
      expected: () => staff({ admin: 200, hr: 200 }),
    }),
  ),
  {
    method: 'POST',
    route: '/v1/applications/:id/offer/preview',
    kind: 'staff',
    url: () => `/v1/applications/${f.O1.id}/offer/preview`,
    body: () => ({ json: OFFER() }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/decision/feedback-preview',
    kind: 'staff',
    url: () => `/v1/applications/${f.P.id}/decision/feedback-preview`,
    body: () => ({ json: {} }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/discrepancies/:discrepancyId/resolution',
    kind: 'staff',
    url: (who) => {
      const d = pick(who, { hr: f.D.hr }, f.D.admin);
      return `/v1/applications/${d.id}/discrepancies/${encodeURIComponent(d.discrepancyId)}/resolution`;
    },
    body: () => ({ json: { resolution: 'dismissed', note: 'Checked in the matrix' } }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/withdraw',
    kind: 'staff',
    url: (who) => `/v1/applications/${pick(who, { hr: f.W.hr, integrator: f.W.integrator }, f.W.admin).id}/withdraw`,
    body: () => ({ json: { reason: 'Withdrawn in the matrix' } }),
    expected: () => staff({ admin: 200, hr: 200, integrator: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/evaluations',
    kind: 'staff',
    url: () => `/v1/applications/${f.Q.id}/evaluations`,
    body: () => ({ json: { ratings: { programming: 'good', systems: 'fair', teamwork: 'good' }, recommendation: 'advance' } }),
    // admin evaluates as HR, the department's hiring manager as hiring manager.
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, hmOther: 404 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/decision',
    kind: 'staff',
    url: (who) => `/v1/applications/${pick(who, { hr: f.R.hr }, f.R.admin).id}/decision`,
    body: () => ({ json: { decision: 'reject', reason: 'Decided in the matrix' } }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },

  // Offers
  {
    method: 'PUT',
    route: '/v1/applications/:id/offer',
    kind: 'staff',
    url: () => `/v1/applications/${f.O1.id}/offer`,
    body: () => ({ json: OFFER() }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/offer/submit',
    kind: 'staff',
    url: (who) => `/v1/applications/${pick(who, { hr: f.O2.hr }, f.O2.admin).id}/offer/submit`,
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/offer/approvals',
    kind: 'staff',
    // Anyone signed in reaches the workflow, which lets only the current level's approvers decide.
    url: (who) => `/v1/applications/${pick(who, { approver: f.O3.mine }, f.O3.others).id}/offer/approvals`,
    body: () => ({ json: { decision: 'approve', comment: 'Matrix' } }),
    expected: () => staff({ approver: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/offer/approvals/delegate',
    kind: 'staff',
    url: (who) => `/v1/applications/${pick(who, { hr: f.O4.hr }, f.O4.admin).id}/offer/approvals/delegate`,
    body: () => ({ json: { fromUserId: org.gm.id, toUserId: org.manager.id } }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  { method: 'GET', route: '/v1/approvals', kind: 'staff', url: () => '/v1/approvals', expected: () => staff(ROLES_200) },

  // Probation (the new hire is still onboarding here: whoever passes the route's checks
  // reaches the workflow, which refuses the stage; probation.test.ts covers the rest)
  {
    method: 'POST',
    route: '/v1/applications/:id/probation/check-in',
    kind: 'staff',
    url: () => `/v1/applications/${f.E.id}/probation/check-in`,
    body: () => ({ json: { note: 'Matrix', onTrack: true } }),
    expected: () => staff({ admin: 409, hr: 409, hmOwn: 409, hmOther: 404 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/probation/mentor-note',
    kind: 'staff',
    url: () => `/v1/applications/${f.E.id}/probation/mentor-note`,
    body: () => ({ json: { note: 'Matrix' } }),
    // the new hire's mentor sees it; an approver or IT without the department does not
    expected: () => staff({ admin: 409, hr: 409, hmOwn: 409, hmOther: 404, approver: 404, it: 404, mentor: 409, integrator: 409 }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:id/probation/review',
    kind: 'staff',
    url: () => `/v1/applications/${f.E.id}/probation/review`,
    body: () => ({ json: { outcome: 'confirm' } }),
    expected: () => staff({ admin: 409, hr: 409 }),
  },

  // Employees
  {
    method: 'GET',
    route: '/v1/employees/:id',
    kind: 'staff',
    url: () => `/v1/employees/${f.E.employeeId}`,
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 200, it: 200, mentor: 200, integrator: 200 }, 404),
    // Everyone who sees the employee sees that the ID copy exists and its status (not its bytes).
    check: (_who, res) => {
      if (res.status !== 200) return;
      const doc = res.json.documents.find((d: { id: string }) => d.id === f.E.docs.idCopy);
      expect(doc).toMatchObject({ kind: expect.any(String), status: expect.stringMatching(/^(submitted|rejected)$/) });
      expect(doc).not.toHaveProperty('storageKey');
    },
  },
  {
    method: 'POST',
    route: '/v1/employees/:id/onboarding/tasks/:taskKey/complete',
    kind: 'staff',
    // Each caller its own open task: HR/admin may complete any, IT its own, the mentor the meeting;
    // the department's hiring manager passes the route but the workflow refuses an IT task.
    url: (who) =>
      `/v1/employees/${f.E.employeeId}/onboarding/tasks/${pick(who, { admin: 'computer', hr: 'badge', it: 'accounts', mentor: 'mentor_meeting' }, 'accounts')}/complete`,
    body: () => ({ json: { note: 'Matrix' } }),
    expected: () => staff({ admin: 200, hr: 200, hmOwn: 403, hmOther: 404, it: 200, mentor: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/employees/:id/courses/:courseKey/result',
    kind: 'staff',
    url: () => `/v1/employees/${f.E.employeeId}/courses/orientation/result`,
    body: () => ({ json: { score: 40 } }),
    expected: () => staff({ admin: 200, hr: 200, integrator: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/employees/:id/documents/:documentId/reject',
    kind: 'staff',
    url: (who) => `/v1/employees/${f.E.employeeId}/documents/${pick(who, { hr: f.E.docs.diploma }, f.E.docs.idCopy)}/reject`,
    body: () => ({ json: { reason: 'Unreadable (matrix)' } }),
    expected: () => staff({ admin: 200, hr: 200 }),
  },
  {
    method: 'GET',
    route: '/v1/employees/:id/documents/:documentId',
    kind: 'staff',
    url: () => `/v1/employees/${f.E.employeeId}/documents/${f.E.docs.idCopy}`,
    // The bytes are HR's and admins'; the others who see the employee see only that it exists.
    expected: () => staff({ admin: 200, hr: 200 }),
  },

  // Pull sync for integrators
  { method: 'GET', route: '/v1/events', kind: 'staff', url: () => '/v1/events', expected: () => staff({ admin: 200, integrator: 200 }) },
  { method: 'GET', route: '/v1/employees', kind: 'staff', url: () => '/v1/employees?updatedSince=2020-01-01T00:00:00Z', expected: () => staff({ admin: 200, hr: 200, integrator: 200 }) },

  // Operations
  { method: 'GET', route: '/v1/admin/consistency', kind: 'staff', url: () => '/v1/admin/consistency', expected: () => staff({ admin: 200 }) },

  // Webhooks (an integrator sees only the endpoints it registered; this one is the admin's)
  {
    method: 'POST',
    route: '/v1/webhooks',
    kind: 'staff',
    url: () => '/v1/webhooks',
    body: () => ({ json: { url: 'http://127.0.0.1:9/matrix-hook', events: ['onboarding.completed'], secret: 'matrix-secret-0123456789abcdef' } }),
    expected: () => staff({ admin: 201, integrator: 201 }),
  },
  { method: 'GET', route: '/v1/webhooks', kind: 'staff', url: () => '/v1/webhooks', expected: () => staff({ admin: 200, integrator: 200 }) },
  {
    method: 'GET',
    route: '/v1/webhooks/:id/deliveries',
    kind: 'staff',
    url: () => `/v1/webhooks/${f.webhookId}/deliveries`,
    expected: () => staff({ admin: 200, integrator: 404 }),
  },
  {
    method: 'POST',
    route: '/v1/webhooks/:id/test',
    kind: 'staff',
    url: () => `/v1/webhooks/${f.webhookId}/test`,
    // 200 whatever the (unreachable) endpoint answers (these rows run before DELETE deactivates it)
    expected: () => staff({ admin: 200, integrator: 404 }),
  },
  {
    method: 'POST',
    route: '/v1/webhooks/:id/deliveries/:eventId/redeliver',
    kind: 'staff',
    url: () => `/v1/webhooks/${f.webhookId}/deliveries/${f.pingEventId}/redeliver`,
    expected: () => staff({ admin: 200, integrator: 404 }),
  },
  {
    method: 'POST',
    route: '/v1/webhooks/:id/rotate-secret',
    kind: 'staff',
    url: () => `/v1/webhooks/${f.webhookId}/rotate-secret`,
    body: () => ({ json: { overlapHours: 1 } }),
    expected: () => staff({ admin: 200, integrator: 404 }),
  },
  {
    method: 'DELETE',
    route: '/v1/webhooks/:id',
    kind: 'staff',
    url: () => `/v1/webhooks/${f.webhookId}`,
    expected: () => staff({ admin: 200, integrator: 404 }),
  },

  // Privacy: erasure (an unknown id for the one role allowed: erasing is for good) and export
  {
    method: 'POST',
    route: '/v1/applications/:id/erase',
    kind: 'staff',
    url: () => '/v1/applications/00000000-0000-4000-8000-00000000e0a5/erase',
    body: () => ({ json: { reason: 'Candidate asked for erasure' } }),
    expected: () => staff({ admin: 404 }),
  },
  { method: 'GET', route: '/v1/privacy/retention-runs', kind: 'staff', url: () => '/v1/privacy/retention-runs', expected: () => staff({ admin: 200 }) },
  { method: 'GET', route: '/v1/applications/:id/export', kind: 'staff', url: () => `/v1/applications/${f.P.id}/export`, expected: () => staff({ admin: 200, hr: 200 }) },
  // Privacy: the codec server
  ...(['decode', 'encode'] as const).map(
    (action): Row => ({
      method: 'POST',
      route: `/codec/${action}`,
      kind: 'staff',
      url: () => `/codec/${action}`,
      body: () => ({ json: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('1').toString('base64') }] } }),
      expected: () => staff({ admin: 200, hr: 200 }),
    }),
  ),

  // Candidates: the offer link
  {
    method: 'GET',
    route: '/v1/candidate/offer',
    kind: 'offer',
    url: () => '/v1/candidate/offer?token={token}',
    expected: () => link({ otherCandidate: 200, expired: 409, tampered: 401, none: 400, candidate: 200 }),
    // a link shows its own candidate's offer, never another's
    check: (who, res) => {
      if (who === 'candidate') expect(res.json.candidateName).toBe(f.A.view.name);
      if (who === 'otherCandidate') expect(res.json).toMatchObject({ candidateName: f.B.name, status: 'declined' });
    },
  },
  {
    method: 'GET',
    route: '/v1/candidate/offer.pdf',
    kind: 'offer',
    url: () => '/v1/candidate/offer.pdf?token={token}',
    expected: () => link({ otherCandidate: 200, expired: 409, tampered: 401, none: 400, candidate: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/candidate/offer/accept',
    kind: 'offer',
    url: () => '/v1/candidate/offer/accept?token={token}',
    body: () => ({ json: { signatureName: f.A.accept.name, consent: true } }),
    // another candidate's link answers for their own (declined) offer: a conflict, nothing accepted
    expected: () => link({ otherCandidate: 409, expired: 409, tampered: 401, none: 400, candidate: 200 }),
  },
  {
    method: 'POST',
    route: '/v1/candidate/offer/decline',
    kind: 'offer',
    url: () => '/v1/candidate/offer/decline?token={token}',
    body: () => ({ json: { reason: 'Declined in the matrix' } }),
    // the other candidate already declined and their workflow has ended: 409, nothing changes
    expected: () => link({ otherCandidate: 409, expired: 409, tampered: 401, none: 400, candidate: 200 }),
  },
  {
    method: 'GET',
    route: '/offers/:token',
    kind: 'offer',
    url: () => '/offers/{token}',
    expected: () => link({ otherCandidate: 200, expired: 410, tampered: 401, none: 400, candidate: 200 }),
  },
  {
    method: 'POST',
    route: '/offers/:token',
    kind: 'offer',
    url: () => '/offers/{token}',
    body: () => ({ form: { action: 'decline', reason: 'Not for me' } }),
    expected: () => link({ otherCandidate: 200, expired: 410, tampered: 401, none: 400, candidate: 200 }),
  },

  // Candidates: the new hire's portal
  {
    method: 'POST',
    route: '/v1/candidate/documents',
    kind: 'portal',
    url: () => '/v1/candidate/documents?token={token}',
    body: () => ({ multipart: multipart({ kind: 'medical_report' }, { field: 'file', filename: 'medical.pdf', contentType: 'application/pdf', bytes: PDF_BYTES }) }),
    expected: () => link({ otherCandidate: 401, expired: 401, tampered: 401, none: 400, candidate: 201 }),
  },
  {
    method: 'GET',
    route: '/portal/:token',
    kind: 'portal',
    url: () => '/portal/{token}',
    expected: () => link({ otherCandidate: 401, expired: 401, tampered: 401, none: 400, candidate: 200 }),
  },
];

function matrixApplication() {
  return application(f.jobId, 'average', { candidate: { name: 'Matrix Applicant', email: `matrix.${uniq()}@candidates.example.com` } });
}

// ---- Calling a cell ---------------------------------------------------------------

/** The link token a caller presents on a candidate route; null for none. */
function linkToken(row: Row, who: Who): string | null {
  if ((STAFF as readonly string[]).includes(who)) return staffToken[who as Staff];
  const target = row.route === '/v1/candidate/offer/accept' ? f.A.accept
    : row.route === '/v1/candidate/offer/decline' ? f.A.decline
    : row.route === '/offers/:token' && row.method === 'POST' ? f.A.form
    : f.A.view;
  const own = row.kind === 'portal' ? f.E.portalToken : target.offerToken;
  switch (who) {
    case 'candidate':
      return own;
    case 'otherCandidate':
      return f.B.offerToken;
    case 'expired':
      return row.kind === 'portal' ? portalToken(s, f.E.id, -60) : offerToken(s, target.id, 1, -60);
    case 'tampered':
      return tamper(own);
    default:
      return null;
  }
}

/** The bearer token a caller presents on a staff route; null for none. */
function bearer(who: Who): string | null {
  if ((STAFF as readonly string[]).includes(who)) return staffToken[who as Staff];
  switch (who) {
    case 'candidate':
      return f.A.view.offerToken;
    case 'otherCandidate':
      return f.B.offerToken;
    case 'expired':
      return offerToken(s, f.A.view.id, 1, -60);
    case 'tampered':
      return tamper(staffToken.hr);
    default:
      return null;
  }
}

async function call(row: Row, who: Who) {
  let url = row.url(who);
  const headers: Record<string, string> = {};
  if (row.kind === 'staff') {
    const t = bearer(who);
    if (t) headers.authorization = `Bearer ${t}`;
  } else {
    const isStaff = (STAFF as readonly string[]).includes(who);
    if (isStaff) headers.authorization = `Bearer ${staffToken[who as Staff]}`;
    if (row.kind !== 'public') {
      const t = linkToken(row, who);
      url = t === null ? url.replace(/[?&]token=\{token\}/, '').replace('{token}', '') : url.replace('{token}', encodeURIComponent(t));
    }
  }
  const b = row.body?.(who);
  let payload: string | Buffer | undefined;
  if (b?.json !== undefined) {
    payload = JSON.stringify(b.json);
    headers['content-type'] = 'application/json';
  } else if (b?.form) {
    payload = new URLSearchParams(b.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (b?.multipart) {
    payload = b.multipart.payload;
    Object.assign(headers, b.multipart.headers);
  }
  const res = await s.app.inject({ method: row.method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  const json = String(res.headers['content-type'] ?? '').includes('json') && res.body ? JSON.parse(res.body) : null;
  return { status: res.statusCode, json };
}

// ---- Set-up -----------------------------------------------------------------------

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  const admin = await createUser(s, { name: 'Ada Admin', roles: ['admin'] });
  const hmOwn = await createUser(s, { name: 'Hugo Own', roles: ['hiring_manager'], departmentId: org.departmentId });
  const hmOther = await createUser(s, { name: 'Olga Other', roles: ['hiring_manager'], departmentId: org.otherDepartmentId });
  const mentor = await createUser(s, { name: 'Max Mentor', roles: ['mentor'] });
  Object.assign(staffToken, {
    admin: admin.token,
    hr: org.hr.token,
    hmOwn: hmOwn.token,
    hmOther: hmOther.token,
    approver: org.gm.token,
    it: org.it.token,
    mentor: mentor.token,
    integrator: org.integrator.token,
  });
  f.mentorId = mentor.id;
  const subject = await createUser(s, { name: 'Matrix Subject', roles: ['hr'] });
  f.subjectUserId = subject.id;
  const key = await s.api('POST', `/v1/users/${subject.id}/api-keys`, { body: { name: 'to revoke', scopes: ['applications:read'] } });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  f.keyToRevoke = key.body.id;
  f.jobId = await quickJob(s, org, { onboarding: { mentorUserId: mentor.id } });
  f.patchJobId = await quickJob(s, org, { title: 'Matrix Patched' });
  const j = f.jobId;

  const [P, Dadmin, Dhr, Wadmin, Whr, Wint, Q, Radmin, Rhr, O1, O2admin, O2hr, O3mine, O3others, O4admin, O4hr, Aview, Aaccept, Adecline, Aform, B, E] =
    await Promise.all([
      inEvaluation(s, org, j),
      inDiscrepancyReview(s, org, j),
      inDiscrepancyReview(s, org, j),
      inEvaluation(s, org, j),
      inEvaluation(s, org, j),
      inEvaluation(s, org, j),
      inEvaluation(s, org, j),
      inDecision(s, org, j),
      inDecision(s, org, j),
      inDrafting(s, org, j),
      withDraft(s, org, j),
      withDraft(s, org, j),
      inApproval(s, org, j),
      inApproval(s, org, j),
      inApproval(s, org, j),
      inApproval(s, org, j),
      offerSent(s, org, j),
      offerSent(s, org, j),
      offerSent(s, org, j),
      offerSent(s, org, j),
      offerSent(s, org, j),
      onboarded(s, org, j),
    ]);
  Object.assign(f, {
    P,
    D: { admin: Dadmin, hr: Dhr },
    W: { admin: Wadmin, hr: Whr, integrator: Wint },
    Q,
    R: { admin: Radmin, hr: Rhr },
    O1,
    O2: { admin: O2admin, hr: O2hr },
    O3: { mine: O3mine, others: O3others },
    O4: { admin: O4admin, hr: O4hr },
    A: { view: Aview, accept: Aaccept, decline: Adecline, form: Aform },
  });

  // Another candidate: their offer declined, so their link can change nothing of theirs either.
  const declined = await s.api('POST', `/v1/candidate/offer/decline?token=${B.offerToken}`, { token: null, body: { reason: 'Elsewhere' } });
  expect(declined.status, JSON.stringify(declined.body)).toBe(200);
  await atStage(s, org, B.id, 'declined');
  f.B = B;

  // The new hire: two documents on file for HR to reject.
  const up = async (kind: string, bytes: Uint8Array, name: string, type: string) => {
    const m = multipart({ kind }, { field: 'file', filename: name, contentType: type, bytes });
    const r = await s.app.inject({ method: 'POST', url: `/v1/candidate/documents?token=${E.portalToken}`, payload: m.payload, headers: m.headers });
    expect(r.statusCode, r.body).toBe(201);
    return JSON.parse(r.body).id as string;
  };
  f.E = { ...E, docs: { idCopy: await up('id_copy', PNG_BYTES, 'id.png', 'image/png'), diploma: await up('diploma', PDF_BYTES, 'diploma.pdf', 'application/pdf') } };

  f.webhookId = null;
  f.pingEventId = null;
  if (s.app.hasRoute({ method: 'POST', url: '/v1/webhooks' })) {
    const w = await s.api('POST', '/v1/webhooks', { body: { url: 'http://127.0.0.1:9/matrix-target', events: ['onboarding.completed'], secret: 'matrix-target-secret-0123456789' } });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    f.webhookId = w.body.id;
    const ping = await s.api('POST', `/v1/webhooks/${w.body.id}/test`, {});
    expect(ping.status, JSON.stringify(ping.body)).toBe(200);
    f.pingEventId = ping.body.eventId;
  }
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

// ---- The test ---------------------------------------------------------------------

describe('every route x every caller', () => {
  it('the table covers every route in the OpenAPI document', () => {
    const doc = s.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(ROWS.map((r) => `${r.method} ${r.route}`));
    expect(documented.filter((r) => !covered.has(r)).sort()).toEqual([]);
  });

  it.for(ROWS.map((r) => ({ ...r, label: `${r.method} ${r.route}` })))('$label', async (row) => {
    // A route this table names must exist: a missing route fails, it is not skipped.
    expect(s.app.hasRoute({ method: row.method, url: row.route }), `${row.method} ${row.route} is not registered`).toBe(true);
    const actual = {} as Expected;
    const badErrors: string[] = [];
    for (const who of WHO) {
      const res = await call(row, who);
      actual[who] = res.status;
      row.check?.(who, res);
      if (res.status >= 400 && res.json && typeof res.json.error?.code !== 'string') badErrors.push(`${who}: ${JSON.stringify(res.json)}`);
    }
    expect(actual).toEqual(row.expected());
    expect(badErrors, 'every JSON refusal is in the error format').toEqual([]);
  });
});
