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
import { perDb, perObject } from '../db/per-db';
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
    /** A key taken from this replica's cache (`authenticateCheckedInWrite`), not yet confirmed. */
    deferredKey: TDeferredKey | null;
  }
}

/** What a request authenticated from the key cache still has to have confirmed, and how. */
export interface TDeferredKey {
  keyId: string;
  /** The key's token digest (hex): its cache entry, dropped when the key fails its check. */
  hash: string;
  /** The roles the route requires, one of which the user must still hold. */
  roles: readonly TRole[];
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
 * staff request. Not trusted from a cache: a revoked or expired key, a deactivated user or
 * a user moved to another department takes effect on the next request. (The one route that
 * keeps a copy, POST /v1/applications, has its write check the key: authenticateCheckedInWrite.)
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

type TKeyRow = Awaited<ReturnType<ReturnType<typeof keyByHash>['execute']>>[number];

/**
 * How long a replica keeps a key it looked up, for `authenticateCheckedInWrite` only. The
 * key is not trusted for that long: each use is checked again by the route's write.
 */
export const KEY_CACHE_MS = 60_000;
const KEY_CACHE_MAX = 1_000;
/** Each app's copies of the keys it looked up, by token digest. */
const keyCacheOf = perObject((_server: object) => new Map<string, { row: TKeyRow; at: number }>());

/**
 * The lookups in flight for authenticateCheckedInWrite, by token digest: requests that arrive
 * while one runs share it instead of sending the same statement (32 at once when a busy
 * key's copy had expired, in the bench). Its row was read before they arrived, so they go on
 * as from the cache: checked by the write.
 */
const keyLookupsOf = perObject((_server: object) => new Map<string, Promise<TKeyRow | undefined>>());

function sharedKeyLookup(req: FastifyRequest, hash: string): { row: Promise<TKeyRow | undefined>; shared: boolean } {
  const inFlight = keyLookupsOf(req.server);
  const running = inFlight.get(hash);
  if (running) return { row: running, shared: true };
  const row = keyByHash(req.server.db.db)
    .execute({ hash })
    .then(([r]) => r)
    .finally(() => inFlight.delete(hash));
  inFlight.set(hash, row);
  return { row, shared: false };
}

/** lastUsedAt is written at most once a minute per key, not on every request. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;
/** Each app's keys whose lastUsedAt is being written. */
const touchingOf = perObject((_server: object) => new Set<string>());

function touchKey(req: FastifyRequest, keyId: string, lastUsedAt: Date | null): void {
  if (lastUsedAt && Date.now() - lastUsedAt.getTime() < KEY_TOUCH_INTERVAL_MS) return;
  const pending = touchingOf(req.server);
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

/**
 * onRequest hook for a route whose one write checks the key again in the same statement
 * (POST /v1/applications: db/queries/submissions.ts). A key this replica found valid in the
 * last KEY_CACHE_MS is not looked up: the request goes on with the principal it had, marked
 * `deferredKey`, and the submission's statement inserts nothing unless the key is still
 * unrevoked and unexpired, its user active and holding one of `roles`. Any answer other than
 * that statement's goes through `confirmDeferredKey` first. So a revoked key, an expired
 * one, a deactivated user or a role taken away takes effect on the next request on every
 * replica, as with `authenticate`; the hot path pays one round trip to PostgreSQL, not two.
 * Then `requireRoles(...roles)`, as the route would otherwise list it.
 */
export function authenticateCheckedInWrite(...roles: TRole[]) {
  const allowed = requireRoles(...roles);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await authenticateWith(req, reply, assertCsrf, roles);
    try {
      await allowed(req);
    } catch (err) {
      // The cached roles may be older than a role just given: ask the database.
      if (!req.deferredKey) throw err;
      await confirmDeferredKey(req, reply);
    }
  };
}

/**
 * For a request authenticated from the key cache: looks the key up now, as `authenticate`
 * does (the same 401 with its audit reason and counted failure, or 403 for a role the user
 * lost), and forgets the cached copy. Nothing for a request whose key was looked up.
 */
export async function confirmDeferredKey(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const deferred = req.deferredKey;
  if (!deferred) return;
  req.deferredKey = null;
  keyCacheOf(req.server).delete(deferred.hash);
  req.principal = null;
  await authenticateWith(req, reply, assertCsrf);
  await requireRoles(...deferred.roles)(req);
}

/** The route's write confirmed the deferred key: the principal takes the user's current name. */
export function keyConfirmedInWrite(req: FastifyRequest, name: string): void {
  if (!req.deferredKey || !req.principal) return;
  req.deferredKey = null;
  req.principal = { ...req.principal, name };
}

async function authenticateWith(
  req: FastifyRequest,
  reply: FastifyReply,
  sessionCheck: SessionCheck,
  /** Set by authenticateCheckedInWrite: a cached key may be used, to be checked by the write. */
  checkedInWrite?: readonly TRole[],
): Promise<void> {
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
  const hash = digest.toString('hex');
  const cache = checkedInWrite ? keyCacheOf(req.server) : undefined;
  const entry = cache?.get(hash);
  // A row this request did not read itself (the copy, or a lookup already running when it
  // came): trusted only as far as the route's write checks it.
  let unconfirmed = entry && Date.now() - entry.at < KEY_CACHE_MS ? entry.row : undefined;
  let key: TKeyRow | undefined;
  if (unconfirmed) key = unconfirmed;
  else if (cache) {
    const lookup = sharedKeyLookup(req, hash);
    key = await lookup.row;
    if (lookup.shared) unconfirmed = key;
  } else [key] = await keyByHash(req.server.db.db).execute({ hash });
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
  if (refused || !key) {
    if (unconfirmed) cache!.delete(hash);
    throw await refuse(req, 'invalid, revoked or expired token', refused ?? 'unknown', key?.keyId);
  }
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
  if (cache) {
    if (unconfirmed) {
      req.deferredKey = { keyId: key.keyId, hash, roles: checkedInWrite! };
      // touchKey has just written it (or is writing it): the copy need not ask again for a minute.
      if (!unconfirmed.lastUsedAt || Date.now() - unconfirmed.lastUsedAt.getTime() >= KEY_TOUCH_INTERVAL_MS) unconfirmed.lastUsedAt = new Date();
    } else {
      if (cache.size >= KEY_CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(hash, { row: key, at: Date.now() });
    }
  }
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
