import { randomBytes } from 'node:crypto';
import { open, seal } from '../privacy/aead';
import type { TPayloadKeys } from '../temporal.config';

/**
 * Encryption at rest (docs/personal-data.md, "Documents at rest"): each blob is sealed
 * (AES-256-GCM, the storage key as associated data) with a random key of its own, and
 * that key is stored beside it wrapped by the active PAYLOAD_KEYS entry. Why a key per
 * document and not the application's data key: blobs are content-addressed and may be
 * shared by rows of several applications; deleting the blob at erasure deletes its only
 * key with it. Without `ring` (PAYLOAD_KEYS unset: tests of old behaviour) blobs are
 * stored plain; rows with no wrapped key are read as plain (stored before encryption).
 * Both drivers seal the same way: PostgreSQL keeps the wrapped key in columns beside the
 * blob, S3 in the object's metadata.
 */
/** A storage key as uploads make them: the content's SHA-256 and the type's extension. */
export const STORAGE_KEY = /^([0-9a-f]{64})\.(pdf|jpg|png)$/;

export const contentLabel = (key: string) => `document:${key}`;
export const wrapLabel = (key: string) => `document-key:${key}`;

export interface SealedBlob {
  content: Uint8Array;
  wrappingKeyId: string | null;
  wrappedKey: string | null;
}

export function sealBlob(ring: TPayloadKeys, key: string, bytes: Uint8Array): SealedBlob {
  const documentKey = randomBytes(32);
  return {
    content: new Uint8Array(seal(documentKey, contentLabel(key), bytes)),
    wrappingKeyId: ring.activeId,
    wrappedKey: seal(ring.keys.get(ring.activeId)!, wrapLabel(key), documentKey).toString('base64'),
  };
}

/** The fields that say how a blob's key is kept: by which PAYLOAD_KEYS entry, and wrapped how (both null: plain). */
export type BlobKey = Pick<SealedBlob, 'wrappingKeyId' | 'wrappedKey'>;

export function documentKeyOf(ring: TPayloadKeys | undefined, key: string, row: BlobKey): Buffer {
  const wrapping = ring?.keys.get(row.wrappingKeyId!);
  if (!wrapping) throw new Error(`document ${key} is wrapped by '${row.wrappingKeyId}', which PAYLOAD_KEYS does not list`);
  return open(wrapping, wrapLabel(key), Buffer.from(row.wrappedKey!, 'base64'));
}

/**
 * The one rotation rule, for every driver (npm run keys:rotate): a plain blob is to be
 * encrypted, one whose key is wrapped by an older PAYLOAD_KEYS entry re-wrapped, one under
 * the active key left alone (undefined). It reads only the key fields, so a store can
 * decide before fetching the content (which only `encrypt` needs).
 */
export function rotationOf(ring: TPayloadKeys, row: BlobKey): 'encrypt' | 'rewrap' | undefined {
  if (!row.wrappedKey) return 'encrypt';
  return row.wrappingKeyId === ring.activeId ? undefined : 'rewrap';
}

/** The same document key wrapped by the active PAYLOAD_KEYS entry: the content stays as sealed. */
export function rewrappedKey(ring: TPayloadKeys, key: string, row: BlobKey): BlobKey {
  return { wrappingKeyId: ring.activeId, wrappedKey: seal(ring.keys.get(ring.activeId)!, wrapLabel(key), documentKeyOf(ring, key, row)).toString('base64') };
}

/**
 * Rotation of one stored object (npm run keys:rotate): a plain one is sealed, one under an
 * older PAYLOAD_KEYS entry has its key re-wrapped by the active one (its content stays as
 * sealed, under the same document key); undefined when it is already under the active key.
 */
export function rotatedBlob(ring: TPayloadKeys, key: string, row: SealedBlob): { set: Partial<SealedBlob>; encrypted: boolean } | undefined {
  const rotation = rotationOf(ring, row);
  if (rotation === 'encrypt') return { set: sealBlob(ring, key, row.content), encrypted: true };
  if (rotation === 'rewrap') return { set: rewrappedKey(ring, key, row), encrypted: false };
  return undefined;
}

export function openBlob(ring: TPayloadKeys | undefined, key: string, row: SealedBlob): Buffer {
  if (!row.wrappedKey) return Buffer.from(row.content);
  return open(documentKeyOf(ring, key, row), contentLabel(key), row.content);
}

