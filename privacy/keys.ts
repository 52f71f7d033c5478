import { randomBytes } from 'node:crypto';

/** A new PAYLOAD_KEYS entry, `<id>:<base64 of 32 random bytes>` (npm start, tests, rotation). */
export function newPayloadKeyEntry(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
