import { describe, expect, it } from 'vitest';
import { messageKey, signToken, smtpMessageId, verifyToken } from '../../activities/notifications';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('signed tokens', () => {
  it('round-trips purpose, subject, expiry and version, in one URL-safe segment', () => {
    const token = signToken(SECRET, { purpose: 'offer', sub: 'app-1', exp: 2_000_000_000, v: 3 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyToken(SECRET, token, 'offer', 1_900_000_000_000)).toEqual({
      purpose: 'offer',
      sub: 'app-1',
      exp: 2_000_000_000,
      v: 3,
    });
  });

  it('refuses another purpose, another secret and an expired token', () => {
    const token = signToken(SECRET, { purpose: 'pixel', sub: 'm-1', exp: 1000 });
    expect(verifyToken(SECRET, token, 'offer', 999_000)).toBeNull();
    expect(verifyToken(`${SECRET}x`, token, 'pixel', 999_000)).toBeNull();
    expect(verifyToken(SECRET, token, 'pixel', 999_000)).not.toBeNull();
    expect(verifyToken(SECRET, token, 'pixel', 1_000_000)).toBeNull();
    expect(verifyToken(undefined, token, 'pixel', 999_000)).toBeNull();
  });

  it('refuses any tampering, including non-canonical spellings of the same bytes', () => {
    const token = signToken(SECRET, { purpose: 'pixel', sub: 'm-1' });
    for (let i = 0; i < token.length; i++) {
      for (const c of ['A', 'b', '_', '-']) {
        if (token[i] === c) continue;
        const t = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyToken(SECRET, t, 'pixel'), `changed char ${i}`).toBeNull();
      }
    }
    expect(verifyToken(SECRET, `${token}.`, 'pixel')).toBeNull();
    expect(verifyToken(SECRET, token.slice(0, -1), 'pixel')).toBeNull();
    expect(verifyToken(SECRET, '', 'pixel')).toBeNull();
    expect(verifyToken(SECRET, 'x'.repeat(5000), 'pixel')).toBeNull();
  });

  it('a forged payload with a MAC from another token does not verify', () => {
    const a = Buffer.from(signToken(SECRET, { purpose: 'pixel', sub: 'm-1' }), 'base64url');
    const forged = Buffer.concat([
      Buffer.from(JSON.stringify({ p: 'pixel', s: 'm-2' })),
      a.subarray(a.length - 32),
    ]);
    expect(verifyToken(SECRET, forged.toString('base64url'), 'pixel')).toBeNull();
  });
});

describe('message keys', () => {
  it('are deterministic and distinguish purpose, version and channel', () => {
    const k = messageKey('application-1', 'offer_sent', 2, 'email');
    expect(k).toBe(messageKey('application-1', 'offer_sent', 2, 'email'));
    expect(
      new Set([
        k,
        messageKey('application-1', 'offer_sent', 3, 'email'),
        messageKey('application-1', 'offer_sent', 2, 'sms'),
        messageKey('application-1', 'offer_reminder', 2, 'email'),
      ]).size,
    ).toBe(4);
  });

  it('give a stable Message-ID in the sender domain', () => {
    const id = smtpMessageId('k1', 'Hiring <hiring@acme.example>');
    expect(id).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
    expect(smtpMessageId('k1', 'hiring@acme.example')).toBe(id);
    expect(smtpMessageId('k2', 'hiring@acme.example')).not.toBe(id);
  });
});
