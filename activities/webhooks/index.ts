/**
 * Signed webhooks to integrators (API.md): every event type, each with a unique event
 * id, delivered at least once with Temporal's retries and backoff, in order per
 * application and endpoint.
 *
 * Activity (registered with the worker): deliverEvent.
 * Pure helpers for receivers, tests and the README: signWebhook, verifyWebhookSignature.
 */
import { createDeliverEvent, type TWebhookDeps } from './deliver';

export { WEBHOOK_EVENT_TYPES, ZWebhookEventTypeSchema, isWebhookEventType } from '../../domain/contracts/webhooks';
export type { TWebhookEventType } from '../../domain/contracts/webhooks';
export { WebhookAddressRefusedError, WebhookDeliveryPendingError, WebhookInputError, WEBHOOK_NON_RETRYABLE_ERRORS } from './errors';
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  parseSignatureHeader,
  signStandardWebhook,
  signWebhook,
  STANDARD_WEBHOOK_HEADERS,
  verifyWebhookSignature,
} from './signature';
export { createDeliveryCore, webhookBody } from './deliver';
export { checkWebhookUrl } from './address';
export { purgeExpiredEvents } from './purge';
export type { TAttemptResult, TDeliverEventInput, TDeliverEventResult, TEventType, TWebhookDeps, TWebhookPayload } from './deliver';

export const createWebhookActivities = (deps: TWebhookDeps) => ({
  deliverEvent: createDeliverEvent(deps),
});

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
