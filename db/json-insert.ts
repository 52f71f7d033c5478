/**
 * The parts of `insert into <table> (<columns>) select ... from jsonb_to_recordset($n::jsonb)`:
 * rows sent as one jsonb parameter, so a statement's text is the same however many rows it
 * carries and it can be prepared once per connection (DbHandle.prepared). The objects' keys
 * are the drizzle field names (camelCase), as JSON.stringify writes the rows.
 */
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** `fields`: each field inserted, with its SQL type in the recordset (in the order given). */
export function insertFromJson<T extends PgTable>(table: T, param: number, fields: Partial<Record<keyof T['_']['columns'], string>>) {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const list = Object.entries(fields as Record<string, string>);
  const q = (name: string) => `"${name}"`;
  return {
    insert: `insert into ${q(getTableName(table))} (${list.map(([f]) => q(columns[f]!.name)).join(', ')})`,
    select: `select ${list.map(([f]) => `x.${q(f)}`).join(', ')}`,
    from: `from jsonb_to_recordset($${param}::jsonb) as x(${list.map(([f, type]) => `${q(f)} ${type}`).join(', ')})`,
  };
}
