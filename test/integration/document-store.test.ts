/**
 * Onboarding documents in PostgreSQL (db/document-store.ts), not on one replica's disk, and
 * the import of what earlier versions stored as files under DOCUMENTS_DIR
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
