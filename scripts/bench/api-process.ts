/**
 * The API as the benchmark runs it: what `npm run api` (api/server.ts main) does, in a
 * process of its own, plus answers to the benchmark's stats/profile requests over IPC.
 */
import { buildServer, connectTemporal } from '../../api/server';
import { migrate, openDb } from '../../db/client';
import { loadConfigOrExit } from '../../temporal.config';
import { serveParent, tellParentReady } from './ipc';

const config = loadConfigOrExit({ requireDatabaseUrl: 'the API' });
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
await migrate(db);
const { client, connection } = await connectTemporal(config, db);
const app = await buildServer({ config, db, temporal: client });
serveParent();
const address = await app.listen({ host: config.HOST, port: config.PORT });
let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  void (async () => {
    await app.close();
    await connection.close();
    await db.close();
    process.exit(0);
  })();
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
tellParentReady({ pid: process.pid, address });
