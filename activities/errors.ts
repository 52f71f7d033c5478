/**
 * Named business errors thrown by activities. Those listed in NON_RETRYABLE_ERRORS are
 * never retried: retrying cannot make a missing record appear.
 */
export class ApplicationNotFoundError extends Error {
  override name = 'ApplicationNotFoundError';
}

export const NON_RETRYABLE_ERRORS = ['ApplicationNotFoundError'];

/**
 * An error that knows when a retry can succeed: another attempt holds a lease that runs out
 * in `retryAfterMs`. The worker hands that to Temporal as the next retry's delay
 * (activities/interceptors.ts), instead of a backoff that can overshoot it by far.
 */
export interface TRetryAfter {
  readonly retryAfterMs?: number | undefined;
}

export function retryAfterOf(err: unknown): number | undefined {
  const ms = err instanceof Error ? (err as TRetryAfter).retryAfterMs : undefined;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
