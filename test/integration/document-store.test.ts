/**
 * Onboarding documents in PostgreSQL or S3-compatible object storage (db/document-store.ts,
 * db/s3-document-store.ts), not on one replica's disk: the same behaviour tests run against
 * both drivers, the S3 one against a real S3-compatible server (moto, test/helpers/s3.ts).
 * Encrypted at rest with PAYLOAD_KEYS in both (plain rows from before still read; rotation
 * encrypts them and re-wraps document keys), and the import of what earlier versions stored
 * as files under DOCUMENTS_DIR
 * (`npm run documents:import`): each file checked against the hash its name carries.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { importDocumentsDir, openDocumentStore, PostgresDocumentStore, type DocumentStore } from '../../db/document-store';
import { S3DocumentStore } from '../../db/s3-document-store';
import { DataKeys } from '../../privacy/data-keys';
import { newPayloadKeyEntry } from '../../privacy/keys';
import { ConfigError, loadConfig, parsePayloadKeys, type TPayloadKeys } from '../../temporal.config';
import { rotate } from '../../scripts/rotate-keys';
import { createTestDb, type TestDb } from '../helpers/db';
import { JPEG_BYTES, PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import { startS3Server, type TestS3 } from '../helpers/s3';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let db: TestDb;
let dir: string;
let s3: TestS3;
const BUCKET = 'hwe-documents';
const key = (bytes: Uint8Array, ext: string) => `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
const blobs = async () => (await db.handle.rows<{ n: number }>(sql`select count(*)::int as n from document_blobs`))[0]!.n;

beforeAll(async () => {
  [db, s3] = await Promise.all([createTestDb(), startS3Server()]);
  await s3.createBucket(BUCKET);
  dir = mkdtempSync(path.join(os.tmpdir(), 'hwe-docs-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await s3?.stop();
  await db?.drop();
});

/** Runs an npm script's file (scripts/…) as the npm script does; its exit code must be 0. */
async function runScript(file: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code, out).toBe(0);
  return out;
}

const s3Settings = () => ({ url: s3.url, bucket: BUCKET, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region });

/** Each driver, and how many stored objects it holds (read from the store's own back end). */
const DRIVERS: { name: string; open: () => DocumentStore; stored: () => Promise<number> }[] = [
  { name: 'PostgreSQL', open: () => new PostgresDocumentStore(db.handle), stored: blobs },
  { name: 'S3', open: () => new S3DocumentStore(s3Settings()), stored: async () => (await s3.keys(BUCKET)).length },
];

describe.each(DRIVERS)('$name document store', ({ open, stored }) => {
  it('stores, reads back and deletes by key; the same bytes twice are one object; deleting twice is fine', async () => {
    const store = open();
    const before = await stored();
    const k = key(PNG_BYTES, 'png');
    const other = key(PDF_BYTES, 'pdf');
    expect(await store.get(k)).toBeNull();
    await store.put(k, PNG_BYTES);
    await store.put(k, PNG_BYTES);
    await store.put(other, PDF_BYTES);
    expect(await stored()).toBe(before + 2);
    expect(Buffer.compare((await store.get(k))!, Buffer.from(PNG_BYTES))).toBe(0);
    expect(Buffer.compare((await store.get(other))!, Buffer.from(PDF_BYTES))).toBe(0);
    await store.delete(k);
    await store.delete(k);
    expect(await store.get(k)).toBeNull();
    // Only the one key went.
    expect(Buffer.compare((await store.get(other))!, Buffer.from(PDF_BYTES))).toBe(0);
    expect(await stored()).toBe(before + 1);
    await store.delete(other);
    expect(await stored()).toBe(before);
  });

  it('keeps every byte of a large binary document (5 MiB, all 256 byte values)', async () => {
    const store = open();
    const big = new Uint8Array(5 * 1024 * 1024).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
    const k = key(big, 'pdf');
    await store.put(k, big);
    const back = await store.get(k);
    expect(back?.length).toBe(big.length);
    expect(createHash('sha256').update(back!).digest('hex')).toBe(k.slice(0, 64));
    await store.delete(k);
    expect(await store.get(k)).toBeNull();
  });
});

describe('S3 at rest', () => {
  it('with PAYLOAD_KEYS the bucket holds ciphertext, the wrapped key rides in the metadata, and reads give the plain bytes', async () => {
    const keys = ring(newPayloadKeyEntry('k1'));
    const store = new S3DocumentStore({ ...s3Settings(), ring: keys });
    const k = key(PDF_BYTES, 'pdf');
    await store.put(k, PDF_BYTES);
    const raw = await s3.object(BUCKET, k);
    expect(contains(raw.bytes, PDF_BYTES.subarray(0, 32))).toBe(false);
    expect(raw.meta['x-amz-meta-wrapping-key-id']).toBe('k1');
    expect(raw.meta['x-amz-meta-wrapped-key']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.compare((await store.get(k))!, Buffer.from(PDF_BYTES))).toBe(0);
    // Without the key ring the object cannot be read.
    await expect(new S3DocumentStore(s3Settings()).get(k)).rejects.toThrow(/wrapped by 'k1'/);
    await store.delete(k);
    expect(await s3.keys(BUCKET)).not.toContain(k);
  });
});

describe('S3 settings', () => {
  it('DOCUMENT_STORE=s3 needs the URL, bucket and keys; S3_URL alone picks s3; a bad bucket name is refused', () => {
    const base = { DATA_DIR: dir };
    expect(() => loadConfig({ ...base, DOCUMENT_STORE: 's3' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, DOCUMENT_STORE: 's3' })).toThrow(/S3_BUCKET: required when DOCUMENT_STORE is s3[\s\S]*S3_SECRET_ACCESS_KEY/);
    expect(() => loadConfig({ ...base, S3_URL: s3.url })).toThrow(/S3_ACCESS_KEY_ID: required when DOCUMENT_STORE is s3/);
    expect(() => loadConfig({ ...base, ...s3.env('Bad_Bucket') })).toThrow(/S3_BUCKET: must be an S3 bucket name/);
    expect(() => loadConfig({ ...base, ...s3.env(BUCKET), S3_URL: 'ftp://example.com' })).toThrow(/S3_URL: must start with http/);
    expect(loadConfig(base).documentStore).toBe('postgres');
    expect(loadConfig({ ...base, ...s3.env(BUCKET), DOCUMENT_STORE: '' }).documentStore).toBe('s3');
    expect(loadConfig({ ...base, ...s3.env(BUCKET), DOCUMENT_STORE: 'postgres' }).documentStore).toBe('postgres');
  });

  it('a bucket that does not exist fails at start-up with a clear message, and nothing is written', async () => {
    const config = loadConfig({ DATA_DIR: dir, ...s3.env('no-such-bucket') });
    await expect(openDocumentStore(config, db.handle)).rejects.toThrow(/S3_BUCKET: .*\/no-such-bucket: no such bucket/);
    expect(await openDocumentStore(loadConfig({ DATA_DIR: dir, ...s3.env(BUCKET) }), db.handle)).toBeInstanceOf(S3DocumentStore);
    expect(await s3.keys(BUCKET)).toEqual([]);
  });

  it('a failed request names the operation and S3\'s error code', async () => {
    const store = new S3DocumentStore({ ...s3Settings(), bucket: 'no-such-bucket' });
    await expect(store.put(key(PNG_BYTES, 'png'), PNG_BYTES)).rejects.toThrow(/S3 PutObject failed: HTTP 404 NoSuchBucket/);
  });
});

const ring = (raw: string): TPayloadKeys => parsePayloadKeys(raw).keys!;
const rawRow = async (k: string) =>
  (
    await db.handle.rows<{ content: Uint8Array; wrapping_key_id: string | null; wrapped_key: string | null }>(
      sql`select content, wrapping_key_id, wrapped_key from document_blobs where storage_key = ${k}`,
    )
  )[0];
/** Whether `needle` occurs anywhere in `hay`. */
const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

describe('documents encrypted at rest', () => {
  const k1 = newPayloadKeyEntry('d1');
  const k2 = newPayloadKeyEntry('d2');
  // A document with a recognisable text inside (what an ID copy's bytes would give away).
  const secret = Uint8Array.from([...PDF_BYTES, ...Buffer.from('Passport of Zhang Wei, born 1990-01-01')]);

  it('the bytes in PostgreSQL are not the plaintext; the store reads them back; the same key with another PAYLOAD_KEYS ring does not open', async () => {
    const store = new PostgresDocumentStore(db.handle, ring(k1));
    const k = key(secret, 'pdf');
    await store.put(k, secret);
    const row = (await rawRow(k))!;
    expect(row.wrapping_key_id).toBe('d1');
    expect(row.wrapped_key).toBeTruthy();
    expect(contains(row.content, Buffer.from('Zhang Wei'))).toBe(false);
    expect(contains(row.content, PDF_BYTES)).toBe(false);
    expect(Buffer.compare((await store.get(k))!, Buffer.from(secret))).toBe(0);
    // Without the wrapping key (another ring, or none) the blob does not open.
    await expect(new PostgresDocumentStore(db.handle, ring(k2)).get(k)).rejects.toThrow(/wrapped by 'd1'/);
    await expect(new PostgresDocumentStore(db.handle).get(k)).rejects.toThrow(/wrapped by 'd1'/);
    // A ciphertext moved under another storage key fails its check (the key is associated data).
    const other = key(PNG_BYTES, 'png');
    await db.handle.rows(sql`insert into document_blobs (storage_key, content, size, wrapping_key_id, wrapped_key)
      values (${other}, ${row.content}, 1, ${row.wrapping_key_id}, ${row.wrapped_key})`);
    await expect(store.get(other)).rejects.toThrow();
    await store.delete(other);
    await store.delete(k);
  });

  it('plain rows from before still read; rotation encrypts them and re-wraps document keys under the new key, so the old key can go', async () => {
    const plainStore = new PostgresDocumentStore(db.handle);
    const legacy = key(JPEG_BYTES, 'jpg');
    const sealed = key(secret, 'pdf');
    await plainStore.delete(legacy);
    await plainStore.put(legacy, JPEG_BYTES);
    expect((await rawRow(legacy))!.wrapped_key).toBeNull();
    const before = new PostgresDocumentStore(db.handle, ring(k1));
    await before.put(sealed, secret);
    // Encrypting store, plain row: read as it is.
    expect(Buffer.compare((await before.get(legacy))!, Buffer.from(JPEG_BYTES))).toBe(0);
    const sealedContent = (await rawRow(sealed))!.content;

    // Rotation with d2 first: the plain row is encrypted, the d1 document key re-wrapped (content unchanged).
    const both = ring(`${k2},${k1}`);
    const out = await rotate(both, new DataKeys(db.handle, both), new PostgresDocumentStore(db.handle, both), db.handle);
    expect(out).toMatch(/documents: 1 encrypted \(were plain\), 1 key\(s\) re-wrapped under 'd2'/);
    expect(out).toMatch(/no data key or document needs an older key any more/);
    expect((await rawRow(legacy))!).toMatchObject({ wrapping_key_id: 'd2' });
    expect(contains((await rawRow(legacy))!.content, JPEG_BYTES)).toBe(false);
    expect((await rawRow(sealed))!.wrapping_key_id).toBe('d2');
    expect(Buffer.compare(Buffer.from((await rawRow(sealed))!.content), Buffer.from(sealedContent))).toBe(0);

    // d2 alone opens both; a second run has nothing to do.
    const after = new PostgresDocumentStore(db.handle, ring(k2));
    expect(Buffer.compare((await after.get(legacy))!, Buffer.from(JPEG_BYTES))).toBe(0);
    expect(Buffer.compare((await after.get(sealed))!, Buffer.from(secret))).toBe(0);
    expect(await after.rotate()).toMatchObject({ encrypted: 0, rewrapped: 0 });
    await after.delete(legacy);
    await after.delete(sealed);
  });
});

describe('rotation of the documents in S3 (DOCUMENT_STORE=s3)', () => {
  const ROTATION_BUCKET = 'hwe-rotation';
  const a = newPayloadKeyEntry('s3a');
  const b = newPayloadKeyEntry('s3b');
  const inBucket = (keys?: TPayloadKeys) => new S3DocumentStore({ ...s3Settings(), bucket: ROTATION_BUCKET, ring: keys });
  const raw = (k: string) => s3.object(ROTATION_BUCKET, k);
  // Recognisable text inside each document (what an ID copy's bytes would give away).
  const sealedDoc = Uint8Array.from([...PDF_BYTES, ...Buffer.from('Passport of Li Na, born 1988-05-05')]);
  const plainDoc = Uint8Array.from([...JPEG_BYTES, ...Buffer.from('Diploma of Wang Fang')]);
  const sealed = key(sealedDoc, 'pdf');
  const plain = key(plainDoc, 'jpg');
  // Not a storage key: something else kept in the bucket, which rotation must not touch.
  const foreign = 'notes/readme.txt';
  const rotateScript = (payloadKeys: string) =>
    runScript('scripts/rotate-keys.ts', { DATABASE_URL: db.url, PAYLOAD_KEYS: payloadKeys, DATA_DIR: dir, ...s3.env(ROTATION_BUCKET) });

  beforeAll(async () => {
    await s3.createBucket(ROTATION_BUCKET);
  });

  it('npm run keys:rotate encrypts plain objects and re-wraps keys under the new key, so the new key alone reads the bucket; a second run changes nothing', async () => {
    await inBucket(ring(a)).put(sealed, sealedDoc);
    await inBucket().put(plain, plainDoc); // as stored before encryption
    await inBucket().put(foreign, Buffer.from('Wang Fang'));
    const before = await raw(sealed);
    expect(before.meta['x-amz-meta-wrapping-key-id']).toBe('s3a');
    expect(contains((await raw(plain)).bytes, Buffer.from('Wang Fang'))).toBe(true);
    // Before the rotation, b alone cannot open the document sealed under a.
    await expect(inBucket(ring(b)).get(sealed)).rejects.toThrow(/wrapped by 's3a'/);

    const out = await rotateScript(`${b},${a}`);
    expect(out).toMatch(/documents in the S3 bucket: 1 encrypted \(were plain\), 1 key\(s\) re-wrapped under 's3b'/);
    expect(out).toContain('S3 documents per wrapping key: {"s3b":2} (and 1 other object(s), not documents, left alone)');
    expect(out).toMatch(/no data key or document needs an older key any more/);

    // The bucket holds ciphertext only, both keys wrapped by b; the re-wrapped one's ciphertext is untouched.
    const [afterSealed, afterPlain] = await Promise.all([raw(sealed), raw(plain)]);
    for (const o of [afterSealed, afterPlain]) {
      expect(o.meta['x-amz-meta-wrapping-key-id']).toBe('s3b');
      expect(contains(o.bytes, Buffer.from('Li Na'))).toBe(false);
      expect(contains(o.bytes, Buffer.from('Wang Fang'))).toBe(false);
      expect(contains(o.bytes, JPEG_BYTES)).toBe(false);
      expect(contains(o.bytes, PDF_BYTES)).toBe(false);
    }
    expect(Buffer.compare(afterSealed.bytes, before.bytes)).toBe(0);
    expect(afterSealed.meta['x-amz-meta-wrapped-key']).not.toBe(before.meta['x-amz-meta-wrapped-key']);
    // A ring holding only b reads both back, byte for byte; the foreign object is as it was.
    const onlyB = inBucket(ring(b));
    expect(Buffer.compare((await onlyB.get(sealed))!, Buffer.from(sealedDoc))).toBe(0);
    expect(Buffer.compare((await onlyB.get(plain))!, Buffer.from(plainDoc))).toBe(0);
    expect(await raw(foreign)).toEqual({ bytes: Buffer.from('Wang Fang'), meta: {} });

    const again = await rotateScript(`${b},${a}`);
    expect(again).toMatch(/documents in the S3 bucket: 0 encrypted \(were plain\), 0 key\(s\) re-wrapped under 's3b'/);
    expect(Buffer.compare((await raw(sealed)).bytes, afterSealed.bytes)).toBe(0);
    expect(Buffer.compare((await raw(plain)).bytes, afterPlain.bytes)).toBe(0);
  });

  it('follows the listing page by page (continuation tokens), past the first page', async () => {
    const c = newPayloadKeyEntry('s3c');
    const third = key(PNG_BYTES, 'png');
    await inBucket(ring(b)).put(third, PNG_BYTES);
    // Three documents and the foreign object, one per page.
    const store = inBucket(ring(`${c},${b}`));
    expect(await store.rotate(1)).toEqual({ encrypted: 0, rewrapped: 3, remaining: { s3c: 3 }, others: 1 });
    expect(await store.rotate(1)).toEqual({ encrypted: 0, rewrapped: 0, remaining: { s3c: 3 }, others: 1 });
    const onlyC = inBucket(ring(c));
    for (const [k, bytes] of [
      [sealed, sealedDoc],
      [plain, plainDoc],
      [third, PNG_BYTES],
    ] as const) {
      expect((await raw(k)).meta['x-amz-meta-wrapping-key-id']).toBe('s3c');
      expect(Buffer.compare((await onlyC.get(k))!, Buffer.from(bytes))).toBe(0);
    }
  });

  it('without PAYLOAD_KEYS there is nothing to rotate to', async () => {
    await expect(inBucket().rotate()).rejects.toThrow(/no PAYLOAD_KEYS/);
  });
});

describe('importing DOCUMENTS_DIR', () => {
  it('imports files named by their hash, skips the rest, and is idempotent (function and npm script)', async () => {
    const pdf = key(PDF_BYTES, 'pdf');
    const jpg = key(JPEG_BYTES, 'jpg');
    writeFileSync(path.join(dir, pdf), PDF_BYTES);
    writeFileSync(path.join(dir, jpg), JPEG_BYTES);
    writeFileSync(path.join(dir, key(PNG_BYTES, 'png')), PDF_BYTES); // bytes that do not match the name
    writeFileSync(path.join(dir, '.0b6f.tmp'), 'half an upload');
    const store = new PostgresDocumentStore(db.handle);
    await store.put(jpg, JPEG_BYTES);

    const r = await importDocumentsDir(dir, store);
    expect(r.imported).toEqual([pdf]);
    expect(r.alreadyThere).toEqual([jpg]);
    expect(r.skipped.sort()).toEqual(['.0b6f.tmp', key(PNG_BYTES, 'png')].sort());
    expect(Buffer.compare((await store.get(pdf))!, Buffer.from(PDF_BYTES))).toBe(0);
    expect(await store.get(key(PNG_BYTES, 'png'))).toBeNull();

    const out = await runScript('scripts/import-documents.ts', { DATABASE_URL: db.url, DOCUMENTS_DIR: dir });
    expect(out).toMatch(/0 imported, 2 already stored, 2 skipped/);
    expect(await blobs()).toBe(2);
  });

  it('imports into S3 with DOCUMENT_STORE=s3 (npm script), idempotently', async () => {
    const importDir = mkdtempSync(path.join(os.tmpdir(), 'hwe-docs-s3-'));
    try {
      const png = key(PNG_BYTES, 'png');
      writeFileSync(path.join(importDir, png), PNG_BYTES);
      const run = () => runScript('scripts/import-documents.ts', { DATABASE_URL: db.url, DOCUMENTS_DIR: importDir, ...s3.env(BUCKET) });
      expect(await run()).toMatch(/1 imported, 0 already stored, 0 skipped/);
      expect(await run()).toMatch(/0 imported, 1 already stored, 0 skipped/);
      expect(await s3.keys(BUCKET)).toEqual([png]);
      expect(Buffer.compare((await new S3DocumentStore(s3Settings()).get(png))!, Buffer.from(PNG_BYTES))).toBe(0);
      await new S3DocumentStore(s3Settings()).delete(png);
    } finally {
      rmSync(importDir, { recursive: true, force: true });
    }
  });

  it('a directory that does not exist imports nothing', async () => {
    expect(await importDocumentsDir(path.join(dir, 'nope'), new PostgresDocumentStore(db.handle))).toEqual({ imported: [], alreadyThere: [], skipped: [] });
  });
});
