/** The benchmark's HTTP client: Node's fetch (undici, keep-alive connections) against the API's real port. */

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
  constructor(readonly base: string) {}

  async call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | FormData | undefined;
    if (o.form) body = o.form;
    else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    const t0 = performance.now();
    const res = await fetch(this.base + path, { method, headers, body });
    const text = await res.text();
    const ms = performance.now() - t0;
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, ms };
  }

  /** A call that must answer `expected`; anything else throws with the body. */
  async must<T = unknown>(expected: number, method: string, path: string, o: CallOptions = {}): Promise<HttpResult<T>> {
    const r = await this.call<T>(method, path, o);
    if (r.status !== expected) {
      throw new Error(`${method} ${path.split('?')[0]}: expected ${expected}, got ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
    }
    return r;
  }
}
