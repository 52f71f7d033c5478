/**
 * The webhook event types integrators can subscribe to (API.md). Pure data, so the
 * workflow, the activities and the API share one list.
 */
import { z } from 'zod';

/** Scopes a webhook endpoint may hold; without `offers:salary`, `offer.*` events arrive without `salary`. */
export const WEBHOOK_SCOPES = ['offers:salary'] as const;
export type TWebhookScope = (typeof WEBHOOK_SCOPES)[number];

/** The event data as an endpoint with `scopes` may see it. */
export function webhookDataFor(type: string, data: Record<string, unknown>, scopes: readonly string[] | null): Record<string, unknown> {
  if (!type.startsWith('offer.') || scopes?.includes('offers:salary') || !('salary' in data)) return data;
  const { salary: _salary, ...rest } = data;
  return rest;
}

export const WEBHOOK_EVENT_TYPES = [
  'application.received',
  'application.stage_changed',
  'offer.approved',
  'offer.sent',
  'offer.viewed',
  'offer.accepted',
  'offer.declined',
  'offer.expired',
  'employee.created',
  'onboarding.completed',
  'probation.confirmed',
  'probation.extended',
  'probation.ended',
] as const;

export const ZWebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES, {
  error: (issue) => `unknown event type ${JSON.stringify(issue.input)}; one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
});
export type TWebhookEventType = z.infer<typeof ZWebhookEventTypeSchema>;

export const isWebhookEventType = (v: unknown): v is TWebhookEventType =>
  typeof v === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(v);

/** The event of POST /v1/webhooks/:id/test: sent to that endpoint only, never a subscription type nor in GET /v1/events. */
export const PING_EVENT_TYPE = 'ping';
