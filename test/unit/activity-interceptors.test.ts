/**
 * What the worker wraps around every activity attempt. Keep-alive: a heartbeat every
 * KEEP_ALIVE_EVERY_MS while it runs, none once it has ended, often enough for the
 * workflows' heartbeat timeout even when the SDK holds heartbeats back (for up to 80 % of
 * that timeout). Retry when free: an error that knows when its lease runs out reaches
 * Temporal as the same type with that as the next retry's delay; other errors unchanged.
 */
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attemptInterceptors, KEEP_ALIVE_EVERY_MS } from '../../activities/interceptors';
import { MessageInFlightError, TemporaryDeliveryError } from '../../activities/notifications/errors';
import { WebhookDeliveryPendingError } from '../../activities/webhooks/errors';
import { ACTIVITY_HEARTBEAT_TIMEOUT_MS } from '../../workflows/retry';

/** The activity failures these tests cause on purpose are not news. */
const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const options = { interceptors: [attemptInterceptors], logger: quiet };

describe('keep-alive', () => {
  let env: MockActivityEnvironment;
  let beats: number;
  beforeEach(() => {
    vi.useFakeTimers();
    env = new MockActivityEnvironment(undefined, options);
    beats = 0;
    env.on('heartbeat', () => (beats += 1));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats while the attempt runs and stops when it returns', async () => {
    let finish!: (v: string) => void;
    const run = env.run(() => new Promise<string>((resolve) => (finish = resolve)));
    await vi.advanceTimersByTimeAsync(KEEP_ALIVE_EVERY_MS - 1);
    expect(beats).toBe(0); // a short attempt sends nothing
    await vi.advanceTimersByTimeAsync(KEEP_ALIVE_EVERY_MS + 2); // at 1 and 2 intervals
    expect(beats).toBe(2);
    finish('done');
    await expect(run).resolves.toBe('done');
    await vi.advanceTimersByTimeAsync(KEEP_ALIVE_EVERY_MS * 5);
    expect(beats).toBe(2);
  });

  it('stops when the attempt throws, and the error goes through unchanged', async () => {
    const boom = new Error('SMTP said no');
    let fail!: (e: Error) => void;
    const run = env.run(() => new Promise<never>((_, reject) => (fail = reject)));
    const outcome = expect(run).rejects.toBe(boom);
    await vi.advanceTimersByTimeAsync(KEEP_ALIVE_EVERY_MS);
    fail(boom);
    await outcome;
    await vi.advanceTimersByTimeAsync(KEEP_ALIVE_EVERY_MS * 5);
    expect(beats).toBe(1);
  });

  it('beats well inside the heartbeat timeout, throttling included', () => {
    // The next beat after the first may wait 80 % of the timeout: the first must come sooner than the rest.
    expect(KEEP_ALIVE_EVERY_MS).toBeLessThan(ACTIVITY_HEARTBEAT_TIMEOUT_MS * 0.2 + 1);
  });
});

describe('retry when free', () => {
  const env = new MockActivityEnvironment(undefined, options);
  const failWith = (err: Error) => env.run(() => Promise.reject(err));

  it('hands the time left on the lease to Temporal as the next retry delay, under the same type', async () => {
    for (const err of [
      new MessageInFlightError('message k is being sent by another attempt', 41_250),
      new WebhookDeliveryPendingError('event e not yet delivered to 1 endpoint(s)', 12_000),
    ]) {
      const failure = await failWith(err).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: err.name, message: err.message, nonRetryable: false, nextRetryDelay: err.retryAfterMs });
    }
  });

  it('leaves errors without a known time as they are (the retry policy backs off)', async () => {
    for (const err of [
      new MessageInFlightError('message k is being sent by another attempt'),
      new WebhookDeliveryPendingError('refused by the receiver'),
      new TemporaryDeliveryError('451 try later'),
      new Error('anything else'),
    ]) {
      await expect(failWith(err)).rejects.toBe(err);
    }
    const own = ApplicationFailure.create({ type: 'X', message: 'already a failure', nextRetryDelay: 5 });
    await expect(failWith(own)).rejects.toBe(own);
  });
});
