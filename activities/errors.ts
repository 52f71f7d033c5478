/**
 * Named business errors thrown by activities. Those listed in NON_RETRYABLE_ERRORS are
 * never retried: retrying cannot make a missing record appear.
 */
export class ApplicationNotFoundError extends Error {
  override name = 'ApplicationNotFoundError';
}

export const NON_RETRYABLE_ERRORS = ['ApplicationNotFoundError'];
