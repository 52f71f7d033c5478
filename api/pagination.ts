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
