/**
 * Webhook signatures (API.md): `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`,
 * computed over the exact bytes of the body that is sent. Pure: receivers and tests use
 * `verifyWebhookSignature` as is.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';
/** How far a signature's timestamp may be from the receiver's clock (replay window). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

type TBody = string | Uint8Array;

const bytesOf = (body: TBody): Buffer =>
  typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

function hmacHex(secret: string, timestamp: number, body: TBody): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(bytesOf(body)).digest('hex');
}

const assertUnixSeconds = (timestamp: number) => {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp must be unix seconds');
};

/**
 * The X-Signature header value for `body` sent at `timestamp` (unix seconds): one v1 per
 * secret, the current one first (two while a rotated-out secret still signs).
 */
export function signWebhook(secret: string | readonly string[], timestamp: number, body: TBody): string {
  assertUnixSeconds(timestamp);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmacHex(s, timestamp, body)}`)].join(',');
}

/** Standard Webhooks header names (https://www.standardwebhooks.com). */
export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/**
 * The Standard Webhooks `webhook-signature` value: `v1,<base64 HMAC-SHA256(key, id + "." +
 * timestamp + "." + body)>` per secret, space-separated. The key is the registration
 * secret taken as a raw secret, one byte per character, which is what the
 * `standardwebhooks` package does with `new Webhook(secret, { format: 'raw' })`.
 */
export function signStandardWebhook(secret: string | readonly string[], msgId: string, timestamp: number, body: TBody): string {
  assertUnixSeconds(timestamp);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return secrets
    .map((s) => {
      const mac = createHmac('sha256', Buffer.from(s, 'latin1')).update(`${msgId}.${timestamp}.`, 'utf8').update(bytesOf(body));
      return `v1,${mac.digest('base64')}`;
    })
    .join(' ');
}

/** Parses `t=<n>,v1=<hex>[,v1=<hex>...]`; null when malformed. */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't') {
      if (!/^\d{1,12}$/.test(v) || timestamp !== undefined) return null;
      timestamp = Number(v);
    } else if (k === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(v)) return null;
      signatures.push(v.toLowerCase());
    }
    // Unknown schemes are ignored, so a later v2 can be added beside v1.
  }
  return timestamp === undefined || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * True when `header` carries a v1 signature of `body` by `secret`, made within
 * `toleranceSeconds` of `now`. Pass the raw body bytes as received, before any JSON parsing.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  body: TBody,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  now: Date = new Date(),
): boolean {
  if (!header) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - parsed.timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, parsed.timestamp, body), 'hex');
  return parsed.signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}
