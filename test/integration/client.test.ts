/**
 * The typed client (clients/typescript) against the live stack on a real port: batch
 * intake, typed errors, cursor iteration, the events feed, webhook verification, and
 * retries on 503/429 that keep one Idempotency-Key (through a real proxy in front).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHiringClient, HiringApiError, verifyWebhook, WebhookVerificationError, type HiringClient } from '../../clients/typescript/src';
import { applications } from '../../db/schema';
import { application, createOrg, type Org } from '../helpers/org';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { startWebhookReceiver, type TTestWebhookReceiver } from '../helpers/webhook-receiver';

const SECRET = 'client-test-webhook-secret-0123456789';

let s: Stack;
let org: Org;
let base: string;
let client: HiringClient;
let rx: TTestWebhookReceiver;

const item = (externalId: string) => ({ ...application(org.jobId, 'average'), externalId });

beforeAll(async () => {
  s = await startStack();
  org = await createOrg(s);
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  client = createHiringClient({ baseUrl: base, token: org.integrator.token });
  rx = await startWebhookReceiver({ secret: SECRET });
}, 120_000);

afterAll(async () => {
  await rx?.close();
  await s?.stop();
});

describe('the typed client against the live API', () => {
  it('submits a batch, follows the events and lists the applications page by page', async () => {
    const hook = await client.unwrap(client.POST('/v1/webhooks', { body: { url: rx.url, events: ['application.received'], secret: SECRET } }));
    expect(hook.active).toBe(true);

    const ext = [`cl-${randomUUID()}`, `cl-${randomUUID()}`];
    const { results } = await client.unwrap(client.POST('/v1/applications/batch', { body: { items: ext.map(item) } }));
    expect(results.map((r) => r.status)).toEqual(['created', 'created']);
    const ids = results.map((r) => r.id!);

    // The events feed carries the same application.received events the webhook gets.
    const seen = new Set<string>();
    const controller = new AbortController();
    for await (const ev of client.events({ types: ['application.received'], follow: true, pollMs: 200, signal: controller.signal })) {
      if (ev.applicationId) seen.add(ev.applicationId);
      if (ids.every((id) => seen.has(id))) break;
    }
    await rx.waitForAccepted(2, 30_000);
    for (const r of rx.accepted) {
      const ev = verifyWebhook(SECRET, r.headers, r.rawBody);
      expect(ev.type).toBe('application.received');
    }
    const delivered = rx.accepted.map((r) => verifyWebhook(SECRET, r.headers as Record<string, string>, r.rawBody).applicationId);
    expect(delivered).toEqual(expect.arrayContaining(ids));

    const listed: string[] = [];
    // (GET /v1/applications declares no response schema yet, so its page type is spelled out here.)
    type TPage = { items: { id: string }[]; nextCursor: string | null };
    const page = (cursor: string | undefined) =>
      client.unwrap(client.GET('/v1/applications', { params: { query: { limit: 1, ...(cursor ? { cursor } : {}) } } })) as unknown as Promise<TPage>;
    for await (const a of client.pages(page)) listed.push(a.id);
    expect(listed).toEqual(expect.arrayContaining(ids));
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('verifyWebhook refuses a wrong secret, a tampered body and a stale timestamp', async () => {
    await eventually(async () => rx.accepted.length > 0);
    const r = rx.accepted[0]!;
    const headers = r.headers as Record<string, string>;
    expect(() => verifyWebhook('another-secret-0123456789', headers, r.rawBody)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(SECRET, headers, r.rawBody.replace('application', 'xpplication'))).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(SECRET, headers, r.rawBody, { now: new Date(Date.now() + 3_600_000) })).toThrow(/tolerance/);
  });

  it('throws a HiringApiError with code and details for a refusal', async () => {
    const bad = await client.POST('/v1/applications', { body: { ...application(org.jobId, 'average'), candidate: { name: 'X', email: 'nope', locale: 'en' } } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HiringApiError);
    expect(bad).toMatchObject({ status: 400, code: 'validation_failed', details: [expect.objectContaining({ path: 'body.candidate.email' })] });
    const missing = await client.GET('/v1/applications/{id}', { params: { path: { id: randomUUID() } } }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const hr = createHiringClient({ baseUrl: base, token: org.hr.token });
    await expect(hr.GET('/v1/events')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('retries', () => {
  let proxy: Server;
  let proxyUrl: string;
  /** What the proxy saw: method, path, Idempotency-Key, what it answered. */
  const seen: { method: string; key: string | undefined; status: number }[] = [];
  let refuse: { status: number; retryAfter?: string }[] = [];

  beforeAll(async () => {
    // A real HTTP proxy: answers the queued refusals first, then forwards to the API.
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = req.headers['idempotency-key'] as string | undefined;
        const next = refuse.shift();
        if (next) {
          seen.push({ method: req.method!, key, status: next.status });
          res.writeHead(next.status, { 'content-type': 'application/json', ...(next.retryAfter ? { 'retry-after': next.retryAfter } : {}) });
          res.end(JSON.stringify({ error: { code: next.status === 429 ? 'rate_limited' : 'unavailable', message: 'try again', requestId: 'proxy' } }));
          return;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
        void fetch(`${base}${req.url}`, { method: req.method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) }).then(async (r) => {
          seen.push({ method: req.method!, key, status: r.status });
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await r.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => proxy?.close(r));
  });

  it('retries 503 and 429 with one Idempotency-Key, honouring Retry-After, and creates once', async () => {
    const waits: number[] = [];
    const c = createHiringClient({ baseUrl: proxyUrl, token: org.integrator.token, sleep: async (ms) => void waits.push(ms) });
    seen.length = 0;
    refuse = [{ status: 503 }, { status: 429, retryAfter: '3' }];
    const ext = `retry-${randomUUID()}`;
    const { data } = await c.POST('/v1/applications', { body: item(ext) });
    expect(data?.id).toEqual(expect.any(String));
    expect(seen.map((x) => x.status)).toEqual([503, 429, 202]);
    const keys = new Set(seen.map((x) => x.key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(waits[1]).toBe(3000);
    const rows = await s.db.handle.db.select().from(applications).where(inArray(applications.externalId, [ext]));
    expect(rows).toHaveLength(1);
  });

  it('gives up after `retries` and throws the last refusal; GETs carry no Idempotency-Key', async () => {
    const c = createHiringClient({ baseUrl: proxyUrl, token: org.integrator.token, retries: 2, sleep: async () => undefined });
    seen.length = 0;
    refuse = [{ status: 503 }, { status: 503 }, { status: 503 }];
    await expect(c.GET('/v1/events')).rejects.toMatchObject({ status: 503, code: 'unavailable' });
    expect(seen).toHaveLength(3);
    expect(seen.every((x) => x.key === undefined)).toBe(true);
  });
});
