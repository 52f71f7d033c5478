/**
 * `npm run sign-in-link -- <email>`: mints a single-use sign-in link (15 minutes) for an
 * active user and prints it, for an operator helping someone whose mail does not arrive.
 * Needs DATABASE_URL (PostgreSQL); with the embedded database, `npm start` itself mints
 * links for addresses typed into its terminal.
 */
import { openDb } from '../db/client';
import { activeUserByEmail } from '../db/queries/sign-in';
import { mintEmailLink } from '../api/email-link';
import { loadConfigOrExit } from '../temporal.config';

async function main() {
  const email = process.argv[2];
  if (!email) {
    console.error('usage: npm run sign-in-link -- <email of an active user>');
    process.exit(2);
  }
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    // The embedded database belongs to the `npm start` process while it runs.
    console.error('with the embedded database, type the e-mail address into the `npm start` terminal instead (or set DATABASE_URL)');
    process.exit(2);
  }
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 1 });
  try {
    const user = await activeUserByEmail(db.db, email);
    if (!user) {
      console.error(`no active user with the e-mail ${email}`);
      process.exitCode = 1;
      return;
    }
    const link = await mintEmailLink(db.db, config.publicUrl, user.id, new Date());
    if (!link) {
      console.error(`${email} has had 5 links in the last 15 minutes; wait a little`);
      process.exitCode = 1;
      return;
    }
    console.log(`${user.name} <${user.email}>: ${link}  (works once, for 15 minutes)`);
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
