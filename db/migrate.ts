/** `npm run migrate`: applies the committed migrations to DATABASE_URL (or the embedded database). */
import { loadConfigOrExit } from '../temporal.config';
import { migrate, openDb } from './client';

const config = loadConfigOrExit();
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 1 });
try {
  await migrate(db);
  console.log(`migrations applied to ${config.DATABASE_URL ? 'PostgreSQL' : `the embedded database in ${config.DATA_DIR}`}`);
} finally {
  await db.close();
}
