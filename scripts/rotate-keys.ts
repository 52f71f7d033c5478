/**
 * Key rotation for PAYLOAD_KEYS (docs/personal-data.md, "Rotating keys").
 *
 *   npm run keys:rotate -- new [id]   a new key entry; with no PAYLOAD_KEYS in the environment
 *                                     (npm start), it is put first in DATA_DIR/payload-keys
 *   npm run keys:rotate               re-wraps every application data key, document key and
 *                                     offer letter's key still under an older key with the
 *                                     active (first) one, encrypts documents and offer
 *                                     letters stored plain, and says which keys
 *                                     the database still needs; with DOCUMENT_STORE=s3 the
 *                                     same for the documents in the bucket
 *
 * New payloads use the active key as soon as the API and workers restart with it first;
 * older keys stay listed until this script reports none of their data keys left and no
 * history sealed directly by them can still be read (docs/personal-data.md).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb, type DbHandle } from '../db/client';
import { PostgresDocumentStore, s3DocumentStore } from '../db/document-store';
import type { S3DocumentStore } from '../db/s3-document-store';
import { rotateOfferDocuments } from '../db/queries/offers';
import { DataKeys } from '../privacy/data-keys';
import { newPayloadKeyEntry } from '../privacy/keys';
import { loadConfigOrExit, parsePayloadKeys, type TPayloadKeys } from '../temporal.config';

const keysFile = (dataDir: string) => path.join(dataDir, 'payload-keys');

/**
 * `bucket`: the S3 document store (DOCUMENT_STORE=s3), rotated besides `document_blobs`
 * (which keeps whatever was uploaded before the switch to S3).
 */
export async function rotate(ring: TPayloadKeys, dataKeys: DataKeys, documents: PostgresDocumentStore, db: DbHandle, bucket?: S3DocumentStore): Promise<string> {
  const { rewrapped, remaining } = await dataKeys.rewrapAll();
  const docs = await documents.rotate();
  const offers = await rotateOfferDocuments(db, ring);
  const objects = await bucket?.rotate();
  const needs = (id: string) => (remaining[id] ?? 0) + (docs.remaining[id] ?? 0) + (offers.remaining[id] ?? 0) + (objects?.remaining[id] ?? 0);
  const stale = [...ring.keys.keys()].filter((id) => id !== ring.activeId && needs(id) > 0);
  return [
    `re-wrapped ${rewrapped} application data key(s) under '${ring.activeId}'`,
    `documents: ${docs.encrypted} encrypted (were plain), ${docs.rewrapped} key(s) re-wrapped under '${ring.activeId}'`,
    `offer letters and signed copies: ${offers.encrypted} encrypted (were plain), ${offers.rewrapped} key(s) re-wrapped under '${ring.activeId}'`,
    `live data keys per wrapping key: ${JSON.stringify(remaining)}`,
    `documents per wrapping key: ${JSON.stringify(docs.remaining)}`,
    `offer documents per wrapping key: ${JSON.stringify(offers.remaining)}`,
    ...(objects
      ? [
          `documents in the S3 bucket: ${objects.encrypted} encrypted (were plain), ${objects.rewrapped} key(s) re-wrapped under '${ring.activeId}'`,
          `S3 documents per wrapping key: ${JSON.stringify(objects.remaining)}${objects.others ? ` (and ${objects.others} other object(s), not documents, left alone)` : ''}`,
        ]
      : []),
    stale.length ? `still needed by data keys or documents: ${stale.join(', ')} (run again)` : 'no data key or document needs an older key any more',
  ].join('\n');
}

async function main() {
  const config = loadConfigOrExit();
  const [command, id] = process.argv.slice(2);
  const file = keysFile(config.DATA_DIR);
  if (command === 'new') {
    const entry = newPayloadKeyEntry(id);
    if (!process.env.PAYLOAD_KEYS && existsSync(file)) {
      const next = `${entry},${readFileSync(file, 'utf8').trim()}`;
      if (!parsePayloadKeys(next).keys) throw new Error(`the new key clashes with ${file}: ${parsePayloadKeys(next).problems.join('; ')}`);
      writeFileSync(file, next, { mode: 0o600 });
      console.log(`${file}: new active key '${entry.split(':')[0]}' put first; restart npm start, then run npm run keys:rotate`);
    } else {
      console.log(`Put this first in PAYLOAD_KEYS (every API and worker), restart them, then run npm run keys:rotate:\n${entry}`);
    }
    return;
  }
  if (command) throw new Error(`unknown command ${command}; use 'new [id]' or nothing`);
  const ring = config.payloadKeys ?? (existsSync(file) ? parsePayloadKeys(readFileSync(file, 'utf8').trim()).keys : undefined);
  if (!ring) throw new Error('no PAYLOAD_KEYS (and no DATA_DIR/payload-keys): nothing to rotate');
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    let bucket: S3DocumentStore | undefined;
    if (config.documentStore === 's3') {
      bucket = s3DocumentStore(config, ring);
      await bucket.check();
    }
    console.log(await rotate(ring, new DataKeys(db, ring), new PostgresDocumentStore(db, ring), db, bucket));
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
