import type { Db } from './client';

/**
 * `make(db)` once per database handle (a process may hold several, e.g. tests), for
 * drizzle `.prepare()`d statements: PostgreSQL then parses and plans each once per
 * connection instead of on every request.
 */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  return perObject(make);
}

/** `make(key)` once per object `key` (a database handle, an app), kept as long as the object lives. */
export function perObject<K extends object, T>(make: (key: K) => T): (key: K) => T {
  const made = new WeakMap<K, T>();
  return (key) => {
    let v = made.get(key);
    if (v === undefined) made.set(key, (v = make(key)));
    return v;
  };
}
