/**
 * Errors of the notification activities.
 *
 * Retryable (Temporal retries them with backoff): TemporaryDeliveryError, MessageInFlightError.
 * Non-retryable (a retry renders the same bad input again): listed in
 * NOTIFICATION_NON_RETRYABLE_ERRORS, to be merged into the worker's nonRetryableErrorTypes.
 * A PERMANENT delivery failure is not thrown at all: it is recorded and returned.
 */
import type { TRetryAfter } from '../errors';

/** Thrown by a transport (Mailer, SmsProvider); the activity turns it into a status. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    /** true: retrying cannot help (5xx reply, invalid address, 4xx from the gateway). */
    readonly permanent: boolean,
    /** The SMTP reply code or HTTP status, when there was one. */
    readonly code?: number | string,
  ) {
    super(message);
  }
}

/** A temporary transport failure: thrown out of the activity so Temporal retries it. */
export class TemporaryDeliveryError extends Error {
  override name = 'TemporaryDeliveryError';
}

/** Another attempt holds the lease on this message and may be sending it right now. */
export class MessageInFlightError extends Error implements TRetryAfter {
  override name = 'MessageInFlightError';
  constructor(
    message: string,
    /** When the lease runs out (and a retry may send), if known. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class UnknownTemplateError extends Error {
  override name = 'UnknownTemplateError';
}

/** The data does not fit the template's schema, or the template has no part for the channel. */
export class TemplateDataError extends Error {
  override name = 'TemplateDataError';
}

/** A call that can never work as given (e.g. notifyStaff with neither role nor user ids). */
export class NotificationInputError extends Error {
  override name = 'NotificationInputError';
}

export const NOTIFICATION_NON_RETRYABLE_ERRORS = [
  'UnknownTemplateError',
  'TemplateDataError',
  'NotificationInputError',
];
