/**
 * Database pool use, for the API's and the worker's registries. postgres.js keeps its pool
 * private, so the pool is seen from the server's side: every connection of a pool carries
 * one application_name (db/client.ts) and pg_stat_activity says what each is doing.
 */
import { Gauge, type Registry } from 'prom-client';
import type { DbHandle } from '../db/client';
import { poolConnections } from '../db/queries/metrics';

export function registerPoolMetrics(registry: Registry, db: DbHandle, poolSize: number): void {
  const name = db.applicationName;
  if (!name) return; // the embedded database has no pool
  new Gauge({ name: 'hiring_db_pool_max', help: 'Connections the pool may open (DATABASE_POOL_SIZE)', registers: [registry] }).set(poolSize);
  new Gauge({
    name: 'hiring_db_pool_connections',
    help: "This process's open database connections by state (pg_stat_activity: active, idle, idle in transaction), the scrape's own excluded",
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const found = new Map<string, number>([
        ['active', 0],
        ['idle', 0],
        ['idle in transaction', 0],
      ]);
      try {
        for (const r of await poolConnections(db, name)) found.set(r.state, r.n);
      } catch {
        this.reset();
        return; // the database is down: no figure rather than a wrong one
      }
      this.reset();
      for (const [state, n] of found) this.set({ state }, n);
    },
  });
}
