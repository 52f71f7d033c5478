/** An ApiFn (test/helpers/chaos.ts) over real HTTP, for API processes on their own ports. */
import type { ApiFn } from './chaos';

export function httpApi(baseUrl: string, adminToken: string): ApiFn {
  return async (method, url, o = {}) => {
    const token = o.token === undefined ? adminToken : o.token;
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...o.headers };
    let body: string | Buffer | undefined;
    if (o.payload !== undefined) body = o.payload;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(baseUrl + url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // leave the text
      }
    }
    return { status: res.status, body: parsed as any, headers: Object.fromEntries(res.headers) };
  };
}
