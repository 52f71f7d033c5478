/**
 * SQL for staff sign-in: browser sessions, e-mail sign-in links and OIDC sign-ins in
 * progress. Secrets arrive here already hashed (SHA-256, hex); nothing in these tables
 * can be replayed as a credential. Every function takes the instant to use, so tests move
 * time without sleeping.
 */
import { and, asc, desc, eq, gt, gte, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { perDb } from '../per-db';
import { emailSignInLinks, oidcSignIns, sessions, users, type TSignInMethod } from '../schema';

export interface TSessionUser {
  id: string;
  name: string;
  email: string;
  roles: string[];
  departmentId: string | null;
  active: boolean;
}

export interface TSessionRow {
  id: string;
  userId: string;
  method: TSignInMethod;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

const sessionColumns = {
  id: sessions.id,
  userId: sessions.userId,
  method: sessions.method,
  createdAt: sessions.createdAt,
  lastSeenAt: sessions.lastSeenAt,
  expiresAt: sessions.expiresAt,
  ip: sessions.ip,
  userAgent: sessions.userAgent,
};

/** Run on every cookie-authenticated request: the session and its user in one round trip. */
const sessionBySecretHash = perDb((db) =>
  db
    .select({
      session: sessionColumns,
      user: { id: users.id, name: users.name, email: users.email, roles: users.roles, departmentId: users.departmentId, active: users.active },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.secretHash, sql.placeholder('hash')))
    .prepare('session_by_secret_hash'),
);

export async function findSession(db: Db, secretHash: string): Promise<{ session: TSessionRow; user: TSessionUser } | undefined> {
  const [row] = await sessionBySecretHash(db).execute({ hash: secretHash });
  return row;
}

/** When the session ends if nothing more happens: the earlier of idle and absolute expiry. */
export function sessionEndsAt(s: Pick<TSessionRow, 'lastSeenAt' | 'expiresAt'>, idleMs: number): Date {
  return new Date(Math.min(s.lastSeenAt.getTime() + idleMs, s.expiresAt.getTime()));
}

export async function createSession(
  db: Db,
  v: { secretHash: string; userId: string; method: TSignInMethod; now: Date; maxAgeMs: number; idleMs: number; ip: string | null; userAgent: string | null },
): Promise<TSessionRow> {
  // Sessions that ran out are removed as new ones begin, so the table holds live ones only.
  await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, v.now), lt(sessions.lastSeenAt, new Date(v.now.getTime() - v.idleMs))));
  const [row] = await db
    .insert(sessions)
    .values({
      secretHash: v.secretHash,
      userId: v.userId,
      method: v.method,
      createdAt: v.now,
      lastSeenAt: v.now,
      expiresAt: new Date(v.now.getTime() + v.maxAgeMs),
      ip: v.ip,
      userAgent: v.userAgent?.slice(0, 500) ?? null,
    })
    .returning(sessionColumns);
  return row!;
}

/** Records activity; only when the last record is older than `minGapMs`, so a busy console writes rarely. */
export async function touchSession(db: Db, id: string, now: Date, minGapMs: number): Promise<void> {
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.id, id), lt(sessions.lastSeenAt, new Date(now.getTime() - minGapMs))));
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** Ends one of `userId`'s sessions; false when there is no such session of theirs. */
export async function deleteSessionOf(db: Db, userId: string, id: string): Promise<boolean> {
  const gone = await db
    .delete(sessions)
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return gone.length > 0;
}

/** The user's live sessions, newest first. */
export async function listSessions(db: Db, userId: string, now: Date, idleMs: number): Promise<TSessionRow[]> {
  return db
    .select(sessionColumns)
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - idleMs)),
      ),
    )
    .orderBy(desc(sessions.createdAt), asc(sessions.id));
}

// ---- E-mail sign-in links -------------------------------------------------------

/** An active user by e-mail (stored lower-case). */
export async function activeUserByEmail(db: Db, email: string): Promise<{ id: string; name: string; email: string } | undefined> {
  const [u] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.email, email.toLowerCase()), eq(users.active, true)));
  return u;
}

/**
 * Stores a new link unless `limit` links were created for the user since `since`. The
 * user's row is locked for the count and the insert, so concurrent requests for one
 * address cannot slip past the limit together.
 */
export async function createEmailLinkWithinLimit(
  db: Db,
  v: { tokenHash: string; userId: string; now: Date; ttlMs: number; limit: number; since: Date },
): Promise<boolean> {
  // Links spent or expired for a day are of no further use, even for counting.
  await db.delete(emailSignInLinks).where(lt(emailSignInLinks.expiresAt, new Date(v.now.getTime() - 86_400_000)));
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, v.userId)).for('update');
    const [r] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(emailSignInLinks)
      .where(and(eq(emailSignInLinks.userId, v.userId), gte(emailSignInLinks.createdAt, v.since)));
    if ((r?.n ?? 0) >= v.limit) return false;
    await tx.insert(emailSignInLinks).values({
      tokenHash: v.tokenHash,
      userId: v.userId,
      createdAt: v.now,
      expiresAt: new Date(v.now.getTime() + v.ttlMs),
    });
    return true;
  });
}

export type TLinkOutcome = { ok: true; userId: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/**
 * Spends a link: one UPDATE that succeeds only for an unused, unexpired link, so two
 * clicks at the same instant cannot both sign in. A refusal says why, for the page.
 */
export async function consumeEmailLink(db: Db, tokenHash: string, now: Date): Promise<TLinkOutcome> {
  const [spent] = await db
    .update(emailSignInLinks)
    .set({ usedAt: now })
    .where(and(eq(emailSignInLinks.tokenHash, tokenHash), isNull(emailSignInLinks.usedAt), gt(emailSignInLinks.expiresAt, now)))
    .returning({ userId: emailSignInLinks.userId });
  if (spent) return { ok: true, userId: spent.userId };
  const [row] = await db
    .select({ usedAt: emailSignInLinks.usedAt })
    .from(emailSignInLinks)
    .where(eq(emailSignInLinks.tokenHash, tokenHash));
  if (!row) return { ok: false, reason: 'unknown' };
  return { ok: false, reason: row.usedAt ? 'used' : 'expired' };
}

/** The user a sign-in resolves to, whatever their state (the caller refuses the inactive). */
export async function userById(db: Db, id: string): Promise<TSessionUser | undefined> {
  const [u] = await db
    .select({ id: users.id, name: users.name, email: users.email, roles: users.roles, departmentId: users.departmentId, active: users.active })
    .from(users)
    .where(eq(users.id, id));
  return u;
}

/** A user by e-mail, whatever their state: OIDC tells "deactivated" from "unknown". */
export async function userByEmail(db: Db, email: string): Promise<TSessionUser | undefined> {
  const [u] = await db
    .select({ id: users.id, name: users.name, email: users.email, roles: users.roles, departmentId: users.departmentId, active: users.active })
    .from(users)
    .where(eq(users.email, email.toLowerCase()));
  return u;
}

// ---- OIDC sign-ins in progress ----------------------------------------------------

export async function saveOidcSignIn(
  db: Db,
  v: { idHash: string; state: string; nonce: string; codeVerifier: string; now: Date; ttlMs: number },
): Promise<void> {
  await db.delete(oidcSignIns).where(lt(oidcSignIns.expiresAt, v.now));
  await db.insert(oidcSignIns).values({
    idHash: v.idHash,
    state: v.state,
    nonce: v.nonce,
    codeVerifier: v.codeVerifier,
    expiresAt: new Date(v.now.getTime() + v.ttlMs),
  });
}

/** Reads and deletes in one statement: a callback finds its sign-in once. */
export async function takeOidcSignIn(
  db: Db,
  idHash: string,
  now: Date,
): Promise<{ state: string; nonce: string; codeVerifier: string } | undefined> {
  const [row] = await db
    .delete(oidcSignIns)
    .where(eq(oidcSignIns.idHash, idHash))
    .returning({ state: oidcSignIns.state, nonce: oidcSignIns.nonce, codeVerifier: oidcSignIns.codeVerifier, expiresAt: oidcSignIns.expiresAt });
  if (!row || row.expiresAt <= now) return undefined;
  return { state: row.state, nonce: row.nonce, codeVerifier: row.codeVerifier };
}
