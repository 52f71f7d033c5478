import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { validationFailed } from './errors';

export const ZLimitSchema = z.coerce.number().int().min(1).max(200).default(50);

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw validationFailed([{ path: 'querystring.cursor', message: 'not a cursor this list returned' }]);
}

/** A timestamp column as ISO-8601 UTC with microseconds, so a cursor keeps PostgreSQL's full precision. */
export const isoMicros = (col: PgColumn | SQL) => sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The cursor of a sync list: the last row's (updated_at, id). */
export const ZUpdatedCursorSchema = z.object({ u: z.iso.datetime(), id: z.uuid() });

export const ZUpdatedSinceSchema = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('Sync: only rows changed at or after this time, oldest change first (ISO-8601)');

/**
 * Sync order: rows changed at or after `since`, by (updated_at, id) ascending, after the
 * cursor. A change commits a moment after its updated_at is taken, so a client that polls
 * asks again from its last updatedAt minus a few seconds and drops the ids it has seen.
 */
export function updatedSinceKeyset(updatedAt: PgColumn, id: PgColumn, since: string | undefined, cursor: string | undefined) {
  const after = decodeCursor(cursor, ZUpdatedCursorSchema);
  return {
    where: and(
      since ? sql`${updatedAt} >= ${since}::timestamptz` : undefined,
      after ? sql`(${updatedAt}, ${id}) > (${after.u}::timestamptz, ${after.id}::uuid)` : undefined,
    ),
    orderBy: [asc(updatedAt), asc(id)],
    next: (last: { updatedKey: string; id: string } | undefined) => (last ? encodeCursor({ u: last.updatedKey, id: last.id }) : null),
  };
}
