/**
 * The webhook routes over HTTP (inject) on the real API plugin, against real PostgreSQL.
 * The routes are registered beside the app here until api/app.ts registers them.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookActivities, WEBHOOK_EVENT_TYPES } from '../../activities/webhooks';
import { webhookAttempts, webhooks } from '../../db/schema';
import type { Config } from '../../temporal.config';
import type { TestDb } from '../helpers/db';
import { startRouteApp, type TRouteApp } from '../helpers/route-app';
import { startWebhookReceiver, type TTestWebhookReceiver } from '../helpers/webhook-receiver';

const SECRET = 'route-test-shared-secret-0123456789';

let tdb: TestDb;
let config: Config;
let ra: TRouteApp;
let integrator: { id: string; token: string };
let otherIntegrator: { id: string; token: string };
let hr: { id: string; token: string };
let rx: TTestWebhookReceiver;

const api = (...args: Parameters<TRouteApp['api']>) => ra.api(...args);

const activities = () =>
  createWebhookActivities({ db: tdb.handle, config, log: { info() {}, warn() {}, error() {} }, now: () => new Date() });

beforeAll(async () => {
  ra = await startRouteApp('hwe_webhook_routes');
  ({ tdb, config } = ra);
  integrator = await ra.createUser(['integrator']);
  otherIntegrator = await ra.createUser(['integrator']);
  hr = await ra.createUser(['hr']);
  rx = await startWebhookReceiver({ secret: SECRET });
});

afterAll(async () => {
  await rx?.close();
  await ra?.close();
});

describe('POST /v1/webhooks: happy', () => {
  it('201 with id, url and events, never the secret', async () => {
    const res = await api('POST', '/v1/webhooks', {
      token: integrator.token,
      body: { url: 'https://hooks.example.com/hiring', events: ['offer.sent', 'offer.accepted', 'offer.sent'], secret: SECRET },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/hiring',
      events: ['offer.sent', 'offer.accepted'],
      scopes: null,
      active: true,
      createdAt: expect.any(String),
      previousSecretExpiresAt: null,
    });
    expect(res.text).not.toContain(SECRET);
    const [row] = await tdb.handle.db.select().from(webhooks).where(eq(webhooks.id, res.body.id));
    expect(row).toMatchObject({ secret: SECRET, createdBy: integrator.id, active: true });
  });

  it('an empty or missing events list subscribes to every type', async () => {
    for (const body of [{ url: 'http://127.0.0.1:9/a', events: [], secret: SECRET }, { url: 'http://127.0.0.1:9/b', secret: SECRET }]) {
      const res = await api('POST', '/v1/webhooks', { token: integrator.token, body });
      expect(res.status, res.text).toBe(201);
      expect(res.body.events).toEqual([]);
    }
  });

  it('a repeat with the same Idempotency-Key returns the same endpoint', async () => {
    const body = { url: 'https://hooks.example.com/idem', events: [], secret: SECRET };
    const headers = { 'idempotency-key': `wh-${randomUUID()}` };
    const a = await api('POST', '/v1/webhooks', { token: integrator.token, body, headers });
    const b = await api('POST', '/v1/webhooks', { token: integrator.token, body, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.text).not.toContain(SECRET);
  });

  it('an admin may register one too', async () => {
    const res = await api('POST', '/v1/webhooks', { body: { url: 'https://admin.example.com/h', events: ['employee.created'], secret: SECRET } });
    expect(res.status, res.text).toBe(201);
  });
});

describe('POST /v1/webhooks: errors', () => {
  const ok = { url: 'https://hooks.example.com/x', events: ['offer.sent'], secret: SECRET };

  it('400 naming each unknown event type by its position', async () => {
    const res = await api('POST', '/v1/webhooks', { token: integrator.token, body: { ...ok, events: ['offer.sent', 'offer.nope', 'OFFER.SENT'] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: any) => d.path);
    expect(paths).toEqual(['body.events.1', 'body.events.2']);
    expect(res.body.error.details[0].message).toContain('"offer.nope"');
    expect(res.body.error.details[0].message).toContain(WEBHOOK_EVENT_TYPES[0]);
  });

  it('400 for a secret under 16 characters', async () => {
    const res = await api('POST', '/v1/webhooks', { token: integrator.token, body: { ...ok, secret: 'short-secret' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'body.secret' })]);
    expect(res.text).not.toContain('short-secret');
  });

  it('400 for a URL that is not http(s)', async () => {
    for (const url of ['ftp://files.example.com/in', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'http:/half.example.com']) {
      const res = await api('POST', '/v1/webhooks', { token: integrator.token, body: { ...ok, url } });
      expect(res.status, url).toBe(400);
      expect(res.body.error.details.map((d: any) => d.path), url).toEqual(['body.url']);
    }
  });

  it('400 for missing fields and wrong types, never 500', async () => {
    for (const body of [{}, { url: ok.url }, { ...ok, events: 'offer.sent' }, { ...ok, secret: 12345678901234567 }]) {
      const res = await api('POST', '/v1/webhooks', { token: integrator.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('webhook routes: security', () => {
  it('401 without a token', async () => {
    expect((await api('POST', '/v1/webhooks', { token: null, body: { url: 'https://x.example.com', events: [], secret: SECRET } })).status).toBe(401);
    expect((await api('GET', '/v1/webhooks', { token: null })).status).toBe(401);
  });

  it('403 for the hr role on every webhook route', async () => {
    const own = await api('POST', '/v1/webhooks', { token: integrator.token, body: { url: 'https://x.example.com/h', events: [], secret: SECRET } });
    const cases: Array<['GET' | 'POST' | 'DELETE', string, unknown?]> = [
      ['POST', '/v1/webhooks', { url: 'https://x.example.com', events: [], secret: SECRET }],
      ['GET', '/v1/webhooks'],
      ['DELETE', `/v1/webhooks/${own.body.id}`],
      ['GET', `/v1/webhooks/${own.body.id}/deliveries`],
    ];
    for (const [method, url, body] of cases) {
      const res = await api(method, url, { token: hr.token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it("an integrator neither sees nor touches another integrator's endpoint (404); an admin sees all", async () => {
    const theirs = await api('POST', '/v1/webhooks', { token: otherIntegrator.token, body: { url: 'https://theirs.example.com/h', events: [], secret: SECRET } });
    expect(theirs.status).toBe(201);
    const mine = await api('GET', '/v1/webhooks', { token: integrator.token });
    expect(mine.body.items.map((w: any) => w.id)).not.toContain(theirs.body.id);
    expect((await api('GET', `/v1/webhooks/${theirs.body.id}/deliveries`, { token: integrator.token })).status).toBe(404);
    expect((await api('DELETE', `/v1/webhooks/${theirs.body.id}`, { token: integrator.token })).status).toBe(404);
    const all = await api('GET', '/v1/webhooks');
    expect(all.body.items.map((w: any) => w.id)).toContain(theirs.body.id);
    expect((await api('GET', `/v1/webhooks/${randomUUID()}/deliveries`)).status).toBe(404);
    expect((await api('GET', '/v1/webhooks/not-a-uuid/deliveries')).status).toBe(400);
  });

  it('no listing ever carries a secret', async () => {
    const list = await api('GET', '/v1/webhooks?includeInactive=true');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.text).not.toContain(SECRET);
    for (const w of list.body.items) expect(Object.keys(w).sort()).toEqual(['active', 'createdAt', 'events', 'id', 'previousSecretExpiresAt', 'scopes', 'url']);
  });
});

describe('OpenAPI', () => {
  it('documents the webhook routes from the same schemas', async () => {
    const res = await api('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/webhooks', '/v1/webhooks/{id}', '/v1/webhooks/{id}/deliveries']),
    );
    const body = res.body.paths['/v1/webhooks'].post.requestBody.content['application/json'].schema;
    expect(body.properties.events.items.enum).toEqual([...WEBHOOK_EVENT_TYPES]);
  });
});

describe('deliveries and deactivation', () => {
  it('GET /v1/webhooks/:id/deliveries lists each attempt, newest first, with cursor pagination', async () => {
    // Only this endpoint is active for the events below.
    await tdb.handle.db.update(webhooks).set({ active: false });
    const created = await api('POST', '/v1/webhooks', { token: integrator.token, body: { url: rx.url, events: ['offer.sent'], secret: SECRET } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const acts = activities();
    const input = {
      key: `wf-${randomUUID()}:1`,
      applicationId: randomUUID(),
      type: 'offer.sent' as const,
      data: { version: 1 },
      occurredAt: new Date().toISOString(),
    };
    rx.failNext(2, 500);
    await expect(acts.deliverEvent(input)).rejects.toThrow(/not yet delivered/);
    await expect(acts.deliverEvent(input)).rejects.toThrow(/not yet delivered/);
    const { eventId } = await acts.deliverEvent(input);
    expect(rx.accepted).toHaveLength(1);
    expect(rx.invalid).toHaveLength(0);

    const res = await api('GET', `/v1/webhooks/${id}/deliveries`, { token: integrator.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((i: any) => [i.attemptNo, i.statusCode, i.delivered])).toEqual([
      [3, 200, true],
      [2, 500, false],
      [1, 500, false],
    ]);
    for (const item of res.body.items) {
      expect(item).toMatchObject({ eventId, type: 'offer.sent', applicationId: input.applicationId, deliveryStatus: 'delivered' });
      expect(Number.isNaN(Date.parse(item.at))).toBe(false);
    }
    // Status, timing and error class only: the receiver's answer body ({"ok":false}) is not kept.
    expect(res.body.items[1].error).toBe('HTTP 500');
    expect(res.text).not.toContain('"ok"');
    const stored = await tdb.handle.db.select().from(webhookAttempts).where(eq(webhookAttempts.webhookId, id));
    expect(stored.map((a) => a.error).sort()).toEqual(['HTTP 500', 'HTTP 500', null]);
    expect(res.body.nextCursor).toBeNull();

    const page1 = await api('GET', `/v1/webhooks/${id}/deliveries?limit=2`, { token: integrator.token });
    expect(page1.body.items.map((i: any) => i.attemptNo)).toEqual([3, 2]);
    const page2 = await api('GET', `/v1/webhooks/${id}/deliveries?limit=2&cursor=${page1.body.nextCursor}`, { token: integrator.token });
    expect(page2.body.items.map((i: any) => i.attemptNo)).toEqual([1]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await api('GET', `/v1/webhooks/${id}/deliveries?cursor=bogus`, { token: integrator.token })).status).toBe(400);

    const admin = await api('GET', `/v1/webhooks/${id}/deliveries?eventId=${eventId}`);
    expect(admin.body.items).toHaveLength(3);
  });

  it('DELETE deactivates: nothing more is posted, it leaves the default list, its log stays', async () => {
    await tdb.handle.db.update(webhooks).set({ active: false });
    const created = await api('POST', '/v1/webhooks', { token: integrator.token, body: { url: rx.url, events: [], secret: SECRET } });
    const id = created.body.id as string;
    const before = rx.requests.length;

    const del = await api('DELETE', `/v1/webhooks/${id}`, { token: integrator.token });
    expect(del.status, del.text).toBe(200);
    expect(del.body).toMatchObject({ id, active: false });
    expect(del.text).not.toContain(SECRET);
    expect((await api('DELETE', `/v1/webhooks/${id}`, { token: integrator.token })).body).toMatchObject({ id, active: false });

    const res = await activities().deliverEvent({
      key: `wf-${randomUUID()}:2`,
      applicationId: null,
      type: 'employee.created',
      data: {},
      occurredAt: new Date().toISOString(),
    });
    expect(res).toMatchObject({ delivered: 0, pending: 0 });
    expect(rx.requests.length).toBe(before);

    const listed = await api('GET', '/v1/webhooks', { token: integrator.token });
    expect(listed.body.items.map((w: any) => w.id)).not.toContain(id);
    const all = await api('GET', '/v1/webhooks?includeInactive=true', { token: integrator.token });
    expect(all.body.items.find((w: any) => w.id === id)).toMatchObject({ active: false });
    expect((await api('GET', `/v1/webhooks/${id}/deliveries`, { token: integrator.token })).status).toBe(200);
  });
});

describe('scopes: salary only for endpoints holding offers:salary', () => {
  it('registers scopes, 400 for an unknown one, and strips salary from offer events for endpoints without it', async () => {
    const bad = await api('POST', '/v1/webhooks', { token: integrator.token, body: { url: rx.url, events: [], secret: SECRET, scopes: ['offers:everything'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path)).toEqual(['body.scopes.0']);

    await tdb.handle.db.update(webhooks).set({ active: false });
    const rxScoped = await startWebhookReceiver({ secret: SECRET });
    try {
      const plain = await api('POST', '/v1/webhooks', { token: integrator.token, body: { url: rx.url, events: ['offer.sent', 'application.received'], secret: SECRET } });
      const scoped = await api('POST', '/v1/webhooks', {
        token: integrator.token,
        body: { url: rxScoped.url, events: ['offer.sent', 'application.received'], secret: SECRET, scopes: ['offers:salary'] },
      });
      expect([plain.status, scoped.status]).toEqual([201, 201]);
      expect(plain.body.scopes).toBeNull();
      expect(scoped.body.scopes).toEqual(['offers:salary']);

      const before = rx.accepted.length;
      const applicationId = randomUUID();
      const salary = { amount: 654321, currency: 'CNY', period: 'year' };
      await activities().deliverEvent({ key: `wf-${randomUUID()}:1`, applicationId, type: 'offer.sent', data: { version: 2, salary }, occurredAt: new Date().toISOString() });
      expect(rx.accepted.slice(before).map((r) => r.json.data)).toEqual([{ version: 2 }]);
      expect(rx.accepted.slice(before)[0]!.rawBody).not.toContain('654321');
      expect(rxScoped.accepted.map((r) => r.json.data)).toEqual([{ version: 2, salary }]);
      expect(rxScoped.invalid).toHaveLength(0);

      // Only offer events are filtered: other data is passed as recorded.
      await activities().deliverEvent({ key: `wf-${randomUUID()}:1`, applicationId, type: 'application.received', data: { salary: 'expected 10k' }, occurredAt: new Date().toISOString() });
      expect(rx.accepted.at(-1)!.json.data).toEqual({ salary: 'expected 10k' });
    } finally {
      await rxScoped.close();
    }
  });
});
