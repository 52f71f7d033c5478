/**
 * Staff authentication (bearer API keys, stored as SHA-256 hashes in api_keys, optionally
 * narrowed by scopes: api/scopes.ts) and authorisation
 * helpers. Visibility rules live here so every route applies the same ones:
 * admin, hr and integrator see every application; a hiring manager sees only their
 * department's; anyone else sees none (a 404, never a hint that it exists).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TRole } from '../domain/contracts/common';
import { perDb } from '../db/per-db';
import { apiKeys, users } from '../db/schema';
import { noteAudit } from './audit';
import { keyAllows, scopeFor } from './scopes';
import { AppError, forbidden, notFound } from './errors';
import { assertCsrf, assertReaderOrigin, clearSessionCookie, hasSessionCookie, resolveSession, type TCurrentSession } from './sessions';
import { failureLimited, recordFailure } from './auth-failures';

export interface Principal {
  userId: string;
  name: string;
  email: string | null;
  roles: TRole[];
  departmentId: string | null;
  /** The ADMIN_TOKEN from the environment, not a user row. */
  bootstrap: boolean;
  /** The API key the request came with (bearer authentication). */
  apiKeyId?: string;
  /** The key's scopes; null or absent: whatever the roles allow. */
  scopes?: readonly string[] | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** A user id for the bootstrap admin: fixed, so the timeline can name it. */
export const BOOTSTRAP_ADMIN_ID = '00000000-0000-0000-0000-000000000000';

const digestOf = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export function hashToken(token: string): string {
  return digestOf(token).toString('hex');
}

export function generateToken(): string {
  return `hwe_${randomBytes(32).toString('base64url')}`;
}

/** The ADMIN_TOKEN's digest, kept for the setting it was made from (one per process in practice). */
let adminDigest: { token: string; digest: Buffer } | undefined;

/**
 * Whether a presented token's digest is the ADMIN_TOKEN's: compared as digests of equal
 * length, in constant time. The request's digest is the one its API-key lookup uses too,
 * so a request hashes its token once (it hashed it three times, the admin token included).
 */
function isAdminToken(digest: Buffer, adminToken: string): boolean {
  if (adminDigest?.token !== adminToken) adminDigest = { token: adminToken, digest: digestOf(adminToken) };
  return timingSafeEqual(digest, adminDigest.digest);
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : '';
}

/**
 * A refused authentication: one audit row saying why (the caller is told less), and one
 * more failure counted against the client address (api/auth-failures.ts).
 */
async function refuse(req: FastifyRequest, message: string, reason: string, apiKeyId?: string): Promise<AppError> {
  noteAudit(req, { changes: { reason }, ...(apiKeyId ? { apiKeyId } : {}) });
  return recordFailure(req, message);
}

/**
 * The API key a token hash names, with its user: one prepared statement, run on every
 * staff request. Not cached: a revoked or expired key, a deactivated user or a user moved
 * to another department takes effect on the next request.
 */
const keyByHash = perDb((db) =>
  db
    .select({
      keyId: apiKeys.id,
      scopes: apiKeys.scopes,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      id: users.id,
      name: users.name,
      email: users.email,
      roles: users.roles,
      departmentId: users.departmentId,
      active: users.active,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, sql.placeholder('hash')))
    .prepare('api_key_by_hash'),
);

/** lastUsedAt is written at most once a minute per key, not on every request. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;
const touching = new WeakMap<object, Set<string>>();

function touchKey(req: FastifyRequest, keyId: string, lastUsedAt: Date | null): void {
  if (lastUsedAt && Date.now() - lastUsedAt.getTime() < KEY_TOUCH_INTERVAL_MS) return;
  let pending = touching.get(req.server);
  if (!pending) touching.set(req.server, (pending = new Set()));
  if (pending.has(keyId)) return;
  pending.add(keyId);
  const { db } = req.server.db;
  void db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, keyId),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - make_interval(secs => ${KEY_TOUCH_INTERVAL_MS / 1000})`)),
      ),
    )
    .catch((err: unknown) => req.log.warn({ err, keyId }, 'could not record when an API key was last used'))
    .finally(() => pending.delete(keyId));
}

function userPrincipal(user: { id: string; name: string; email: string; roles: string[]; departmentId: string | null }): Principal {
  return { userId: user.id, name: user.name, email: user.email, roles: user.roles as TRole[], departmentId: user.departmentId, bootstrap: false };
}

/**
 * A browser's session cookie (docs/sign-in.md): used only when no Authorization header is
 * sent, so scripts with bearer tokens behave exactly as before. 401 for a dead session or
 * a deactivated user (the stale cookie is cleared); 403 for a state-changing request
 * without this session's CSRF token.
 */
async function authenticateSession(req: FastifyRequest, reply: FastifyReply, check: SessionCheck): Promise<void> {
  const found = await resolveSession(req);
  if (!found.ok) {
    clearSessionCookie(req, reply);
    throw await refuse(req, found.message, 'session');
  }
  const { user, session } = found;
  req.principal = userPrincipal(user);
  req.signInSession = session;
  check(req, session);
}

/** What a cookie-authenticated request must show besides a live session. */
type SessionCheck = (req: FastifyRequest, session: TCurrentSession) => void;

/** onRequest hook: resolves the caller or answers 401 (429 after too many failures). */
export function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  return authenticateWith(req, reply, assertCsrf);
}

/**
 * onRequest hook for POST routes that only read (the codec server): as `authenticate`, but
 * a session cookie needs no CSRF token when the request comes from this API's origin or
 * `allowedOrigin()` (the Temporal UI, which CORS lets read the answer).
 */
export function authenticateReader(allowedOrigin: () => string | undefined) {
  return (req: FastifyRequest, reply: FastifyReply): Promise<void> => authenticateWith(req, reply, (r) => assertReaderOrigin(r, allowedOrigin()));
}

async function authenticateWith(req: FastifyRequest, reply: FastifyReply, sessionCheck: SessionCheck): Promise<void> {
  if (await failureLimited(req)) throw new AppError('rate_limited', 'too many failed authentications; retry in a minute');
  const token = bearer(req);
  if (token === null && hasSessionCookie(req)) return authenticateSession(req, reply, sessionCheck);
  if (token === null) throw await refuse(req, 'missing bearer token', 'missing');
  if (!token) throw await refuse(req, 'malformed Authorization header; use "Bearer <token>"', 'malformed');
  const adminToken = req.server.config.ADMIN_TOKEN;
  const digest = digestOf(token);
  if (adminToken && isAdminToken(digest, adminToken)) {
    req.principal = {
      userId: BOOTSTRAP_ADMIN_ID,
      name: 'Bootstrap admin',
      email: null,
      roles: ['admin'],
      departmentId: null,
      bootstrap: true,
    };
    return;
  }
  const [key] = await keyByHash(req.server.db.db).execute({ hash: digest.toString('hex') });
  // One message for every refusal, so a caller learns nothing about other people's keys;
  // the audit row records which it was.
  const refused = !key
    ? 'unknown'
    : key.revokedAt
      ? 'revoked'
      : key.expiresAt && key.expiresAt.getTime() <= Date.now()
        ? 'expired'
        : !key.active
          ? 'user_deactivated'
          : null;
  if (refused || !key) throw await refuse(req, 'invalid, revoked or expired token', refused ?? 'unknown', key?.keyId);
  req.principal = {
    userId: key.id,
    name: key.name,
    email: key.email,
    roles: key.roles as TRole[],
    departmentId: key.departmentId,
    bootstrap: false,
    apiKeyId: key.keyId,
    scopes: key.scopes,
  };
  touchKey(req, key.keyId, key.lastUsedAt);
  const needed = scopeFor(req.method === 'HEAD' ? 'GET' : req.method, req.routeOptions.url);
  if (!keyAllows(key.scopes, needed)) {
    throw forbidden(needed === undefined ? 'this route cannot be called with a scoped API key' : `this API key lacks the scope ${needed}`);
  }
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthorized', 'missing bearer token');
  return req.principal;
}

export const hasRole = (p: Principal, ...roles: TRole[]) => roles.some((r) => p.roles.includes(r));

/** onRequest hook factory: 403 unless the caller holds one of the roles. */
export function requireRoles(...roles: TRole[]) {
  return async (req: FastifyRequest) => {
    const p = principalOf(req);
    if (!hasRole(p, ...roles)) throw forbidden(`requires one of the roles: ${roles.join(', ')}`);
  };
}

/** Which departments' applications the caller may see: 'all', one department, or none. */
export function applicationScope(p: Principal): { all: true } | { all: false; departmentId: string | null } {
  if (hasRole(p, 'admin', 'hr', 'integrator')) return { all: true };
  if (hasRole(p, 'hiring_manager') && p.departmentId) return { all: false, departmentId: p.departmentId };
  return { all: false, departmentId: null };
}

/** 404 (not 403) for an application the caller may not see, so ids leak nothing. */
export function assertCanSeeDepartment(p: Principal, departmentId: string, what = 'application'): void {
  const scope = applicationScope(p);
  if (scope.all) return;
  if (scope.departmentId !== departmentId) throw notFound(what);
}

export function actorOf(p: Principal) {
  return { id: p.userId, name: p.name, roles: p.roles, departmentId: p.departmentId };
}
