/**
 * SSRF protection: webhook URLs that resolve to loopback, private, link-local (cloud
 * metadata) or other internal addresses are refused at registration and at delivery,
 * unless WEBHOOK_ALLOWED_NETWORKS lists the range. Real API (inject), real PostgreSQL,
 * a real receiver on 127.0.0.1, real DNS (`localhost`).
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookActivities } from '../../activities/webhooks';
import { webhookAttempts, webhooks } from '../../db/schema';
import { loadConfig } from '../../temporal.config';
import { startRouteApp, type TRouteApp } from '../helpers/route-app';
import { startWebhookReceiver, type TTestWebhookReceiver } from '../helpers/webhook-receiver';

const SECRET = 'ssrf-test-shared-secret-0123456789';
let closed: TRouteApp;
let allowed: TRouteApp;
let rx: TTestWebhookReceiver;

beforeAll(async () => {
  // The default: no internal network allowed.
  closed = await startRouteApp('hwe_webhook_ssrf_closed', { WEBHOOK_ALLOWED_NETWORKS: '' });
  allowed = await startRouteApp('hwe_webhook_ssrf_allowed', { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' });
  rx = await startWebhookReceiver({ secret: SECRET });
});

afterAll(async () => {
  await rx?.close();
  await closed?.close();
  await allowed?.close();
});

const port = () => new URL(rx.url).port;

describe('registration', () => {
  it.each([
    ['http://127.0.0.1:9/hook', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://10.0.0.1/hook', 'private'],
    ['http://[::1]:9/hook', 'loopback'],
    ['http://localhost:9/hook', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['http://100.64.1.1/hook', 'carrier-grade NAT'],
    ['http://0.0.0.0/hook', 'unspecified'],
  ])('400 naming body.url for %s, nothing stored', async (url, why) => {
    const res = await closed.api('POST', '/v1/webhooks', { body: { url, events: [], secret: SECRET } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ path: 'body.url', message: expect.stringContaining(why) }]);
    expect(res.body.error.details[0].message).toContain('WEBHOOK_ALLOWED_NETWORKS');
    expect(await closed.tdb.handle.db.select().from(webhooks)).toEqual([]);
  });

  it('accepts a loopback receiver when WEBHOOK_ALLOWED_NETWORKS lists 127.0.0.0/8, but not other ranges', async () => {
    const ok = await allowed.api('POST', '/v1/webhooks', { body: { url: rx.url, events: [], secret: SECRET } });
    expect(ok.status, ok.text).toBe(201);
    const still = await allowed.api('POST', '/v1/webhooks', { body: { url: 'http://169.254.169.254/x', events: [], secret: SECRET } });
    expect(still.status).toBe(400);
    expect((await allowed.tdb.handle.db.select().from(webhooks)).map((w) => w.url)).toEqual([rx.url]);
  });
});

describe('delivery', () => {
  const deliver = (networks: string, key: string) =>
    createWebhookActivities({
      db: closed.tdb.handle,
      config: loadConfig({ NODE_ENV: 'test', WEBHOOK_ALLOWED_NETWORKS: networks }),
      log: { info() {}, warn() {}, error() {} },
      now: () => new Date(),
    }).deliverEvent({ key, applicationId: null, type: 'offer.sent', data: { n: 1 }, occurredAt: new Date().toISOString() });

  it('refuses a host that resolves to a refused address, with the error class address_refused, and posts nothing', async () => {
    // Stored directly: registration would refuse it; the delivery must check again (DNS may change).
    const [hook] = await closed.tdb.handle.db
      .insert(webhooks)
      .values({ url: `http://localhost:${port()}/hooks`, events: [], secret: SECRET, createdBy: randomUUID() })
      .returning();
    const before = rx.accepted.length;
    await expect(deliver('', `ssrf-${randomUUID()}`)).rejects.toThrow(/address_refused: localhost resolves to .*loopback/);
    const attempts = await closed.tdb.handle.db.select().from(webhookAttempts).where(eq(webhookAttempts.webhookId, hook!.id));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/^address_refused: localhost resolves to/) });
    expect(rx.accepted.length).toBe(before);

    // The same hostname is delivered to (through the checked, pinned address) once the range is allowed.
    const res = await deliver('127.0.0.0/8, ::1/128', `ssrf-${randomUUID()}`);
    expect(res.delivered).toBe(1);
    expect(rx.accepted.length).toBe(before + 1);
    await closed.tdb.handle.db.update(webhooks).set({ active: false }).where(eq(webhooks.id, hook!.id));
  });
});
