/**
 * Staff authentication (bearer tokens, stored as SHA-256 hashes) and authorisation
 * helpers. Visibility rules live here so every route applies the same ones:
 * admin, hr and integrator see every application; a hiring manager sees only their
 * department's; anyone else sees none (a 404, never a hint that it exists).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TRole } from '../domain/contracts/common';
import { perDb } from '../db/per-db';
import { users } from '../db/schema';
import { AppError, forbidden, notFound } from './errors';
import { failureLimited, recordFailure } from './auth-failures';

export interface Principal {
  userId: string;
  name: string;
  email: string | null;
  roles: TRole[];
  departmentId: string | null;
  /** The ADMIN_TOKEN from the environment, not a user row. */
  bootstrap: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** A user id for the bootstrap admin: fixed, so the timeline can name it. */
export const BOOTSTRAP_ADMIN_ID = '00000000-0000-0000-0000-000000000000';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `hwe_${randomBytes(32).toString('base64url')}`;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : '';
}

/**
 * The user a token hash belongs to: a prepared statement, run on every staff request. Not
 * cached: a revoked token (its user row deleted) or a user moved to another department
 * takes effect on the next request.
 */
const userByTokenHash = perDb((db) =>
  db
    .select({ id: users.id, name: users.name, email: users.email, roles: users.roles, departmentId: users.departmentId })
    .from(users)
    .where(eq(users.tokenHash, sql.placeholder('hash')))
    .prepare('user_by_token_hash'),
);

/** onRequest hook: resolves the caller or answers 401 (429 after too many failures). */
export async function authenticate(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (await failureLimited(req)) throw new AppError('rate_limited', 'too many failed authentications; retry in a minute');
  const token = bearer(req);
  if (token === null) throw await recordFailure(req, 'missing bearer token');
  if (!token) throw await recordFailure(req, 'malformed Authorization header; use "Bearer <token>"');
  const adminToken = req.server.config.ADMIN_TOKEN;
  if (adminToken && sameSecret(token, adminToken)) {
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
  const [user] = await userByTokenHash(req.server.db.db).execute({ hash: hashToken(token) });
  if (!user) throw await recordFailure(req, 'invalid or revoked token');
  req.principal = {
    userId: user.id,
    name: user.name,
    email: user.email,
    roles: user.roles as TRole[],
    departmentId: user.departmentId,
    bootstrap: false,
  };
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
