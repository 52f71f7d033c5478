/**
 * `npm run documents:import`: copies onboarding documents that earlier versions stored as
 * files under DOCUMENTS_DIR into the configured document store (db/document-store.ts:
 * PostgreSQL, or S3 with DOCUMENT_STORE=s3).
 * Idempotent; run it once per deployment after upgrading, then remove the directory.
 */
import { fileURLToPath } from 'node:url';
import { migrate, openDb } from '../db/client';
import { importDocumentsDir, openDocumentStore } from '../db/document-store';
import { loadConfigOrExit } from '../temporal.config';

async function main() {
  const config = loadConfigOrExit();
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    await migrate(db);
    const r = await importDocumentsDir(config.documentsDir, await openDocumentStore(config, db));
    console.log(
      `documents from ${config.documentsDir}: ${r.imported.length} imported, ${r.alreadyThere.length} already stored, ${r.skipped.length} skipped` +
        (r.skipped.length ? ` (${r.skipped.join(', ')}: not a storage key, or the bytes do not match it)` : ''),
    );
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
