import { describe, expect, it } from 'vitest';
import { NON_RETRYABLE_ERRORS } from '../../activities/errors';
import { NOTIFICATION_NON_RETRYABLE_ERRORS } from '../../activities/notifications';
import { OFFER_NON_RETRYABLE_ERRORS } from '../../activities/offers';
import { WEBHOOK_NON_RETRYABLE_ERRORS } from '../../activities/webhooks';
import { NON_RETRYABLE_ERROR_TYPES } from '../../workflows/retry';

describe('non-retryable activity errors', () => {
  it('the workflow stops retrying every error the activities call permanent', () => {
    expect([...NON_RETRYABLE_ERROR_TYPES].sort()).toEqual([...NON_RETRYABLE_ERRORS, ...NOTIFICATION_NON_RETRYABLE_ERRORS, ...OFFER_NON_RETRYABLE_ERRORS, ...WEBHOOK_NON_RETRYABLE_ERRORS].sort());
  });
});
