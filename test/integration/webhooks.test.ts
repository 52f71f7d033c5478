/**
 * deliverEvent against real PostgreSQL and local HTTP receivers that verify every
 * signature. Each call stands for one Temporal attempt: a throw is what makes Temporal
 * retry with backoff.
 */
import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../activities/deps';
import { AFTER_LEASE_MS } from '../../db/persist';
import {
  createWebhookActivities,
  verifyWebhookSignature,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_NON_RETRYABLE_ERRORS,
  WebhookDeliveryPendingError,
  WebhookInputError,
  type TDeliverEventInput,
  type TWebhookDeps,
} from '../../activities/webhooks';
import { webhookAttempts, webhookDeliveries, webhookEvents, webhooks } from '../../db/schema';
import { loadConfig } from '../../temporal.config';
import { createTestDb, type TestDb } from '../helpers/db';
import { startWebhookReceiver, type TTestWebhookReceiver } from '../helpers/webhook-receiver';

const SECRET = 'receiver-shared-secret-0123456789';
const OWNER = randomUUID();

class MemoryLog implements Logger {
  entries: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  info(obj: object, msg?: string) {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string) {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string) {
    this.entries.push({ level: 'error', obj, msg });
  }
}

let tdb: TestDb;
const receivers: TTestWebhookReceiver[] = [];

function build(over: Partial<TWebhookDeps> = {}) {
  const log = new MemoryLog();
  const acts = createWebhookActivities({
    db: tdb.handle,
    config: loadConfig({ NODE_ENV: 'test', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' }),
    log,
    now: () => new Date(),
    ...over,
  });
  return { ...acts, log };
}

async function receiver(secret = SECRET) {
  const r = await startWebhookReceiver({ secret });
  receivers.push(r);
  return r;
}

async function register(url: string, events: string[] = [], secret = SECRET) {
  const [row] = await tdb.handle.db.insert(webhooks).values({ url, events, secret, createdBy: OWNER }).returning();
  return row!;
}

let n = 0;
function event(over: Partial<TDeliverEventInput> = {}): TDeliverEventInput {
  n += 1;
  return {
    key: `application-${randomUUID()}:${n}`,
    applicationId: randomUUID(),
    type: 'offer.sent',
    data: { version: 1, candidateName: '李雷', note: `event ${n}` },
    occurredAt: new Date(Date.UTC(2026, 0, 5, 9, 0, n)).toISOString(),
    ...over,
  };
}

/** Runs the activity once and reports what Temporal would see. */
async function attempt(acts: ReturnType<typeof build>, input: TDeliverEventInput) {
  try {
    return { ok: true as const, result: await acts.deliverEvent(input) };
  } catch (error) {
    return { ok: false as const, error: error as Error };
  }
}

async function attemptsOf(webhookId: string) {
  return tdb.handle.db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.webhookId, webhookId))
    .orderBy(asc(webhookAttempts.attemptNo), asc(webhookAttempts.at));
}

async function deliveryOf(eventId: string, webhookId: string) {
  const [row] = await tdb.handle.db
    .select()
    .from(webhookDeliveries)
    .where(sql`${webhookDeliveries.eventId} = ${eventId} and ${webhookDeliveries.webhookId} = ${webhookId}`);
  return row;
}

beforeAll(async () => {
  tdb = await createTestDb('hwe_webhooks');
});

beforeEach(async () => {
  // Every test starts with no endpoint: fan-out goes to all active ones.
  await tdb.handle.db.update(webhooks).set({ active: false });
});

afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
});

afterAll(async () => {
  await tdb?.drop();
});

describe('deliverEvent: happy path', () => {
  it('POSTs the signed event once, with its headers, and the body that was signed', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    const acts = build();
    const input = event({ type: 'application.received' });

    const res = await acts.deliverEvent(input);

    expect(res).toMatchObject({ delivered: 1, pending: 0 });
    expect(r.requests).toHaveLength(1);
    const got = r.requests[0]!;
    expect(got.verified).toBe(true);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.eventId).toBe(res.eventId);
    expect(got.eventType).toBe('application.received');
    expect(got.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(got.json).toEqual({
      id: res.eventId,
      type: 'application.received',
      occurredAt: input.occurredAt,
      applicationId: input.applicationId,
      data: input.data,
    });
    const attempts = await attemptsOf(hook.id);
    expect(attempts).toMatchObject([{ eventId: res.eventId, attemptNo: 1, statusCode: 200, error: null }]);
    expect(await deliveryOf(res.eventId, hook.id)).toMatchObject({ status: 'delivered', attempts: 1, lockedUntil: null });
  });

  it('the signature verifies over the raw bytes; a tampered body or another secret does not', async () => {
    const r = await receiver();
    await register(r.url);
    await build().deliverEvent(event({ data: { relocation: { amount: 350000, currency: 'CNY' }, name: 'Zoë "Z" <b>' } }));
    const got = r.requests[0]!;
    expect(got.verified).toBe(true);
    expect(r.invalid).toHaveLength(0);
    expect(verifyWebhookSignature(SECRET, got.signature, got.rawBody)).toBe(true);
    expect(verifyWebhookSignature(SECRET, got.signature, got.rawBody.replace('350000', '950000'))).toBe(false);
    expect(verifyWebhookSignature('another-secret-0123456789', got.signature, got.rawBody)).toBe(false);
    expect(verifyWebhookSignature(SECRET, got.signature, got.rawBody, 300, new Date(Date.now() + 3600_000))).toBe(false);
  });

  it('a receiver holding another secret sees an invalid signature (and refuses it)', async () => {
    const r = await receiver('the-receiver-thinks-this-is-it');
    const hook = await register(r.url, [], SECRET);
    const out = await attempt(build(), event());
    expect(out.ok).toBe(false);
    expect(r.invalid).toHaveLength(1);
    expect((await attemptsOf(hook.id))[0]).toMatchObject({ statusCode: 401 });
  });

  it('the same key twice: the same event id, the same payload, no second POST', async () => {
    const r = await receiver();
    await register(r.url);
    const acts = build();
    const input = event();
    const first = await acts.deliverEvent(input);
    const again = await acts.deliverEvent(input);
    // A replay that computed other data still means the recorded event.
    const changed = await acts.deliverEvent({ ...input, data: { something: 'else' } });

    expect(again).toEqual(first);
    expect(changed.eventId).toBe(first.eventId);
    expect(r.requests).toHaveLength(1);
    const rows = await tdb.handle.db.select().from(webhookEvents).where(eq(webhookEvents.key, input.key));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toEqual(input.data);
  });

  it('sends only the subscribed types; an empty list means all', async () => {
    const offersOnly = await receiver();
    const everything = await receiver();
    await register(offersOnly.url, ['offer.sent', 'offer.accepted']);
    await register(everything.url, []);
    const acts = build();
    const types = ['application.received', 'offer.sent', 'employee.created', 'offer.accepted'] as const;
    for (const type of types) await acts.deliverEvent(event({ type }));
    expect(offersOnly.requests.map((q) => q.eventType)).toEqual(['offer.sent', 'offer.accepted']);
    expect(everything.requests.map((q) => q.eventType)).toEqual([...types]);
  });

  it('with no endpoint registered, the event is recorded and nothing is pending', async () => {
    const res = await build().deliverEvent(event());
    expect(res).toMatchObject({ delivered: 0, pending: 0 });
  });
});

describe('deliverEvent: failures and retries', () => {
  it('a receiver answering 500 twice then 200: delivered once, three attempts logged, one event id', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    r.failNext(2, 500);
    const acts = build();
    const input = event();

    const first = await attempt(acts, input);
    const second = await attempt(acts, input);
    const third = await attempt(acts, input);

    expect(first.ok).toBe(false);
    expect(first.ok ? null : first.error).toBeInstanceOf(WebhookDeliveryPendingError);
    expect(second.ok).toBe(false);
    expect(third).toMatchObject({ ok: true, result: { delivered: 1, pending: 0 } });
    const eventId = third.ok ? third.result.eventId : '';

    expect(r.requests.map((q) => q.status)).toEqual([500, 500, 200]);
    expect(new Set(r.requests.map((q) => q.eventId))).toEqual(new Set([eventId]));
    expect(new Set(r.requests.map((q) => q.json.id))).toEqual(new Set([eventId]));
    expect(r.requests.every((q) => q.verified)).toBe(true);
    expect(r.accepted).toHaveLength(1);

    const attempts = await attemptsOf(hook.id);
    expect(attempts.map((a) => [a.attemptNo, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(attempts[0]!.error).toMatch(/^HTTP 500/);
    expect(attempts[2]!.error).toBeNull();
    expect(await deliveryOf(eventId, hook.id)).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });

    // Temporal will not call again after a success, but if it did: nothing more is sent.
    await acts.deliverEvent(input);
    expect(r.requests).toHaveLength(3);
  });

  it('two endpoints, one down: the healthy one gets the event exactly once across retries', async () => {
    const healthy = await receiver();
    const broken = await receiver();
    const healthyHook = await register(healthy.url);
    const brokenHook = await register(broken.url);
    broken.down('status');
    const acts = build();
    const input = event();

    for (let i = 0; i < 3; i++) {
      const out = await attempt(acts, input);
      expect(out.ok).toBe(false);
      expect(out.ok ? '' : out.error.message).toContain(brokenHook.id);
    }
    expect(healthy.requests).toHaveLength(1);
    expect(broken.requests.map((q) => q.status)).toEqual([503, 503, 503]);

    broken.up();
    const done = await acts.deliverEvent(input);
    expect(done).toMatchObject({ delivered: 2, pending: 0 });
    expect(healthy.requests).toHaveLength(1);
    expect(broken.accepted).toHaveLength(1);
    expect((await attemptsOf(healthyHook.id)).length).toBe(1);
    expect((await attemptsOf(brokenHook.id)).map((a) => a.statusCode)).toEqual([503, 503, 503, 200]);
  });

  it('a dropped connection and a timeout are logged as attempts without a status code', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    const acts = build({ timeoutMs: 300 });
    const input = event();

    r.down('close');
    expect((await attempt(acts, input)).ok).toBe(false);
    r.up();
    r.delayMs = 1500;
    expect((await attempt(acts, input)).ok).toBe(false);
    r.delayMs = 0;
    expect((await attempt(acts, input)).ok).toBe(true);

    const attempts = await attemptsOf(hook.id);
    expect(attempts.map((a) => a.statusCode)).toEqual([null, null, 200]);
    expect(attempts[0]!.error).toMatch(/fetch failed|socket|closed|reset/i);
    expect(attempts[1]!.error).toBe('timed out after 300 ms');
  });

  it('a refused connection (nothing listening) leaves the delivery pending', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const hook = await register(url);
    const out = await attempt(build(), event());
    expect(out.ok).toBe(false);
    expect((await attemptsOf(hook.id))[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('two overlapping attempts never post the same event to the same endpoint twice (lease)', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    r.delayMs = 500;
    const acts = build();
    const input = event();
    const [a, b] = await Promise.all([attempt(acts, input), attempt(acts, input)]);

    expect(r.requests).toHaveLength(1);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const loser = a.ok ? b : a;
    expect(loser.ok ? null : loser.error).toBeInstanceOf(WebhookDeliveryPendingError);
    // The retry of the loser finds it delivered.
    r.delayMs = 0;
    expect(await acts.deliverEvent(input)).toMatchObject({ delivered: 1 });
    expect(r.requests).toHaveLength(1);
    expect(await attemptsOf(hook.id)).toHaveLength(1);
  });

  it('an expired lease (the worker died mid-POST) lets the next attempt post again', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    const acts = build();
    const input = event();
    r.down('status');
    const first = await attempt(acts, input);
    expect(first.ok).toBe(false);
    // Refused by the receiver: the retry policy's backoff decides when to try again.
    expect(first.ok ? null : (first.error as WebhookDeliveryPendingError).retryAfterMs).toBeUndefined();
    const [ev] = await tdb.handle.db.select().from(webhookEvents).where(eq(webhookEvents.key, input.key));
    // Simulate a crash holding the lease: locked far into the future.
    await tdb.handle.db
      .update(webhookDeliveries)
      .set({ lockedUntil: sql`now() + interval '1 hour'` })
      .where(eq(webhookDeliveries.eventId, ev!.id));
    r.up();
    const held = await attempt(acts, input);
    expect(held.ok).toBe(false);
    expect(r.requests).toHaveLength(1);
    // Only the lease is in the way: the retry is due just after it runs out (within the hour).
    const retryAfterMs = held.ok ? null : (held.error as WebhookDeliveryPendingError).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(3_590_000);
    expect(retryAfterMs).toBeLessThanOrEqual(3_600_000 + AFTER_LEASE_MS);
    await tdb.handle.db
      .update(webhookDeliveries)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(webhookDeliveries.eventId, ev!.id));
    expect(await acts.deliverEvent(input)).toMatchObject({ delivered: 1 });
    expect((await attemptsOf(hook.id)).map((a) => a.attemptNo)).toEqual([1, 2]);
  });
});

describe('deliverEvent: order per application', () => {
  it('a receiver down for a while gets every event afterwards, in order, each once', async () => {
    const r = await receiver();
    await register(r.url);
    r.down('close');
    const acts = build();
    const applicationId = randomUUID();
    const inputs = [
      event({ applicationId, type: 'application.received' }),
      event({ applicationId, type: 'application.stage_changed' }),
      event({ applicationId, type: 'offer.sent' }),
    ];
    // Each event's activity fails while the receiver is down; only the oldest is ever tried.
    for (const input of inputs) expect((await attempt(acts, input)).ok).toBe(false);
    expect(r.requests.map((q) => q.json?.type)).toEqual(['application.received', 'application.received', 'application.received']);

    r.up();
    // The newest event's retry comes first: it flushes the older ones before itself.
    const last = await acts.deliverEvent(inputs[2]!);
    expect(last).toMatchObject({ delivered: 1 });
    expect(r.acceptedEventIds()).toHaveLength(3);
    expect(r.accepted.map((q) => q.json.type)).toEqual(['application.received', 'application.stage_changed', 'offer.sent']);
    // The older events' own retries find them delivered.
    for (const input of inputs.slice(0, 2)) expect(await acts.deliverEvent(input)).toMatchObject({ delivered: 1 });
    expect(r.accepted).toHaveLength(3);
    expect(r.invalid).toHaveLength(0);
  });

  it('one application waiting does not hold up another', async () => {
    const r = await receiver();
    await register(r.url);
    const acts = build();
    r.failNext(1);
    const stuck = event({ applicationId: randomUUID() });
    const other = event({ applicationId: randomUUID() });
    expect((await attempt(acts, stuck)).ok).toBe(false);
    expect(await acts.deliverEvent(other)).toMatchObject({ delivered: 1 });
    expect(r.accepted.map((q) => q.eventId)).toHaveLength(1);
  });
});

describe('deliverEvent: endpoints coming and going', () => {
  it('a deactivated endpoint is not posted to and does not keep the activity retrying', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    r.down('status');
    const acts = build();
    const input = event();
    expect((await attempt(acts, input)).ok).toBe(false);
    await tdb.handle.db.update(webhooks).set({ active: false }).where(eq(webhooks.id, hook.id));
    const res = await acts.deliverEvent(input);
    expect(res).toMatchObject({ delivered: 0, pending: 0 });
    expect(r.requests).toHaveLength(1);
    expect(await deliveryOf(res.eventId, hook.id)).toMatchObject({ status: 'failed', lastError: 'webhook deactivated' });
  });

  it('an endpoint registered after the event was recorded does not receive it on a retry', async () => {
    const early = await receiver();
    const late = await receiver();
    await register(early.url);
    early.failNext(1);
    const acts = build();
    const input = event();
    expect((await attempt(acts, input)).ok).toBe(false);
    await register(late.url);
    expect(await acts.deliverEvent(input)).toMatchObject({ delivered: 1 });
    expect(late.requests).toHaveLength(0);
  });
});

describe('deliverEvent: bad input', () => {
  it('an unknown type, an empty key or a bad time is a non-retryable WebhookInputError', async () => {
    const acts = build();
    await expect(acts.deliverEvent(event({ type: 'offer.nope' as never }))).rejects.toBeInstanceOf(WebhookInputError);
    await expect(acts.deliverEvent(event({ key: ' ' }))).rejects.toBeInstanceOf(WebhookInputError);
    await expect(acts.deliverEvent(event({ occurredAt: 'yesterday' }))).rejects.toBeInstanceOf(WebhookInputError);
    await expect(acts.deliverEvent(event({ applicationId: 'nope' }))).rejects.toBeInstanceOf(WebhookInputError);
    expect(WEBHOOK_NON_RETRYABLE_ERRORS).toContain(new WebhookInputError('x').name);
    expect(WEBHOOK_NON_RETRYABLE_ERRORS).not.toContain(new WebhookDeliveryPendingError('x').name);
  });

  it('lists the event types of API.md and the probation outcomes (issue 18)', () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual([
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
      'probation.confirmed',
      'probation.extended',
      'probation.ended',
    ]);
  });

  it('never logs the secret', async () => {
    const r = await receiver();
    await register(r.url);
    r.failNext(1);
    const acts = build();
    const input = event();
    await attempt(acts, input);
    await acts.deliverEvent(input);
    expect(JSON.stringify(acts.log.entries)).not.toContain(SECRET);
    expect(acts.log.entries.map((e) => e.msg)).toEqual(['webhook delivery failed, will retry', 'webhook delivered']);
  });
});
