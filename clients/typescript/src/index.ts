/**
 * The typed client of the hiring workflow engine's API: `openapi-fetch` over types generated
 * from the API's OpenAPI document (src/schema.ts), with a thin layer for what every
 * integrator needs: authentication, an Idempotency-Key on every mutation kept across
 * retries, retries with backoff on 429/503 (and on a lost connection) honouring
 * Retry-After, typed errors, cursor pages as async iterators and webhook verification.
 */
import createClient, { type Client } from 'openapi-fetch';
import { errorFromResponse, HiringApiError } from './errors.js';
import type { components, operations, paths } from './schema.js';
import type { WebhookEvent } from './webhooks.js';

export { HiringApiError, type TErrorDetail } from './errors.js';
export { verifyWebhook, WebhookVerificationError, type WebhookEvent } from './webhooks.js';
export type { components, operations, paths };

export interface HiringClientOptions {
  /** e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** A user's bearer token or an API key (both go as `Authorization: Bearer …`). */
  token?: string;
  apiKey?: string;
  /** Retries of a 429, a 503 or a lost connection (default 4); 0 turns retrying off. */
  retries?: number;
  /** First backoff (default 250 ms), doubled each retry up to maxDelayMs (default 10 s), with jitter; Retry-After wins when given. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** The Idempotency-Key of a mutation that has none (default crypto.randomUUID()). */
  idempotencyKey?: () => string;
  fetch?: (input: Request) => Promise<Response>;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RETRYABLE = new Set([429, 503]);

/** Milliseconds to wait from a Retry-After header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export type HiringClient = Client<paths> & {
  /** The data of a 2xx; a HiringApiError otherwise (the generated methods already throw one on non-2xx). */
  unwrap: typeof unwrap;
  /** Every item of a cursor-paginated list, page after page. */
  pages: typeof pages;
  /** The webhook events in order (GET /v1/events); with `follow`, waits for new ones instead of ending. */
  events(opts?: { after?: string; types?: string[]; follow?: boolean; pollMs?: number; signal?: AbortSignal }): AsyncGenerator<WebhookEvent & { cursor: string }>;
};

export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const r = await call;
  if (r.data === undefined) throw new HiringApiError(r.response.status, `http_${r.response.status}`, 'the response had no body');
  return r.data;
}

/** Iterates a list that answers `{ items, nextCursor }`, asking for the next page with its cursor. */
export async function* pages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | null }>): AsyncGenerator<T> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export function createHiringClient(opts: HiringClientOptions): HiringClient {
  const baseFetch = opts.fetch ?? ((r: Request) => globalThis.fetch(r));
  const retries = opts.retries ?? 4;
  const initial = opts.initialDelayMs ?? 250;
  const max = opts.maxDelayMs ?? 10_000;
  const newKey = opts.idempotencyKey ?? (() => crypto.randomUUID());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const credential = opts.token ?? opts.apiKey;

  async function send(input: Request): Promise<Response> {
    const request = input.clone();
    if (credential && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${credential}`);
    // One key per call, set before the first attempt: every retry repeats the same request.
    if (MUTATING.has(request.method) && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', newKey());
    for (let attempt = 0; ; attempt++) {
      const backoff = Math.min(max, initial * 2 ** attempt) * (0.5 + Math.random() / 2);
      let res: Response;
      try {
        res = await baseFetch(request.clone());
      } catch (e) {
        // The connection was lost: the outcome is unknown, and the same key makes a repeat safe.
        if (attempt >= retries || (e instanceof Error && e.name === 'AbortError')) throw e;
        await sleep(backoff);
        continue;
      }
      if (!RETRYABLE.has(res.status) || attempt >= retries) return res;
      const wait = retryAfterMs(res.headers.get('retry-after')) ?? backoff;
      await res.body?.cancel().catch(() => undefined);
      await sleep(Math.min(wait, Math.max(max, wait)));
    }
  }

  const raw = createClient<paths>({ baseUrl: opts.baseUrl.replace(/\/$/, ''), fetch: send });
  raw.use({
    async onResponse({ response }) {
      if (!response.ok) throw await errorFromResponse(response);
      return undefined;
    },
  });

  async function* events(o: { after?: string; types?: string[]; follow?: boolean; pollMs?: number; signal?: AbortSignal } = {}) {
    let after = o.after;
    for (;;) {
      o.signal?.throwIfAborted();
      const page = await unwrap(
        raw.GET('/v1/events', { params: { query: { ...(after ? { after } : {}), ...(o.types?.length ? { types: o.types.join(',') } : {}), limit: 200 } } }),
      );
      for (const item of page.items) yield { ...item, cursor: page.nextCursor };
      after = page.nextCursor;
      if (page.hasMore) continue;
      if (!o.follow) return;
      await sleep(o.pollMs ?? 2_000);
    }
  }

  return Object.assign(raw, { unwrap, pages, events });
}
