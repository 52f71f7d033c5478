import { describe, expect, it } from 'vitest';
import { parseSignatureHeader, signWebhook, verifyWebhookSignature } from '../../activities/webhooks';

const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"id":"evt","data":{"name":"李雷"}}';
const T = 1_700_000_000;
const AT_T = new Date(T * 1000);
// Computed independently: printf '1700000000.<body>' | openssl dgst -sha256 -hmac <secret>
const OPENSSL_HEX = '78de709f41e1d35b7a8796e1103f21a5a84308bec94e7029690f03c32af4367f';

describe('signWebhook', () => {
  it('is HMAC-SHA256(secret, t + "." + body) in hex, over the UTF-8 bytes', () => {
    expect(signWebhook(SECRET, T, BODY)).toBe(`t=${T},v1=${OPENSSL_HEX}`);
    expect(signWebhook(SECRET, T, Buffer.from(BODY, 'utf8'))).toBe(`t=${T},v1=${OPENSSL_HEX}`);
  });

  it('refuses a timestamp that is not unix seconds', () => {
    expect(() => signWebhook(SECRET, 1.5, BODY)).toThrow(RangeError);
    expect(() => signWebhook(SECRET, -1, BODY)).toThrow(RangeError);
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook(SECRET, T, BODY);

  it('accepts the exact body, as a string or as bytes', () => {
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, AT_T)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, new TextEncoder().encode(BODY), 300, AT_T)).toBe(true);
  });

  it('refuses a tampered body, another secret, or re-serialised JSON', () => {
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('evt', 'evu'), 300, AT_T)).toBe(false);
    expect(verifyWebhookSignature(`${SECRET}x`, header, BODY, 300, AT_T)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, JSON.stringify(JSON.parse(BODY), null, 1), 300, AT_T)).toBe(false);
  });

  it('refuses a signature outside the tolerance (replays), either side', () => {
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, new Date((T + 301) * 1000))).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, new Date((T - 301) * 1000))).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, new Date((T + 300) * 1000))).toBe(true);
  });

  it('refuses a moved timestamp (it is part of what is signed)', () => {
    const moved = header.replace(`t=${T}`, `t=${T + 1}`);
    expect(verifyWebhookSignature(SECRET, moved, BODY, 300, AT_T)).toBe(false);
  });

  it('refuses missing and malformed headers without throwing', () => {
    for (const bad of [undefined, null, '', 'v1=abc', `t=${T}`, `t=x,v1=${OPENSSL_HEX}`, `t=${T},v1=zz`, 'garbage', `t=${T},t=${T},v1=${OPENSSL_HEX}`]) {
      expect(verifyWebhookSignature(SECRET, bad, BODY, 300, AT_T)).toBe(false);
    }
  });

  it('accepts any of several v1 signatures (secret rotation) and ignores unknown schemes', () => {
    const other = 'a'.repeat(64);
    expect(verifyWebhookSignature(SECRET, `t=${T},v1=${other},v1=${OPENSSL_HEX},v0=zzz`, BODY, 300, AT_T)).toBe(true);
    expect(parseSignatureHeader(`t=${T},v1=${OPENSSL_HEX.toUpperCase()}`)?.signatures).toEqual([OPENSSL_HEX]);
  });
});
