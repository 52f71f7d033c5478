/**
 * Errors of the webhook activity.
 *
 * Retryable: WebhookDeliveryPendingError (some endpoint has not acknowledged the event
 * yet; Temporal retries with backoff and only the pending endpoints are posted again).
 * Non-retryable: listed in WEBHOOK_NON_RETRYABLE_ERRORS, to be merged into the worker's
 * nonRetryableErrorTypes (workflows/retry.ts).
 */
import type { TRetryAfter } from '../errors';

export class WebhookDeliveryPendingError extends Error implements TRetryAfter {
  override name = 'WebhookDeliveryPendingError';
  constructor(
    message: string,
    /** Set when every pending endpoint waits only for another attempt's lease: when the first runs out. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A call that can never work as given: unknown event type, empty key, bad time. */
export class WebhookInputError extends Error {
  override name = 'WebhookInputError';
}

export const WEBHOOK_NON_RETRYABLE_ERRORS = ['WebhookInputError'];

/**
 * The endpoint's host resolves to an address webhooks may not reach (loopback, private,
 * link-local, CGNAT, unspecified) and WEBHOOK_ALLOWED_NETWORKS does not list it.
 * Logged on the attempt as `address_refused: …`.
 */
export class WebhookAddressRefusedError extends Error {
  override name = 'WebhookAddressRefusedError';
}
