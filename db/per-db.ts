import type { Db } from './client';

/**
 * `make(db)` once per database handle (a process may hold several, e.g. tests), for
 * drizzle `.prepare()`d statements: PostgreSQL then parses and plans each once per
 * connection instead of on every request.
 */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let v = made.get(db);
    if (v === undefined) made.set(db, (v = make(db)));
    return v;
  };
}
