/**
 * Activity errors that no retry can cure (missing records, bad template data). Listed by
 * name because workflow code may not import the activity modules; a unit test checks
 * this list against the error classes the activities export.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'ApplicationNotFoundError',
  'UnknownTemplateError',
  'TemplateDataError',
  'NotificationInputError',
  'OfferLetterInputError',
  'SignedCopyMismatchError',
  'WebhookInputError',
];

/**
 * How long an activity attempt may go without a sign of life before Temporal retries it.
 * Every attempt runs under the worker's keep-alive (activities/interceptors.ts), which
 * heartbeats every few seconds while the attempt is running, so only an attempt whose
 * worker died, or whose result was lost with a restarting server, misses it: it is
 * retried after this instead of after the whole start-to-close timeout (a minute).
 */
export const ACTIVITY_HEARTBEAT_TIMEOUT_MS = 10_000;
