/**
 * OpenID Connect single sign-on with openid-client: authorization code flow with PKCE
 * (S256), state and nonce. The provider's metadata is discovered on first use and kept;
 * a failed discovery is retried by the next sign-in, so the API starts while the IdP is
 * away. The ID token's signature, issuer, audience, expiry and nonce are checked by the
 * library, never by hand.
 */
import * as client from 'openid-client';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../temporal.config';

export const OIDC_SCOPE = 'openid email profile';
/** How long a person may take at the identity provider. */
export const OIDC_ATTEMPT_TTL_MS = 10 * 60_000;

export interface TOidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
}

export function oidcSettings(config: Config): TOidcSettings | undefined {
  if (!config.OIDC_ISSUER_URL || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) return undefined;
  return { issuer: new URL(config.OIDC_ISSUER_URL), clientId: config.OIDC_CLIENT_ID, clientSecret: config.OIDC_CLIENT_SECRET };
}

export const redirectUri = (config: Config) => `${config.publicUrl}/auth/callback`;

const discovered = new WeakMap<FastifyInstance, Promise<client.Configuration>>();

/** The client configuration for this app's identity provider (discovered once). */
export function oidcClient(app: FastifyInstance, settings: TOidcSettings): Promise<client.Configuration> {
  let p = discovered.get(app);
  if (!p) {
    // http:// is accepted only for loopback issuers (temporal.config.ts), i.e. a local test provider.
    const insecure = settings.issuer.protocol === 'http:';
    p = client.discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, {
      timeout: 10,
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
    });
    discovered.set(app, p);
    p.catch(() => discovered.delete(app));
  }
  return p;
}

export interface TOidcAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function authorizationUrl(config: client.Configuration, appConfig: Config, attempt: TOidcAttempt): Promise<URL> {
  return client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(appConfig),
    scope: OIDC_SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(attempt.codeVerifier),
    code_challenge_method: 'S256',
    state: attempt.state,
    nonce: attempt.nonce,
  });
}

export function newAttempt(): TOidcAttempt {
  return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
}

export type TOidcIdentity = { email: string | undefined; emailVerified: boolean; subject: string };

/**
 * Finishes the code flow for the callback URL and returns who the person is. Throws
 * openid-client's errors for a wrong state, a spent or foreign code, a bad ID token.
 * E-mail comes from the ID token, else from the UserInfo endpoint (some providers put it
 * only there); `email_verified` must be true (boolean, or the string some providers send).
 */
export async function finishSignIn(config: client.Configuration, callbackUrl: URL, attempt: TOidcAttempt): Promise<TOidcIdentity> {
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: attempt.codeVerifier,
    expectedState: attempt.state,
    expectedNonce: attempt.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('no ID token in the token response');
  let email = typeof claims.email === 'string' ? claims.email : undefined;
  let verified: unknown = claims.email_verified;
  if (email === undefined) {
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    email = typeof info.email === 'string' ? info.email : undefined;
    verified = info.email_verified;
  }
  return { email: email?.toLowerCase(), emailVerified: verified === true || verified === 'true', subject: claims.sub };
}
