/**
 * Browser sessions for staff: the cookie, its server-side row, and CSRF protection.
 *
 * - The cookie holds 32 random bytes; the database holds their SHA-256 only. It is
 *   HttpOnly, SameSite=Lax, Path=/, and Secure with the `__Host-` prefix when PUBLIC_URL
 *   is https (so no subdomain can set or shadow it).
 * - A session lives until SESSION_MAX_AGE after sign-in and while requests keep coming
 *   within SESSION_IDLE_TIMEOUT. Activity is recorded at most once a minute.
 * - CSRF: a cookie-authenticated request that can change anything (not GET/HEAD/OPTIONS)
 *   must carry `X-CSRF-Token`, an HMAC of the session secret that GET /v1/me hands to
 *   the signed-in page, and, when the browser names one, an Origin (or Sec-Fetch-Site)
 *   of this site. A foreign page can neither read the token nor set the header without
 *   a CORS preflight, which this API never grants. Bearer requests are not affected:
 *   browsers never attach an Authorization header on their own.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  createSession,
  deleteSession,
  findSession,
  sessionEndsAt,
  touchSession,
  type TSessionRow,
  type TSessionUser,
} from '../db/queries/sign-in';
import type { TSignInMethod } from '../db/schema';
import { forbidden } from './errors';

export const CSRF_HEADER = 'x-csrf-token';
/** Activity is written back at most this often (idle expiry is exact to within it). */
const TOUCH_GAP_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface TCurrentSession {
  id: string;
  method: TSignInMethod;
  createdAt: Date;
  expiresAt: Date;
  /** When it ends if no further request comes. */
  endsAt: Date;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The browser session a request was authenticated by; null for bearer tokens. */
    signInSession: TCurrentSession | null;
  }
}

const https = (req: FastifyRequest) => req.server.config.publicUrl.startsWith('https:');

export function sessionCookieName(req: FastifyRequest): string {
  return https(req) ? '__Host-hwe_session' : 'hwe_session';
}

/** Attributes every sign-in cookie shares. */
export function cookieOptions(req: FastifyRequest, maxAgeSeconds: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: https(req), maxAge: maxAgeSeconds };
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Derived, not stored: knowing it says nothing about the cookie, and a new session gets a new one. */
export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('hwe-csrf-v1').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function sessionCookieOf(req: FastifyRequest): string | undefined {
  const v = req.cookies[sessionCookieName(req)];
  return v ? v : undefined;
}

export function hasSessionCookie(req: FastifyRequest): boolean {
  return sessionCookieOf(req) !== undefined;
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(sessionCookieName(req), cookieOptions(req, 0));
}

/**
 * Starts a session for `userId` and sets its cookie. A session the browser already had is
 * ended first: a sign-in never keeps an identifier that existed before it (fixation).
 */
export async function startSession(req: FastifyRequest, reply: FastifyReply, userId: string, method: TSignInMethod): Promise<TSessionRow> {
  const { db } = req.server.db;
  const config = req.server.config;
  const previous = sessionCookieOf(req);
  if (previous) {
    const found = await findSession(db, sha256Hex(previous));
    if (found) await deleteSession(db, found.session.id);
  }
  const secret = randomSecret();
  const row = await createSession(db, {
    secretHash: sha256Hex(secret),
    userId,
    method,
    now: req.server.now(),
    maxAgeMs: config.SESSION_MAX_AGE,
    idleMs: config.SESSION_IDLE_TIMEOUT,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  });
  void reply.setCookie(sessionCookieName(req), secret, cookieOptions(req, Math.floor(config.SESSION_MAX_AGE / 1000)));
  return row;
}

export type TSessionLookup =
  | { ok: true; user: TSessionUser; session: TCurrentSession }
  | { ok: false; message: string };

/** The session the cookie names, if it is still alive and its user active. Ends dead ones. */
export async function resolveSession(req: FastifyRequest): Promise<TSessionLookup> {
  const secret = sessionCookieOf(req);
  if (!secret) return { ok: false, message: 'no session' };
  const { db } = req.server.db;
  const config = req.server.config;
  const found = await findSession(db, sha256Hex(secret));
  if (!found) return { ok: false, message: 'session unknown or ended; sign in again' };
  const now = req.server.now();
  const { session, user } = found;
  if (session.expiresAt <= now) {
    await deleteSession(db, session.id);
    return { ok: false, message: 'session expired (maximum age reached); sign in again' };
  }
  if (session.lastSeenAt.getTime() + config.SESSION_IDLE_TIMEOUT <= now.getTime()) {
    await deleteSession(db, session.id);
    return { ok: false, message: 'session expired (idle too long); sign in again' };
  }
  if (!user.active) {
    await deleteSession(db, session.id);
    return { ok: false, message: 'user deactivated' };
  }
  await touchSession(db, session.id, now, Math.min(TOUCH_GAP_MS, config.SESSION_IDLE_TIMEOUT / 10));
  return {
    ok: true,
    user,
    session: {
      id: session.id,
      method: session.method,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      endsAt: sessionEndsAt({ lastSeenAt: now, expiresAt: session.expiresAt }, config.SESSION_IDLE_TIMEOUT),
      csrfToken: csrfTokenFor(secret),
    },
  };
}

/** The origins this API is served at: PUBLIC_URL's, and the one the request was addressed to. */
function ownOrigins(req: FastifyRequest): string[] {
  return [new URL(req.server.config.publicUrl).origin, `${req.protocol}://${req.host}`];
}

/**
 * For a POST that changes nothing and whose answer CORS lets only listed origins read (the
 * codec server, for the Temporal UI): a cookie request needs no CSRF token (the UI, on its
 * own origin, cannot have it), but one from an origin other than this API's or
 * `allowedOrigin` is still refused. SameSite=Lax already keeps the cookie off other sites'
 * requests; this also keeps other origins of this site (another port) out.
 */
export function assertReaderOrigin(req: FastifyRequest, allowedOrigin: string | undefined): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== allowedOrigin && !ownOrigins(req).includes(origin)) {
    throw forbidden(`cross-origin request refused (Origin ${origin.slice(0, 100)})`);
  }
}

/** 403 unless a state-changing cookie request carries the session's CSRF token from this site. */
export function assertCsrf(req: FastifyRequest, session: TCurrentSession): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!ownOrigins(req).includes(origin)) throw forbidden(`cross-site request refused (Origin ${origin.slice(0, 100)})`);
  } else {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw forbidden(`cross-site request refused (Sec-Fetch-Site: ${String(site).slice(0, 30)})`);
  }
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sent) {
    throw forbidden('missing X-CSRF-Token header: cookie-authenticated changes need the csrfToken from GET /v1/me');
  }
  if (!sameText(sent, session.csrfToken)) throw forbidden('wrong X-CSRF-Token for this session');
}
