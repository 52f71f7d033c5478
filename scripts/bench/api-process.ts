/**
 * The API as the benchmark runs it: what `npm run api` (api/server.ts main) does, in a
 * process of its own, plus answers to the benchmark's stats/profile requests over IPC and
 * a count of the statements it sends to PostgreSQL (`statements`, `statements-reset`):
 * the pool's own debug hook sees every statement the driver writes, prepared or not.
 */
import type { Sql } from 'postgres';
import { buildServer, connectTemporal } from '../../api/server';
import { migrate, openDb } from '../../db/client';
import { loadConfigOrExit } from '../../temporal.config';
import { exitOnSignals, serveParent, tellParentReady } from './ipc';

/** Statements sent since the last reset, by their text (first line, cut), for the benchmark's statements-per-start figure. */
export interface StatementCounts {
  total: number;
  byText: Record<string, number>;
}

const config = loadConfigOrExit({ requireDatabaseUrl: 'the API' });
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
await migrate(db);
let counts: StatementCounts = { total: 0, byText: {} };
// postgres.js reads `debug` from the options object its connections share, at each statement.
const client = (db.db as unknown as { $client: Sql }).$client;
// Each text shortened once: the same few statements come again and again, and shortening
// the submission's long statement at each start was 1 % of the API's CPU under the profiler.
const shortened = new Map<string, string>();
client.options.debug = (_connection: number, query: string) => {
  counts.total += 1;
  let text = shortened.get(query);
  if (text === undefined) {
    text = query.replace(/\s+/g, ' ').trim().slice(0, 120);
    if (shortened.size < 10_000) shortened.set(query, text);
  }
  counts.byText[text] = (counts.byText[text] ?? 0) + 1;
};
const { client: temporal, connection } = await connectTemporal(config, db);
const app = await buildServer({ config, db, temporal });
serveParent({
  statements: () => counts,
  'statements-reset': () => {
    counts = { total: 0, byText: {} };
    return true;
  },
});
const address = await app.listen({ host: config.HOST, port: config.PORT });
exitOnSignals(app, connection, db);
tellParentReady({ pid: process.pid, address });
