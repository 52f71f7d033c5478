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

export function documentKeyOf(ring: TPayloadKeys | undefined, key: string, row: SealedBlob): Buffer {
  const wrapping = ring?.keys.get(row.wrappingKeyId!);
  if (!wrapping) throw new Error(`document ${key} is wrapped by '${row.wrappingKeyId}', which PAYLOAD_KEYS does not list`);
  return open(wrapping, wrapLabel(key), Buffer.from(row.wrappedKey!, 'base64'));
}

/**
 * Rotation of one stored object (npm run keys:rotate): a plain one is sealed, one under an
 * older PAYLOAD_KEYS entry has its key re-wrapped by the active one (its content stays as
 * sealed, under the same document key); undefined when it is already under the active key.
 */
export function rotatedBlob(ring: TPayloadKeys, key: string, row: SealedBlob): { set: Partial<SealedBlob>; encrypted: boolean } | undefined {
  if (!row.wrappedKey) return { set: sealBlob(ring, key, row.content), encrypted: true };
  if (row.wrappingKeyId === ring.activeId) return undefined;
  const wrappedKey = seal(ring.keys.get(ring.activeId)!, wrapLabel(key), documentKeyOf(ring, key, row)).toString('base64');
  return { set: { wrappingKeyId: ring.activeId, wrappedKey }, encrypted: false };
}

export function openBlob(ring: TPayloadKeys | undefined, key: string, row: SealedBlob): Buffer {
  if (!row.wrappedKey) return Buffer.from(row.content);
  return open(documentKeyOf(ring, key, row), contentLabel(key), row.content);
}

