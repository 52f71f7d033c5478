/**
 * The benchmark's HTTP client against the API's real port: undici's `request` on a pool of
 * keep-alive connections (Node's `fetch` for multipart forms).
 *
 * The client shares the machine with what it measures, so it should cost little. Node's
 * `fetch` (undici underneath, with the WHATWG Request/Response/Headers objects around each
 * call) cost the bench process 1.6–2.5 ms of CPU per start, CPU that the API and Temporal
 * then did not have; an integrator's client runs on its own machine.
 */
import { Pool } from 'undici';

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  ms: number;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
}

export class Http {
  private readonly pool: Pool;

  constructor(readonly base: string) {
    this.pool = new Pool(base, { connections: 128, keepAliveTimeout: 30_000 });
  }

  async call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.form) return this.callForm<T>(method, path, headers, o.form);
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const t0 = performance.now();
    const res = await this.pool.request({ method: method as 'GET', path, headers, body });
    const text = await res.body.text();
    const ms = performance.now() - t0;
    return { status: res.statusCode, body: parse<T>(String(res.headers['content-type'] ?? ''), text), ms };
  }

  private async callForm<T>(method: string, path: string, headers: Record<string, string>, form: FormData): Promise<HttpResult<T>> {
    const t0 = performance.now();
    const res = await fetch(this.base + path, { method, headers, body: form });
    const text = await res.text();
    const ms = performance.now() - t0;
    return { status: res.status, body: parse<T>(res.headers.get('content-type') ?? '', text), ms };
  }

  /** A call that must answer `expected`; anything else throws with the body. */
  async must<T = unknown>(expected: number, method: string, path: string, o: CallOptions = {}): Promise<HttpResult<T>> {
    const r = await this.call<T>(method, path, o);
    if (r.status !== expected) {
      throw new Error(`${method} ${path.split('?')[0]}: expected ${expected}, got ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
    }
    return r;
  }

  /** Closes the pool's connections. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

function parse<T>(contentType: string, text: string): T {
  return (contentType.includes('json') && text ? JSON.parse(text) : text) as T;
}
