/**
 * The webhook event types integrators can subscribe to (API.md). Pure data, so the
 * workflow, the activities and the API share one list.
 */
import { z } from 'zod';

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
] as const;

export const ZWebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES, {
  error: (issue) => `unknown event type ${JSON.stringify(issue.input)}; one of: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
});
export type TWebhookEventType = z.infer<typeof ZWebhookEventTypeSchema>;

export const isWebhookEventType = (v: unknown): v is TWebhookEventType =>
  typeof v === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(v);

/** The event of POST /v1/webhooks/:id/test: sent to that endpoint only, never a subscription type nor in GET /v1/events. */
export const PING_EVENT_TYPE = 'ping';
