import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema';

export interface TAuditFilter {
  actorId?: string | undefined;
  targetId?: string | undefined;
  action?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** Rows older than this id (the cursor). */
  beforeId?: number | undefined;
  limit: number;
}

/** Newest first, keyset on the id (each filter has an index ending in id). */
export function auditPage(db: Db, f: TAuditFilter) {
  const a = auditLog;
  const conds: (SQL | undefined)[] = [
    f.actorId ? eq(a.actorId, f.actorId) : undefined,
    f.targetId ? eq(a.targetId, f.targetId) : undefined,
    f.action ? eq(a.action, f.action) : undefined,
    f.since ? gte(a.at, new Date(f.since)) : undefined,
    f.until ? lt(a.at, new Date(f.until)) : undefined,
    f.beforeId !== undefined ? sql`${a.id} < ${f.beforeId}` : undefined,
  ];
  return db
    .select()
    .from(a)
    .where(and(...conds))
    .orderBy(desc(a.id))
    .limit(f.limit);
}
