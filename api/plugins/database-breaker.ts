/**
 * Fails fast while PostgreSQL is unreachable. postgres.js keeps queries queued while its
 * connections retry, taking one queued query per connection per attempt, so during an
 * outage a request's queries wait behind every other queued one and it answers only after
 * the database is back (8–28 s in the database-outage fault test with actions in flight).
 *
 * The first query that fails because the database cannot be reached opens the breaker:
 * from then on every request that needs the database is answered 503 with Retry-After at
 * once, and a probe on a connection of its own closes the breaker as soon as the server
 * answers again. The embedded database (PGlite) lives in the process and has no breaker.
 */
import fp from 'fastify-plugin';
import postgres from 'postgres';
import { isDatabaseUnreachable, type DbHandle } from '../../db/client';
import { errorBody } from '../errors';

const PROBE_EVERY_MS = 250;
const RETRY_AFTER_SECONDS = 1;
/** Requests that never touch the database answer as usual (liveness, readiness, static files, docs). */
const NO_DATABASE = /^\/(healthz|readyz|metrics|app(\/|$)|docs(\/|$)|openapi\.json|favicon)/;

export class DatabaseBreaker {
  private openSince: number | null = null;
  private probing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly url: string) {}

  get isOpen(): boolean {
    return this.openSince !== null;
  }

  /** Opens the breaker (idempotent) and probes until the server answers. */
  trip(): void {
    if (this.closed || this.openSince !== null) return;
    this.openSince = Date.now();
    this.probing = this.probe().finally(() => (this.probing = null));
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.probing;
  }

  private async probe(): Promise<void> {
    const sql = postgres(this.url, { max: 1, connect_timeout: 2, idle_timeout: 1, onnotice: () => {} });
    try {
      while (!this.closed) {
        try {
          await sql`select 1`;
          break;
        } catch {
          await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
        }
      }
    } finally {
      this.openSince = null;
      await sql.end({ timeout: 1 }).catch(() => undefined);
    }
  }
}

export default fp<{ db: DbHandle }>(
  async (app, { db }) => {
    if (db.kind !== 'postgres' || !db.url) return;
    const breaker = new DatabaseBreaker(db.url);
    app.addHook('onClose', () => breaker.stop());
    // App-level, so it runs before every route's own hooks (authentication reads the database).
    app.addHook('onRequest', async (req, reply) => {
      if (!breaker.isOpen || NO_DATABASE.test(req.url)) return;
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(errorBody(req.id, 'unavailable', 'the database is unreachable; try again shortly'));
    });
    app.addHook('onError', async (_req, _reply, err) => {
      if (isDatabaseUnreachable(err)) breaker.trip();
    });
  },
  { name: 'database-breaker' },
);
