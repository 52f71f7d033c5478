/**
 * A per-process cache for the API's hot paths (bench/RESULTS.md: each database round trip
 * costs the API and PostgreSQL CPU that two shared cores take from Temporal): values kept
 * for a fixed time, concurrent loads of one key shared. Only for data that no API route
 * changes (see where it is used); prepared statements are `perDb` in db/per-db.ts.
 */

interface Entry<V> {
  value: Promise<V>;
  expiresAt: number;
}

export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value of `key`, or `load()`'s (shared by concurrent callers; a failure is not kept). */
  get(key: K, load: () => Promise<V>): Promise<V> {
    const t = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > t) return hit.value;
    if (hit) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.evict(t);
    const value = load();
    const entry = { value, expiresAt: t + this.ttlMs };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops expired entries, then the oldest ones until there is room for one more. */
  private evict(t: number) {
    for (const [k, e] of this.entries) if (e.expiresAt <= t) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(k);
    }
  }
}
