import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../api/server';

describe('redactUrl: no credential reaches the access log', () => {
  it('hides sign-in link tokens, and the code and state of the OIDC callback', () => {
    expect(redactUrl('/auth/email-link/frNM7S4EjRs7Gs4O')).toBe('/auth/email-link/[redacted]');
    expect(redactUrl('/auth/callback?code=abc&state=def&iss=https%3A%2F%2Fidp')).toBe('/auth/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp');
    expect(redactUrl('/auth/callback?co%64e=abc')).toBe('/auth/callback?co%64e=[redacted]');
  });

  it('still hides candidate tokens and leaves other URLs alone', () => {
    expect(redactUrl('/offers/tok123?x=1')).toBe('/offers/[redacted]?x=1');
    expect(redactUrl('/v1/candidate/offer?token=abc')).toBe('/v1/candidate/offer?token=[redacted]');
    expect(redactUrl('/v1/me/sessions')).toBe('/v1/me/sessions');
  });
});
