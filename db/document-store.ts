/**
 * Where onboarding documents' bytes live, behind one interface so no API replica depends
 * on its own disk. The PostgreSQL driver is the default: documents are small (at most
 * DOCUMENT_MAX_BYTES, 5 MiB), few per employee, and go with the database's backups.
 * Keys are content-addressed (`<sha256>.<ext>`): storing the same bytes twice is one blob.
 * The S3 driver (db/s3-document-store.ts, DOCUMENT_STORE=s3) keeps them in object storage.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Config } from '../temporal.config';
import type { DbHandle } from './client';
import { documentBlobs } from './schema';
import { S3DocumentStore } from './s3-document-store';

export interface DocumentStore {
  /** Stores `bytes` under `key` (a no-op when the key is already there: same key, same bytes). */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes under `key`, or null. */
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

export class PostgresDocumentStore implements DocumentStore {
  constructor(private readonly db: DbHandle) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.db.db.insert(documentBlobs).values({ storageKey: key, content: bytes, size: bytes.length }).onConflictDoNothing();
  }

  async get(key: string): Promise<Buffer | null> {
    const [row] = await this.db.db.select({ content: documentBlobs.content }).from(documentBlobs).where(eq(documentBlobs.storageKey, key));
    return row ? Buffer.from(row.content) : null;
  }

  async delete(key: string): Promise<void> {
    await this.db.db.delete(documentBlobs).where(eq(documentBlobs.storageKey, key));
  }
}

type StoreConfig = Pick<Config, 'documentStore' | 'S3_URL' | 'S3_BUCKET' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_REGION'>;

/**
 * The store the configuration names. For S3 the bucket is checked first, so a wrong
 * bucket or key fails at start-up rather than at the first upload.
 */
export async function openDocumentStore(config: StoreConfig, db: DbHandle): Promise<DocumentStore> {
  if (config.documentStore === 'postgres') return new PostgresDocumentStore(db);
  // loadConfig has checked that these are set for `s3`.
  const store = new S3DocumentStore({
    url: config.S3_URL!,
    bucket: config.S3_BUCKET!,
    accessKeyId: config.S3_ACCESS_KEY_ID!,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
    region: config.S3_REGION,
  });
  await store.check();
  return store;
}

/** A storage key as uploads make them: the content's SHA-256 and the type's extension. */
const STORAGE_KEY = /^([0-9a-f]{64})\.(pdf|jpg|png)$/;

export interface ImportResult {
  imported: string[];
  alreadyThere: string[];
  /** Files whose name is not a storage key or whose bytes do not hash to it: left alone. */
  skipped: string[];
}

/**
 * Copies the documents an earlier version kept under DOCUMENTS_DIR into `store`, checking
 * each file's bytes against the hash its name carries. Idempotent; the files stay where
 * they are (delete the directory once the import has run on every deployment).
 */
export async function importDocumentsDir(dir: string, store: DocumentStore): Promise<ImportResult> {
  const result: ImportResult = { imported: [], alreadyThere: [], skipped: [] };
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  for (const name of names.sort()) {
    const m = STORAGE_KEY.exec(name);
    if (!m) {
      result.skipped.push(name);
      continue;
    }
    const bytes = await readFile(path.join(dir, name));
    if (createHash('sha256').update(bytes).digest('hex') !== m[1]) {
      result.skipped.push(name);
      continue;
    }
    if (await store.get(name)) {
      result.alreadyThere.push(name);
      continue;
    }
    await store.put(name, bytes);
    result.imported.push(name);
  }
  return result;
}
