/** SHA-256 as lowercase hex: documents, letters, idempotency fingerprints. Shared by the API, activities and the seed. */
import { createHash } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
