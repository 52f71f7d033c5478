/**
 * Onboarding documents in PostgreSQL (db/document-store.ts), not on one replica's disk,
 * encrypted at rest with PAYLOAD_KEYS (plain rows from before still read; rotation encrypts
 * them and re-wraps document keys), and the import of what earlier versions stored as files under DOCUMENTS_DIR
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
import { importDocumentsDir, PostgresDocumentStore } from '../../db/document-store';
import { DataKeys } from '../../privacy/data-keys';
import { newPayloadKeyEntry } from '../../privacy/keys';
import { parsePayloadKeys, type TPayloadKeys } from '../../temporal.config';
import { rotate } from '../../scripts/rotate-keys';
import { createTestDb, type TestDb } from '../helpers/db';
import { JPEG_BYTES, PDF_BYTES, PNG_BYTES } from '../helpers/multipart';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let db: TestDb;
let dir: string;
const key = (bytes: Uint8Array, ext: string) => `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
const blobs = async () => (await db.handle.rows<{ n: number }>(sql`select count(*)::int as n from document_blobs`))[0]!.n;

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'hwe-docs-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

describe('PostgreSQL document store', () => {
  it('stores, reads back and deletes by key; the same bytes twice are one blob', async () => {
    const store = new PostgresDocumentStore(db.handle);
    const k = key(PNG_BYTES, 'png');
    expect(await store.get(k)).toBeNull();
    await store.put(k, PNG_BYTES);
    await store.put(k, PNG_BYTES);
    expect(await blobs()).toBe(1);
    expect(Buffer.compare((await store.get(k))!, Buffer.from(PNG_BYTES))).toBe(0);
    await store.delete(k);
    expect(await store.get(k)).toBeNull();
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
    const out = await rotate(both, new DataKeys(db.handle, both), new PostgresDocumentStore(db.handle, both));
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

    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import-documents.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, DOCUMENTS_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/0 imported, 2 already stored, 2 skipped/);
    expect(await blobs()).toBe(2);
  });

  it('a directory that does not exist imports nothing', async () => {
    expect(await importDocumentsDir(path.join(dir, 'nope'), new PostgresDocumentStore(db.handle))).toEqual({ imported: [], alreadyThere: [], skipped: [] });
  });
});
