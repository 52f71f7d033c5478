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
import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Config, TPayloadKeys } from '../temporal.config';
import type { DbHandle } from './client';
import { documentBlobs } from './schema';
import { openBlob, rotatedBlob, sealBlob, STORAGE_KEY, type SealedBlob } from './document-sealing';
import { S3DocumentStore } from './s3-document-store';

export interface DocumentStore {
  /** Stores `bytes` under `key` (a no-op when the key is already there: same key, same bytes). */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes under `key`, or null. */
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

export class PostgresDocumentStore implements DocumentStore {
  constructor(
    private readonly db: DbHandle,
    /** PAYLOAD_KEYS: with it, new blobs are encrypted. */
    private readonly ring?: TPayloadKeys,
  ) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const stored: SealedBlob = this.ring ? sealBlob(this.ring, key, bytes) : { content: bytes, wrappingKeyId: null, wrappedKey: null };
    await this.db.db.insert(documentBlobs).values({ storageKey: key, size: bytes.length, ...stored }).onConflictDoNothing();
  }

  async get(key: string): Promise<Buffer | null> {
    const [row] = await this.db.db
      .select({ content: documentBlobs.content, wrappingKeyId: documentBlobs.wrappingKeyId, wrappedKey: documentBlobs.wrappedKey })
      .from(documentBlobs)
      .where(eq(documentBlobs.storageKey, key));
    return row ? openBlob(this.ring, key, row) : null;
  }

  async delete(key: string): Promise<void> {
    await this.db.db.delete(documentBlobs).where(eq(documentBlobs.storageKey, key));
  }

  /**
   * Rotation (npm run keys:rotate): encrypts plain blobs and re-wraps the keys of blobs
   * under an older PAYLOAD_KEYS entry with the active one (the content stays as sealed:
   * its own key does not change). Returns how many of each, and how many blobs each
   * wrapping key (`plain` for none) still holds afterwards.
   */
  async rotate(): Promise<{ encrypted: number; rewrapped: number; remaining: Record<string, number> }> {
    const ring = this.ring;
    if (!ring) throw new Error('no PAYLOAD_KEYS: documents cannot be encrypted');
    const t = documentBlobs;
    let encrypted = 0;
    let rewrapped = 0;
    for (;;) {
      const batch = await this.db.db
        .select({ storageKey: t.storageKey, content: t.content, wrappingKeyId: t.wrappingKeyId, wrappedKey: t.wrappedKey })
        .from(t)
        .where(or(isNull(t.wrappedKey), ne(t.wrappingKeyId, ring.activeId)))
        .orderBy(t.storageKey)
        .limit(50);
      if (!batch.length) break;
      for (const row of batch) {
        const next = rotatedBlob(ring, row.storageKey, row)!;
        // Only if unchanged meanwhile (deleted, or rotated by another run).
        const unchanged = and(eq(t.storageKey, row.storageKey), row.wrappedKey ? eq(t.wrappedKey, row.wrappedKey) : isNull(t.wrappedKey));
        await this.db.db.update(t).set(next.set).where(unchanged);
        if (next.encrypted) encrypted++;
        else rewrapped++;
      }
    }
    const counts = await this.db.rows<{ k: string; n: number | string }>(
      sql`select coalesce(wrapping_key_id, 'plain') as k, count(*) as n from document_blobs group by 1`,
    );
    return { encrypted, rewrapped, remaining: Object.fromEntries(counts.map((c) => [c.k, Number(c.n)])) };
  }
}

type StoreConfig = Pick<Config, 'documentStore' | 'S3_URL' | 'S3_BUCKET' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_REGION' | 'payloadKeys'>;

/** The S3 driver as the configuration names it (loadConfig has checked that its settings are set for `s3`), sealing with `ring`. */
export function s3DocumentStore(config: StoreConfig, ring: TPayloadKeys | undefined): S3DocumentStore {
  return new S3DocumentStore({
    url: config.S3_URL!,
    bucket: config.S3_BUCKET!,
    accessKeyId: config.S3_ACCESS_KEY_ID!,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
    region: config.S3_REGION,
    ring,
  });
}

/**
 * The store the configuration names. For S3 the bucket is checked first, so a wrong
 * bucket or key fails at start-up rather than at the first upload.
 */
export async function openDocumentStore(config: StoreConfig, db: DbHandle): Promise<DocumentStore> {
  if (config.documentStore === 'postgres') return new PostgresDocumentStore(db, config.payloadKeys);
  const store = s3DocumentStore(config, config.payloadKeys);
  await store.check();
  return store;
}

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
