/**
 * The scope each bearer route needs when it is called with a scoped API key, in one table
 * so the rule is enforced in one place (api/auth.ts) and reviewed in one place. A key never
 * widens its user's roles: the route's role check still applies; the scope only narrows.
 *
 * A route missing from this table refuses every scoped key (403): new routes are closed to
 * integrators' keys until someone decides what they need. `ANY_KEY` routes only describe
 * the caller. test/unit/scopes.test.ts checks that every bearer route in the OpenAPI
 * document has an entry; docs/administration.md lists them for integrators.
 */
import type { TApiKeyScope } from '../domain/contracts/api-keys';

export const ANY_KEY = 'any' as const;
export type TRouteScope = TApiKeyScope | typeof ANY_KEY;

export const ROUTE_SCOPES: Record<string, TRouteScope> = {
  'GET /v1/me': ANY_KEY,
  // The key's own user's browser sessions: any key may list them or end one (e.g. a script
  // that signs a compromised account out everywhere).
  'GET /v1/me/sessions': ANY_KEY,
  'DELETE /v1/me/sessions/:id': ANY_KEY,
  'GET /v1/approvals': ANY_KEY,
  'GET /v1/me/assignments': ANY_KEY,

  'GET /v1/users': 'organisation:manage',
  'POST /v1/users': 'organisation:manage',
  'PATCH /v1/users/:id': 'organisation:manage',
  'POST /v1/users/:id/api-keys': 'organisation:manage',
  'GET /v1/users/:id/api-keys': 'organisation:manage',
  'DELETE /v1/api-keys/:id': 'organisation:manage',
  'POST /v1/departments': 'organisation:manage',
  'PATCH /v1/departments/:id': 'organisation:manage',
  'PUT /v1/settings': 'organisation:manage',
  'PATCH /v1/settings': 'organisation:manage',
  'GET /v1/admin/consistency': 'organisation:manage',
  'GET /v1/departments': 'applications:read',
  'GET /v1/settings': 'applications:read',

  'POST /v1/jobs': 'jobs:manage',
  'PATCH /v1/jobs/:id': 'jobs:manage',
  'GET /v1/jobs': 'applications:read',
  'GET /v1/jobs/:id': 'applications:read',
  'GET /v1/jobs/:id/ranking': 'applications:read',
  'GET /v1/jobs/:id/question-stats': 'applications:read',

  'POST /v1/applications': 'applications:write',
  'POST /v1/applications/batch': 'applications:write',
  'GET /v1/applications': 'applications:read',
  'GET /v1/applications/:id': 'applications:read',
  'GET /v1/applications/:id/report': 'applications:read',
  'GET /v1/applications/:id/messages': 'applications:read',
  'GET /v1/applications/:id/export': 'applications:read',
  'POST /v1/applications/:id/erase': 'organisation:manage',
  'GET /v1/privacy/retention-runs': 'organisation:manage',
  'POST /v1/applications/:id/withdraw': 'applications:write',
  'POST /v1/applications/:id/discrepancies/:discrepancyId/resolution': 'applications:write',
  'POST /v1/applications/:id/evaluations': 'applications:write',
  'POST /v1/applications/:id/decision': 'applications:write',
  'PUT /v1/applications/:id/offer': 'applications:write',
  'POST /v1/applications/:id/offer/submit': 'applications:write',
  'POST /v1/applications/:id/offer/preview': 'applications:read',
  'GET /v1/applications/:id/offer/letter': 'offers:read',
  'GET /v1/applications/:id/offer/signed': 'offers:read',
  'POST /v1/applications/:id/decision/feedback-preview': 'applications:read',
  'POST /v1/applications/:id/offer/approvals': 'applications:write',
  'POST /v1/applications/:id/offer/approvals/delegate': 'applications:write',
  'POST /v1/applications/:id/probation/check-in': 'applications:write',
  'POST /v1/applications/:id/probation/mentor-note': 'applications:write',
  'POST /v1/applications/:id/probation/review': 'applications:write',
  'GET /v1/events': 'applications:read',

  'GET /v1/employees': 'employees:read',
  'GET /v1/employees/:id': 'employees:read',
  'GET /v1/employees/:id/documents/:documentId': 'employees:read',
  'POST /v1/employees/:id/documents/:documentId/reject': 'employees:write',
  'POST /v1/employees/:id/onboarding/tasks/:taskKey/complete': 'employees:write',
  'POST /v1/employees/:id/courses/:courseKey/result': 'lms:write',

  'POST /v1/webhooks': 'webhooks:manage',
  'GET /v1/webhooks': 'webhooks:manage',
  'DELETE /v1/webhooks/:id': 'webhooks:manage',
  'GET /v1/webhooks/:id/deliveries': 'webhooks:manage',
  'POST /v1/webhooks/:id/test': 'webhooks:manage',
  'POST /v1/webhooks/:id/deliveries/:eventId/redeliver': 'webhooks:manage',
  'POST /v1/webhooks/:id/rotate-secret': 'webhooks:manage',

  'GET /v1/audit': 'audit:read',
};
for (const report of ['funnel', 'stage-times', 'decision-promise', 'approvals', 'offers', 'communications', 'onboarding', 'hiring-quality']) {
  ROUTE_SCOPES[`GET /v1/reports/${report}`] = 'applications:read';
}

/** The scope a route needs from a scoped key, or undefined: no scoped key may call it. */
export function scopeFor(method: string, routeUrl: string | undefined): TRouteScope | undefined {
  return routeUrl === undefined ? undefined : ROUTE_SCOPES[`${method} ${routeUrl}`];
}

/** Whether a key with these scopes (null: unscoped) may call a route needing `needed`. */
export function keyAllows(scopes: readonly string[] | null, needed: TRouteScope | undefined): boolean {
  if (scopes === null) return true;
  if (needed === undefined) return false;
  return needed === ANY_KEY || scopes.includes(needed);
}
