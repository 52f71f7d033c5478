/**
 * Events for integrators' webhooks (API.md). Each event gets a deterministic key
 * (workflow id and sequence number) and goes out through one background loop, so the
 * events of an application reach each endpoint in order; the activity retries with
 * backoff for as long as a receiver is down.
 */
import { condition, workflowInfo } from '@temporalio/workflow';
import type { TWebhookEventType } from '../domain/contracts/webhooks';
import { deliverEvent } from './proxies';

interface TQueued {
  key: string;
  type: TWebhookEventType;
  data: Record<string, unknown>;
  occurredAt: string;
}

export interface EventPump {
  emit(type: TWebhookEventType, data?: Record<string, unknown>): void;
  /** Resolves when every event emitted so far has been delivered. */
  drain(): Promise<void>;
}

export function createEventPump(applicationId: string, onError: (error: string) => void): EventPump {
  const queue: TQueued[] = [];
  let seq = 0;
  let running = false;

  async function pump() {
    running = true;
    try {
      while (queue.length) {
        const ev = queue[0]!;
        try {
          await deliverEvent({ key: ev.key, applicationId, type: ev.type, data: ev.data, occurredAt: ev.occurredAt });
        } catch (e) {
          // Only a non-retryable failure lands here: record it and go on with the next.
          onError(e instanceof Error ? e.message : String(e));
        }
        queue.shift();
      }
    } finally {
      running = false;
    }
  }

  return {
    emit(type, data = {}) {
      seq += 1;
      queue.push({ key: `${workflowInfo().workflowId}:${seq}`, type, data, occurredAt: new Date().toISOString() });
      if (!running) void pump();
    },
    async drain() {
      await condition(() => queue.length === 0 && !running);
    },
  };
}
