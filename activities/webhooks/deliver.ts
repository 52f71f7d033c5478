/**
 * deliverEvent: at least once to every subscribed endpoint, never twice by design.
 *
 * 1. The event is found by its deterministic key or inserted, so a retried or replayed
 *    activity reuses the same event id and payload.
 * 2. It fans out: one delivery row per active endpoint subscribed to its type (or to all)
 *    that existed when the event was recorded.
 * 3. Each pending delivery takes a lease (attempts + 1, locked_until), is POSTed with the
 *    stored payload, signed, and the attempt is logged. A 2xx marks it delivered; anything
 *    else leaves it pending. Delivered rows are never posted again.
 * 4. Per application, an endpoint receives events in order: before posting an event, the
 *    endpoint's earlier undelivered events of the same application are posted first, and a
 *    failure stops the line. So a later event also flushes a backlog whose own activity gave up.
 * 5. If any endpoint is still pending, the activity throws WebhookDeliveryPendingError and
 *    Temporal retries it with backoff, or, when only other attempts' leases are in the
 *    way, as soon as the first of them runs out.
 *
 * The window left: a worker dying after the receiver answered 2xx but before the UPDATE
 * (retried while the lease lasts, so a database outage shorter than that is covered)
 * means the event is posted again once the lease runs out, with the same X-Event-Id, which
 * receivers use to drop duplicates.
 */
import { performance } from 'node:perf_hooks';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { TWebhookEventType } from '../../domain/contracts/webhooks';
import { isWebhookEventType, webhookDataFor } from '../../domain/contracts/webhooks';
import { webhookAttempts, webhookDeliveries, webhookEvents, webhooks } from '../../db/schema/webhooks';
import type { ActivityDeps } from '../deps';
import { AFTER_LEASE_MS, leaseLeftMs, persistUntil, writeDeadline } from '../../db/persist';
import { WebhookAddressRefusedError, WebhookDeliveryPendingError, WebhookInputError } from './errors';
import { signStandardWebhook, signWebhook, STANDARD_WEBHOOK_HEADERS } from './signature';
import { fetch as undiciFetch } from 'undici';
import { checkWebhookUrl, pinnedAgent } from './address';

export type TEventType = TWebhookEventType;

export interface TDeliverEventInput {
  /** Deterministic: the same key always means the same event (e.g. `${workflowId}:${seq}`). */
  key: string;
  applicationId: string | null;
  type: TEventType;
  data: Record<string, unknown>;
  /** ISO-8601; workflow time. */
  occurredAt: string;
}

export interface TDeliverEventResult {
  eventId: string;
  /** Endpoints that acknowledged this event (now or earlier). */
  delivered: number;
  /** Always 0 when returned: any pending endpoint makes the activity throw. */
  pending: number;
}

/** What receivers get, byte for byte as signed. */
export interface TWebhookPayload {
  id: string;
  type: TEventType;
  occurredAt: string;
  applicationId: string | null;
  data: Record<string, unknown>;
}

export interface TWebhookDeps extends ActivityDeps {
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number | undefined;
  /**
   * How long an attempt may hold a delivery before another may take over (default 45 s):
   * longer than a POST (timeoutMs) plus the retries of its outcome's write, shorter than
   * the activity's 1-minute start-to-close timeout.
   */
  leaseMs?: number | undefined;
  /** No new POST starts after this much time in one run, to stay inside the activity timeout (default 15 s). */
  budgetMs?: number | undefined;
  /** Earlier undelivered events of the application posted first, at most this many per run (default 20). */
  backlogLimit?: number | undefined;
}

type EventRow = typeof webhookEvents.$inferSelect;
interface Target {
  webhookId: string;
  url: string;
  /** The current secret, then the rotated-out one while its overlap lasts. */
  secrets: string[];
  active: boolean;
  scopes: string[] | null;
}
type Outcome = 'delivered' | 'failed' | 'busy';

/** One POST of an event to an endpoint, as the API's ping and redeliver report it. */
export interface TAttemptResult {
  outcome: Outcome;
  /** Absent when no POST was made (another attempt holds the delivery). */
  attemptNo?: number;
  statusCode?: number | null;
  error?: string | null;
  durationMs?: number;
}

/** The secrets that sign for an endpoint now: a rotated-out one only until its overlap ends. */
const signingSecrets = sql<string[]>`array_remove(array[${webhooks.secret}, case when ${webhooks.previousSecretExpiresAt} > now() then ${webhooks.previousSecret} end], null)`;
const TARGET_COLUMNS = { webhookId: webhooks.id, url: webhooks.url, secrets: signingSecrets, active: webhooks.active, scopes: webhooks.scopes };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function webhookBody(event: EventRow, scopes: readonly string[] | null = null): Buffer {
  const payload: TWebhookPayload = {
    id: event.id,
    type: event.type as TEventType,
    occurredAt: event.occurredAt.toISOString(),
    applicationId: event.applicationId,
    data: webhookDataFor(event.type, event.payload, scopes),
  };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

/** Text fit for a log column: no NUL (PostgreSQL refuses it), bounded. */
const clip = (s: string, max = 300) => {
  const clean = s.replace(/\u0000/g, '').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
};

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof WebhookAddressRefusedError) return clip(`address_refused: ${err.message}`);
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  if (err instanceof Error) {
    const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
    return clip(detail ? `${err.message}: ${detail}` : err.message);
  }
  return clip(String(err));
}

/** The parts of a delivery (record, fan out, claim, post, log), shared by the activity and the API's ping and redeliver. */
export function createDeliveryCore(deps: TWebhookDeps) {
  const { db } = deps.db;
  const { log, now } = deps;
  const allowedNetworks = deps.config.WEBHOOK_ALLOWED_NETWORKS;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const leaseMs = deps.leaseMs ?? 45_000;
  const backlogLimit = deps.backlogLimit ?? 20;

  function validate(input: TDeliverEventInput): Date {
    if (typeof input.key !== 'string' || !input.key.trim() || input.key.length > 500)
      throw new WebhookInputError('webhook event key must be 1-500 characters');
    if (!isWebhookEventType(input.type)) throw new WebhookInputError(`unknown webhook event type ${JSON.stringify(input.type)}`);
    if (input.applicationId !== null && !UUID.test(input.applicationId))
      throw new WebhookInputError(`applicationId ${JSON.stringify(input.applicationId)} is not a uuid`);
    const occurredAt = new Date(input.occurredAt);
    if (Number.isNaN(occurredAt.getTime())) throw new WebhookInputError(`occurredAt ${JSON.stringify(input.occurredAt)} is not a time`);
    if (input.data === null || typeof input.data !== 'object' || Array.isArray(input.data))
      throw new WebhookInputError('webhook event data must be an object');
    return occurredAt;
  }

  async function findByKey(key: string): Promise<EventRow | undefined> {
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.key, key));
    return row;
  }

  async function upsertEvent(input: TDeliverEventInput): Promise<EventRow> {
    const occurredAt = validate(input);
    const existing = await findByKey(input.key);
    const row =
      existing ??
      (
        await db
          .insert(webhookEvents)
          .values({ key: input.key, applicationId: input.applicationId, type: input.type, payload: input.data, occurredAt })
          .onConflictDoNothing({ target: webhookEvents.key })
          .returning()
      )[0] ??
      (await findByKey(input.key));
    if (!row) throw new Error(`webhook event ${input.key} vanished after a key conflict`);
    if (row.type !== input.type || row.applicationId !== input.applicationId) {
      log.warn({ key: input.key, stored: row.type, asked: input.type }, 'webhook event key reused for a different event; the stored one is sent');
    }
    return row;
  }

  async function fanOut(event: EventRow): Promise<void> {
    await db.execute(sql`
      insert into ${webhookDeliveries} (event_id, webhook_id)
      select ${event.id}::uuid, w.id from ${webhooks} w
      where w.active
        and w.created_at <= ${event.recordedAt.toISOString()}::timestamptz
        and (cardinality(w.events) = 0 or ${event.type} = any(w.events))
      on conflict do nothing`);
  }

  async function pendingTargets(eventId: string): Promise<Target[]> {
    return db
      .select(TARGET_COLUMNS)
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.status, 'pending')));
  }

  /** The endpoint's undelivered events of the same application that come before `event`. */
  async function backlog(event: EventRow, webhookId: string): Promise<EventRow[]> {
    if (event.applicationId === null) return [];
    const rows = await db
      .select({ event: webhookEvents })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(
        and(
          eq(webhookDeliveries.webhookId, webhookId),
          eq(webhookDeliveries.status, 'pending'),
          eq(webhookEvents.applicationId, event.applicationId),
          sql`(${webhookEvents.occurredAt}, ${webhookEvents.seq}) < (${event.occurredAt.toISOString()}::timestamptz, ${event.seq}::bigint)`,
        ),
      )
      .orderBy(asc(webhookEvents.occurredAt), asc(webhookEvents.seq))
      .limit(backlogLimit);
    return rows.map((r) => r.event);
  }

  const deliveryIs = (eventId: string, webhookId: string) =>
    and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.status, 'pending'));

  /** Takes the lease and counts the attempt; undefined when another attempt holds it or it is no longer pending. */
  async function claim(eventId: string, webhookId: string): Promise<number | undefined> {
    const [row] = await db
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lockedUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
      })
      .where(
        and(
          deliveryIs(eventId, webhookId),
          or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, sql`now()`)),
        ),
      )
      .returning({ attempts: webhookDeliveries.attempts });
    return row?.attempts;
  }

  async function statusOf(eventId: string, webhookId: string) {
    const [row] = await db
      .select({ status: webhookDeliveries.status })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.eventId, eventId), eq(webhookDeliveries.webhookId, webhookId)));
    return row?.status;
  }

  async function post(event: EventRow, target: Target, attemptNo: number, claimedAt: number): Promise<TAttemptResult> {
    const body = webhookBody(event, target.scopes);
    const at = now();
    const timestamp = Math.floor(at.getTime() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let dispatcher: ReturnType<typeof pinnedAgent> | undefined;
    try {
      // Resolved once, every address checked, and the POST goes to the checked address.
      dispatcher = pinnedAgent(await checkWebhookUrl(target.url, allowedNetworks));
      const res = await undiciFetch(target.url, {
        dispatcher,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'hiring-workflow-engine-webhooks/1',
          'x-signature': signWebhook(target.secrets, timestamp, body),
          [STANDARD_WEBHOOK_HEADERS.id]: event.id,
          [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook(target.secrets, event.id, timestamp, body),
          'x-event-id': event.id,
          'x-event-type': event.type,
          'x-delivery-attempt': String(attemptNo),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      statusCode = res.status;
      // The log keeps status, timing and error class, never what the receiver answered
      // (a response body may carry anything: tokens, personal data, internal pages).
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (err) {
      error = describeNetworkError(err, timeoutMs);
    } finally {
      void dispatcher?.destroy().catch(() => undefined);
    }
    const durationMs = Math.round(performance.now() - started);
    const ok = error === null;

    const attempt = { eventId: event.id, webhookId: target.webhookId, attemptNo, at, statusCode, error, durationMs };
    const write = () =>
      db.transaction(async (tx) => {
        await tx.insert(webhookAttempts).values(attempt);
        await tx
          .update(webhookDeliveries)
          .set(
            ok
              ? { status: 'delivered', deliveredAt: now(), lastStatusCode: statusCode, lastError: null, lockedUntil: null }
              : { lastStatusCode: statusCode, lastError: error, lockedUntil: null },
          )
          .where(deliveryIs(event.id, target.webhookId));
      });
    if (ok) {
      await persistUntil(write, writeDeadline(claimedAt, leaseMs));
      log.info({ eventId: event.id, webhookId: target.webhookId, type: event.type, attemptNo, statusCode }, 'webhook delivered');
      return { outcome: 'delivered', attemptNo, statusCode, error, durationMs };
    }
    await write();
    log.warn({ eventId: event.id, webhookId: target.webhookId, type: event.type, attemptNo, statusCode, error }, 'webhook delivery failed, will retry');
    return { outcome: 'failed', attemptNo, statusCode, error, durationMs };
  }

  async function attempt(event: EventRow, target: Target): Promise<TAttemptResult> {
    const claimedAt = performance.now();
    const attemptNo = await claim(event.id, target.webhookId);
    if (attemptNo === undefined) return { outcome: (await statusOf(event.id, target.webhookId)) === 'delivered' ? 'delivered' : 'busy' };
    return post(event, target, attemptNo, claimedAt);
  }

  /** Posts the endpoint's backlog, then the event, in order; stops at the first that does not go through. */
  async function serve(event: EventRow, target: Target, deadline: number): Promise<void> {
    if (!target.active) {
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed', lastError: 'webhook deactivated', lockedUntil: null })
        .where(deliveryIs(event.id, target.webhookId));
      return;
    }
    for (const ev of [...(await backlog(event, target.webhookId)), event]) {
      if (performance.now() > deadline) return;
      if ((await attempt(ev, target)).outcome !== 'delivered') return;
    }
  }

  /**
   * Posts `event` to one endpoint now, whatever its delivery's state (a redelivery or a
   * ping): the delivery is made pending again (or created) and attempted once. An endpoint
   * that is gone or inactive gets nothing (undefined).
   */
  async function deliverNow(eventId: string, webhookId: string): Promise<TAttemptResult | undefined> {
    const [target] = await db.select(TARGET_COLUMNS).from(webhooks).where(eq(webhooks.id, webhookId));
    const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
    if (!target?.active || !event) return undefined;
    const wasPending = (await statusOf(eventId, webhookId)) === 'pending';
    await db
      .insert(webhookDeliveries)
      .values({ eventId, webhookId })
      .onConflictDoUpdate({
        target: [webhookDeliveries.eventId, webhookDeliveries.webhookId],
        set: { status: 'pending', deliveredAt: null },
        setWhere: sql`${webhookDeliveries.status} <> 'pending'`,
      });
    const result = await attempt(event, target);
    // A delivery Temporal is still retrying stays pending; one that was settled (or a
    // ping) is not retried after a refused manual attempt: it ends failed, as logged.
    if (result.outcome === 'failed' && !wasPending) {
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed', lockedUntil: null })
        .where(deliveryIs(eventId, webhookId));
    }
    return result;
  }

  return { upsertEvent, fanOut, pendingTargets, serve, deliverNow };
}

export function createDeliverEvent(deps: TWebhookDeps) {
  const { db } = deps.db;
  const budgetMs = deps.budgetMs ?? 15_000;
  const { upsertEvent, fanOut, pendingTargets, serve } = createDeliveryCore(deps);

  return async function deliverEvent(input: TDeliverEventInput): Promise<TDeliverEventResult> {
    const deadline = performance.now() + budgetMs;
    const event = await upsertEvent(input);
    await fanOut(event);

    const targets = await pendingTargets(event.id);
    const settled = await Promise.allSettled(targets.map((t) => serve(event, t, deadline)));
    const broken = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (broken) throw broken.reason;

    const rows = await db
      .select({
        webhookId: webhookDeliveries.webhookId,
        status: webhookDeliveries.status,
        lastError: webhookDeliveries.lastError,
        attempts: webhookDeliveries.attempts,
        leaseLeftMs: leaseLeftMs(webhookDeliveries.lockedUntil),
      })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, event.id));
    const delivered = rows.filter((r) => r.status === 'delivered').length;
    const pending = rows.filter((r) => r.status === 'pending');
    if (pending.length) {
      const why = pending.map((r) => `${r.webhookId} (${r.attempts} attempts): ${r.lastError ?? 'in flight or waiting for an earlier event'}`);
      // Only another attempt's leases in the way (its worker died, most likely): come back
      // when the first runs out. Anything else (a refusal, a backlog) keeps the backoff.
      const leases = pending.map((r) => r.leaseLeftMs);
      const retryAfterMs = leases.every((ms) => ms !== null) ? Math.min(...leases) + AFTER_LEASE_MS : undefined;
      throw new WebhookDeliveryPendingError(
        `event ${event.id} (${event.type}) not yet delivered to ${pending.length} endpoint(s): ${why.join('; ')}`,
        retryAfterMs,
      );
    }
    return { eventId: event.id, delivered, pending: 0 };
  };
}
