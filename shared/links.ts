/**
 * Signed tokens for the links people are sent (tracking pixel, offer page, portal). The
 * worker signs them and the API verifies them: this module is shared by both.
 *
 * Format: one base64url segment holding `payload JSON || HMAC-SHA256(secret, payload JSON)`
 * (the last 32 bytes). One segment and no dots, so the token drops straight into paths
 * like `/t/<token>.gif`. A token verifies only with the same secret, for the purpose it
 * was signed for, before its expiry, and only in its canonical encoding.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What each kind of link may be used for. */
export const PIXEL_PURPOSE = 'pixel';
export const OFFER_TOKEN_PURPOSE = 'offer';
export const PORTAL_TOKEN_PURPOSE = 'portal';

export interface TTokenPayload {
  /** What the token may be used for, e.g. 'pixel' or 'offer'. */
  purpose: string;
  /** The subject: a message id, an application id... */
  sub: string;
  /** Expiry, unix seconds; absent: does not expire. */
  exp?: number;
  /** A version the subject must still be at (e.g. the offer version the link was sent for). */
  v?: number;
}

const MAC_BYTES = 32;
const MAX_TOKEN_CHARS = 2048;

interface WirePayload {
  p: string;
  s: string;
  e?: number;
  v?: number;
}

function mac(secret: string, data: Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

export function signToken(secret: string, payload: TTokenPayload): string {
  if (!secret) throw new Error('signToken: the signing secret is empty');
  if (!payload.purpose || !payload.sub) throw new Error('signToken: purpose and sub are required');
  const wire: WirePayload = { p: payload.purpose, s: payload.sub };
  if (payload.exp !== undefined) wire.e = Math.floor(payload.exp);
  if (payload.v !== undefined) wire.v = payload.v;
  const body = Buffer.from(JSON.stringify(wire), 'utf8');
  return Buffer.concat([body, mac(secret, body)]).toString('base64url');
}

/**
 * The payload, or null when the token is malformed, tampered with, signed with another
 * secret, meant for another purpose, or expired. Never throws on bad input.
 */
export function verifyToken(
  secret: string | undefined,
  token: string,
  purpose: string,
  now: Date | number = Date.now(),
): TTokenPayload | null {
  if (!secret || typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS)
    return null;
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  // Buffer ignores the spare bits of the last character; insist on the one canonical spelling.
  if (raw.toString('base64url') !== token || raw.length <= MAC_BYTES) return null;
  const body = raw.subarray(0, raw.length - MAC_BYTES);
  const given = raw.subarray(raw.length - MAC_BYTES);
  if (!timingSafeEqual(mac(secret, body), given)) return null;

  let wire: unknown;
  try {
    wire = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof wire !== 'object' || wire === null) return null;
  const { p, s, e, v } = wire as Partial<WirePayload>;
  if (typeof p !== 'string' || typeof s !== 'string') return null;
  if (e !== undefined && typeof e !== 'number') return null;
  if (v !== undefined && typeof v !== 'number') return null;
  if (p !== purpose) return null;
  const nowSeconds = Math.floor((typeof now === 'number' ? now : now.getTime()) / 1000);
  if (e !== undefined && nowSeconds >= e) return null;

  const payload: TTokenPayload = { purpose: p, sub: s };
  if (e !== undefined) payload.exp = e;
  if (v !== undefined) payload.v = v;
  return payload;
}

/** The open-tracking pixel URL served by `GET /t/:token.gif`. */
export function pixelUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/t/${token}.gif`;
}
