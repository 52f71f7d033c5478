import { z } from 'zod';

/**
 * What an API key may be used for. A key never adds to its user's roles: a route needs the
 * role (checked by the route) and, when called with a scoped key, the route's scope
 * (api/scopes.ts). A key without scopes (the token `POST /v1/users` returns) can do
 * whatever its user's roles allow.
 */
export const API_KEY_SCOPES = [
  'applications:read',
  'applications:write',
  // Not a route scope: what an offer holds beyond its status (salary, signature evidence),
  // shown in GET /v1/applications/:id only to keys that have it (api/status-redaction.ts).
  'offers:read',
  'employees:read',
  'employees:write',
  'lms:write',
  'webhooks:manage',
  'jobs:manage',
  'organisation:manage',
  'audit:read',
] as const;
export const ZApiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type TApiKeyScope = z.infer<typeof ZApiKeyScopeSchema>;
