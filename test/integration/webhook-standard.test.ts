/**
 * Webhooks to the Standard Webhooks specification, verified with the `standardwebhooks`
 * package itself; ping, redelivery and secret rotation with its overlap. Real PostgreSQL,
 * a real HTTP receiver, the real delivery activity and the API plugin over inject.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookActivities, verifyWebhookSignature } from '../../activities/webhooks';
import { webhookDeliveries, webhookEvents, webhooks } from '../../db/schema';
import type { Config } from '../../temporal.config';
import type { TestDb } from '../helpers/db';
import { startRouteApp, type TRouteApp } from '../helpers/route-app';
import { startWebhookReceiver, type TReceivedWebhook, type TTestWebhookReceiver } from '../helpers/webhook-receiver';

const SECRET = 'standard-test-shared-secret-0123456789';

let tdb: TestDb;
let app: FastifyInstance;
let config: Config;
let ra: TRouteApp;
let integrator: { id: string; token: string };
let otherIntegrator: { id: string; token: string };
let hr: { id: string; token: string };
let rx: TTestWebhookReceiver;

const api = (method: 'GET' | 'POST', url: string, o: { token?: string | null; body?: unknown } = {}) => ra.api(method, url, o);

const activities = () =>
  createWebhookActivities({ db: tdb.handle, config, log: { info() {}, warn() {}, error() {} }, now: () => new Date() });

const eventInput = () => ({
  key: `wf-${randomUUID()}:1`,
  applicationId: randomUUID(),
  type: 'offer.sent' as const,
  data: { version: 1 },
  occurredAt: new Date().toISOString(),
});

/** Verifies a received request with the standardwebhooks package and `secret` as a raw secret. */
function standardVerify(secret: string, r: TReceivedWebhook): unknown {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
  return new Webhook(secret, { format: 'raw' }).verify(r.rawBody, headers);
}

async function register(token = integrator.token, secret = SECRET) {
  const res = await api('POST', '/v1/webhooks', { token, body: { url: rx.url, events: [], secret } });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  ra = await startRouteApp('hwe_webhook_standard');
  ({ tdb, app, config } = ra);
  integrator = await ra.createUser(['integrator']);
  otherIntegrator = await ra.createUser(['integrator']);
  hr = await ra.createUser(['hr']);
  rx = await startWebhookReceiver({ secret: SECRET });
});

afterAll(async () => {
  await rx?.close();
  await ra?.close();
});

beforeEach(async () => {
  // Each test's endpoint is the only active one.
  await tdb.handle.db.update(webhooks).set({ active: false });
  rx.requests.length = 0;
});

describe('Standard Webhooks headers', () => {
  it('every delivery carries webhook-id, webhook-timestamp and a v1 signature the standardwebhooks package verifies', async () => {
    await register();
    const { eventId } = await activities().deliverEvent(eventInput());
    expect(rx.accepted).toHaveLength(1);
    const r = rx.accepted[0]!;
    expect(r.headers['webhook-id']).toBe(eventId);
    expect(r.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(standardVerify(SECRET, r)).toMatchObject({ id: eventId, type: 'offer.sent' });
    // The older X-Signature is still there and verifies.
    expect(r.verified).toBe(true);
  });

  it('the package refuses a wrong secret and a tampered body (the check can fail)', async () => {
    await register();
    await activities().deliverEvent(eventInput());
    const r = rx.accepted[0]!;
    expect(() => standardVerify('another-secret-0123456789', r)).toThrow(/signature/i);
    expect(() => standardVerify(SECRET, { ...r, rawBody: r.rawBody.replace('offer.sent', 'offer.xxxx') })).toThrow(/signature/i);
  });
});

describe('POST /v1/webhooks/:id/test', () => {
  it('posts a signed ping to that endpoint only and reports the answer', async () => {
    const id = await register();
    const res = await api('POST', `/v1/webhooks/${id}/test`, { token: integrator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ webhookId: id, delivered: true, attemptNo: 1, statusCode: 200, error: null });
    expect(rx.accepted).toHaveLength(1);
    const r = rx.accepted[0]!;
    expect(standardVerify(SECRET, r)).toEqual({ id: res.body.eventId, type: 'ping', occurredAt: expect.any(String), applicationId: null, data: { webhookId: id } });
    const log = await api('GET', `/v1/webhooks/${id}/deliveries`, { token: integrator.token });
    expect(log.body.items).toEqual([expect.objectContaining({ eventId: res.body.eventId, type: 'ping', delivered: true, deliveryStatus: 'delivered' })]);
  });

  it('reports a refusal as delivered: false, once, and leaves it failed (not retried)', async () => {
    const id = await register();
    rx.failNext(1, 500);
    const res = await api('POST', `/v1/webhooks/${id}/test`, { token: integrator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ delivered: false, statusCode: 500, error: expect.stringMatching(/^HTTP 500/) });
    const [row] = await tdb.handle.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, res.body.eventId));
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('409 for an inactive endpoint, 404 for an unknown or foreign one, 400 for a bad id, 403 for hr; nothing is sent', async () => {
    const id = await register();
    const theirs = await register(otherIntegrator.token);
    expect((await api('POST', `/v1/webhooks/${theirs}/test`, { token: integrator.token })).status).toBe(404);
    expect((await api('POST', `/v1/webhooks/${randomUUID()}/test`, { token: integrator.token })).status).toBe(404);
    expect((await api('POST', '/v1/webhooks/nope/test', { token: integrator.token })).status).toBe(400);
    expect((await api('POST', `/v1/webhooks/${id}/test`, { token: hr.token })).status).toBe(403);
    expect((await api('POST', `/v1/webhooks/${id}/test`, { token: null })).status).toBe(401);
    await api('POST', `/v1/webhooks/${id}/test`, { token: integrator.token }).then((r) => expect(r.status).toBe(200));
    const sent = rx.requests.length;
    expect((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}`, headers: { authorization: `Bearer ${integrator.token}` } })).statusCode).toBe(200);
    const res = await api('POST', `/v1/webhooks/${id}/test`, { token: integrator.token });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(rx.requests.length).toBe(sent);
  });
});

describe('POST /v1/webhooks/:id/deliveries/:eventId/redeliver', () => {
  it('posts a delivered event again with the same id and body, freshly signed', async () => {
    const id = await register();
    const { eventId } = await activities().deliverEvent(eventInput());
    const res = await api('POST', `/v1/webhooks/${id}/deliveries/${eventId}/redeliver`, { token: integrator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ eventId, webhookId: id, delivered: true, attemptNo: 2, statusCode: 200 });
    expect(rx.accepted.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
    expect(rx.accepted[1]!.rawBody).toBe(rx.accepted[0]!.rawBody);
    expect(standardVerify(SECRET, rx.accepted[1]!)).toMatchObject({ id: eventId });
  });

  it('a refused redelivery of a settled event ends failed; of a pending one stays pending for the retries', async () => {
    const id = await register();
    const acts = activities();
    const settled = await acts.deliverEvent(eventInput());
    rx.failNext(1, 503);
    const again = await api('POST', `/v1/webhooks/${id}/deliveries/${settled.eventId}/redeliver`, { token: integrator.token });
    expect(again.body).toMatchObject({ delivered: false, statusCode: 503 });
    const status = async (eventId: string) =>
      (await tdb.handle.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId)))[0]?.status;
    expect(await status(settled.eventId)).toBe('failed');

    const input = eventInput();
    rx.failNext(2, 500);
    await expect(acts.deliverEvent(input)).rejects.toThrow(/not yet delivered/);
    const [ev] = await tdb.handle.db.select().from(webhookEvents).where(eq(webhookEvents.key, input.key));
    const refused = await api('POST', `/v1/webhooks/${id}/deliveries/${ev!.id}/redeliver`, { token: integrator.token });
    expect(refused.body).toMatchObject({ delivered: false, statusCode: 500 });
    expect(await status(ev!.id)).toBe('pending');
    // The activity's next retry delivers it.
    await acts.deliverEvent(input);
    expect(await status(ev!.id)).toBe('delivered');
  });

  it('404 for an event never meant for this endpoint, 400 for bad ids, 404 for a foreign endpoint; nothing is sent', async () => {
    const id = await register();
    const theirs = await register(otherIntegrator.token);
    const { eventId } = await activities().deliverEvent(eventInput());
    const sent = rx.requests.length;
    const notOwed = await api('POST', `/v1/webhooks/${id}/deliveries/${randomUUID()}/redeliver`, { token: integrator.token });
    expect(notOwed.status).toBe(404);
    expect(notOwed.body.error.code).toBe('not_found');
    expect((await api('POST', `/v1/webhooks/${id}/deliveries/x/redeliver`, { token: integrator.token })).status).toBe(400);
    expect((await api('POST', `/v1/webhooks/${theirs}/deliveries/${eventId}/redeliver`, { token: integrator.token })).status).toBe(404);
    expect((await api('POST', `/v1/webhooks/${id}/deliveries/${eventId}/redeliver`, { token: hr.token })).status).toBe(403);
    expect(rx.requests.length).toBe(sent);
  });
});

describe('POST /v1/webhooks/:id/rotate-secret', () => {
  it('both secrets sign during the overlap (two signatures in each header), then only the new one', async () => {
    const id = await register();
    const rotated = await api('POST', `/v1/webhooks/${id}/rotate-secret`, { token: integrator.token, body: {} });
    expect(rotated.status, rotated.text).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    const expires = Date.parse(rotated.body.previousSecretExpiresAt);
    // The default overlap: 24 hours.
    expect(Math.abs(expires - Date.now() - 24 * 3_600_000)).toBeLessThan(60_000);
    expect(rotated.body.webhook).toMatchObject({ id, previousSecretExpiresAt: rotated.body.previousSecretExpiresAt });

    await activities().deliverEvent(eventInput());
    const during = rx.accepted.at(-1)!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(standardVerify(fresh, during)).toBeTruthy();
    expect(standardVerify(SECRET, during)).toBeTruthy();
    expect(verifyWebhookSignature(fresh, String(during.headers['x-signature']), during.rawBody)).toBe(true);
    expect(verifyWebhookSignature(SECRET, String(during.headers['x-signature']), during.rawBody)).toBe(true);

    // The overlap ends (moved into the past rather than waited for).
    await tdb.handle.db.update(webhooks).set({ previousSecretExpiresAt: sql`now() - interval '1 second'` }).where(eq(webhooks.id, id));
    const after = await api('POST', `/v1/webhooks/${id}/test`, { token: integrator.token });
    // The receiver still checks the old secret only, so it refuses: the old one no longer signs.
    expect(after.body).toMatchObject({ delivered: false, statusCode: 401 });
    const last = rx.requests.at(-1)!;
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(standardVerify(fresh, last)).toBeTruthy();
    expect(() => standardVerify(SECRET, last)).toThrow(/signature/i);
    expect(verifyWebhookSignature(SECRET, String(last.headers['x-signature']), last.rawBody)).toBe(false);
    const listed = await api('GET', '/v1/webhooks', { token: integrator.token });
    expect(listed.body.items.find((w: { id: string }) => w.id === id).previousSecretExpiresAt).toBeNull();
  });

  it('takes a given secret and overlap; the secret is never stored for an idempotent replay', async () => {
    const id = await register();
    const given = 'the-integrators-new-secret-0123456789';
    const res = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/${id}/rotate-secret`,
      headers: { authorization: `Bearer ${integrator.token}`, 'idempotency-key': `rot-${randomUUID()}` },
      payload: { secret: given, overlapHours: 1 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.secret).toBe(given);
    expect(Math.abs(Date.parse(body.previousSecretExpiresAt) - Date.now() - 3_600_000)).toBeLessThan(60_000);
    const [row] = await tdb.handle.db.select().from(webhooks).where(eq(webhooks.id, id));
    expect(row).toMatchObject({ secret: given, previousSecret: SECRET });
    const [stored] = await tdb.handle.rows<{ n: number }>(sql`select count(*)::int as n from idempotency_keys where response::text like ${`%${given}%`}`);
    expect(stored?.n).toBe(0);
  });

  it('400 for a short secret or a bad overlap, 409 when inactive, 404 foreign, 403 hr; the secret is unchanged', async () => {
    const id = await register();
    const theirs = await register(otherIntegrator.token);
    for (const body of [{ secret: 'short' }, { overlapHours: -1 }, { overlapHours: 24 * 31 }, { overlapHours: 'a day' }, { secret: 42 }]) {
      const res = await api('POST', `/v1/webhooks/${id}/rotate-secret`, { token: integrator.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await api('POST', `/v1/webhooks/${theirs}/rotate-secret`, { token: integrator.token, body: {} })).status).toBe(404);
    expect((await api('POST', `/v1/webhooks/${id}/rotate-secret`, { token: hr.token, body: {} })).status).toBe(403);
    await tdb.handle.db.update(webhooks).set({ active: false }).where(eq(webhooks.id, id));
    expect((await api('POST', `/v1/webhooks/${id}/rotate-secret`, { token: integrator.token, body: {} })).status).toBe(409);
    const [row] = await tdb.handle.db.select().from(webhooks).where(eq(webhooks.id, id));
    expect(row).toMatchObject({ secret: SECRET, previousSecret: null, previousSecretExpiresAt: null });
  });
});
