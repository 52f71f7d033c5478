/**
 * Browser sign-in from tests without a browser: e-mail links caught by the real SMTP
 * server, cookies carried by hand between `inject` calls.
 */
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TTestSmtpServer } from './smtp';

export interface TSetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

/** The Set-Cookie headers of a response, parsed. */
export function setCookies(headers: Record<string, unknown>): TSetCookie[] {
  const raw = headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? (raw as string[]) : [raw as string];
  return list.map((line) => {
    const [pair, ...attrs] = line.split(';').map((p) => p.trim());
    const eq = pair!.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      if (i < 0) attributes[a.toLowerCase()] = true;
      else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
    }
    return { name: pair!.slice(0, eq), value: decodeURIComponent(pair!.slice(eq + 1)), attributes };
  });
}

/** The sign-in link tokens mailed to `email`, oldest first (after the app's sends settled). */
export async function mailedLinkTokens(app: FastifyInstance, smtp: TTestSmtpServer, email: string): Promise<string[]> {
  await app.emailLinks.settled();
  return smtp
    .to(email)
    .flatMap((m) => [...(m.parsed.text ?? '').matchAll(/\/auth\/email-link\/([A-Za-z0-9_-]+)/g)].map((x) => x[1]!));
}

let addressSeq = 0;
/** A distinct client address per request, so the per-address rate limit of /auth/email-link stays out of the way. */
export function nextAddress(): string {
  addressSeq += 1;
  return `10.77.${Math.floor(addressSeq / 250) % 250}.${(addressSeq % 250) + 1}`;
}

export interface TBrowserSession {
  cookie: string;
  csrfToken: string;
  sessionId: string;
}

/** Requests a link for `email`, opens it, and reads /v1/me with the cookie it set. */
export async function signInByEmail(app: FastifyInstance, smtp: TTestSmtpServer, email: string, headers: Record<string, string> = {}): Promise<TBrowserSession> {
  const before = (await mailedLinkTokens(app, smtp, email)).length;
  const asked = await app.inject({ method: 'POST', url: '/auth/email-link', payload: { email }, remoteAddress: nextAddress() });
  expect(asked.statusCode, asked.body).toBe(202);
  const tokens = await mailedLinkTokens(app, smtp, email);
  expect(tokens.length, `a new link mailed to ${email}`).toBe(before + 1);
  const opened = await app.inject({ method: 'GET', url: `/auth/email-link/${tokens.at(-1)}`, headers });
  expect(opened.statusCode, opened.body).toBe(302);
  expect(opened.headers.location).toBe('/app/');
  const c = setCookies(opened.headers).find((x) => x.name === 'hwe_session');
  expect(c, 'session cookie set').toBeDefined();
  const me = await app.inject({ method: 'GET', url: '/v1/me', cookies: { hwe_session: c!.value } });
  expect(me.statusCode, me.body).toBe(200);
  const body = me.json<{ session: { id: string; csrfToken: string } }>();
  return { cookie: c!.value, csrfToken: body.session.csrfToken, sessionId: body.session.id };
}
