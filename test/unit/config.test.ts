import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../temporal.config';

/** The ConfigError loadConfig throws for `env`; fails the test if it does not throw one. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The variables a ConfigError message names, one per line "  NAME: problem". */
function namedVariables(err: ConfigError): string[] {
  return [...err.message.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1] ?? "");
}

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: 3000,
      BODY_LIMIT_BYTES: 1_048_576,
      RATE_LIMIT_PER_MINUTE: 600,
      DATABASE_POOL_SIZE: 10,
      DATA_DIR: '.data',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'hiring',
      TEMPORAL_UI_PORT: 8233,
      TEMPORAL_RPC_TIMEOUT_MS: 5000,
      TEMPORAL_UPDATE_TIMEOUT_MS: 30000,
      MAIL_FROM: 'Hiring <hiring@example.com>',
      SEED_DEMO: false,
      WORKFLOW_STACK_TRACES: false,
      publicUrl: 'http://127.0.0.1:3000',
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.ADMIN_TOKEN).toBeUndefined();
    expect(c.SMS_GATEWAY_URL).toBeUndefined();
    expect(c.linkSigningSecret).toBeUndefined();
  });

  it('parses numbers and booleans from strings', () => {
    const c = loadConfig({ PORT: '8080', SEED_DEMO: 'yes', DATABASE_POOL_SIZE: '25' });
    expect(c.PORT).toBe(8080);
    expect(c.SEED_DEMO).toBe(true);
    expect(c.DATABASE_POOL_SIZE).toBe(25);
    expect(loadConfig({ WORKFLOW_STACK_TRACES: 'true' }).WORKFLOW_STACK_TRACES).toBe(true);
    expect(namedVariables(configError({ WORKFLOW_STACK_TRACES: 'on' }))).toEqual(['WORKFLOW_STACK_TRACES']);
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
  });

  it('derives publicUrl from PUBLIC_URL without a trailing slash, or from a reachable host', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://hire.example.com/' }).publicUrl).toBe(
      'https://hire.example.com',
    );
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '4000' }).publicUrl).toBe('http://127.0.0.1:4000');
  });

  it('reads TEMPORAL_UPDATE_TIMEOUT_MS (1 s to 120 s) apart from TEMPORAL_RPC_TIMEOUT_MS', () => {
    const c = loadConfig({ TEMPORAL_UPDATE_TIMEOUT_MS: '45000', TEMPORAL_RPC_TIMEOUT_MS: '2000' });
    expect(c.TEMPORAL_UPDATE_TIMEOUT_MS).toBe(45000);
    expect(c.TEMPORAL_RPC_TIMEOUT_MS).toBe(2000);
    for (const bad of ['999', '120001', 'soon', '1500.5']) {
      expect(namedVariables(configError({ TEMPORAL_UPDATE_TIMEOUT_MS: bad })), bad).toEqual(['TEMPORAL_UPDATE_TIMEOUT_MS']);
    }
  });

  it.each(['abc', '70000', '-1', '80.5'])('refuses PORT=%s naming PORT', (PORT) => {
    const err = configError({ PORT });
    expect(err.name).toBe('ConfigError');
    expect(namedVariables(err)).toEqual(['PORT']);
  });

  it('refuses a DATABASE_URL that is not postgres:// or postgresql://', () => {
    const err = configError({ DATABASE_URL: 'mysql://app@localhost:3306/app' });
    expect(namedVariables(err)).toEqual(['DATABASE_URL']);
    expect(err.message).toContain('postgres://');
  });

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@127.0.0.1:5432/app' }).DATABASE_URL).toBe(
      'postgres://app@127.0.0.1:5432/app',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@db/app' }).DATABASE_URL).toBe(
      'postgresql://app@db/app',
    );
  });

  it('refuses an ADMIN_TOKEN shorter than 24 characters', () => {
    const err = configError({ ADMIN_TOKEN: 'x'.repeat(23) });
    expect(namedVariables(err)).toEqual(['ADMIN_TOKEN']);
    expect(err.message).toContain('at least 24 characters');
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(24) }).ADMIN_TOKEN).toBe('x'.repeat(24));
  });

  it('parses WEBHOOK_ALLOWED_NETWORKS as CIDR ranges (none by default), naming a bad one', () => {
    expect(loadConfig({}).WEBHOOK_ALLOWED_NETWORKS).toEqual([]);
    expect(loadConfig({ WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8, fd00::/8' }).WEBHOOK_ALLOWED_NETWORKS.map((c) => c.text)).toEqual([
      '127.0.0.0/8',
      'fd00::/8',
    ]);
    const err = configError({ WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,10.0.0.1' });
    expect(namedVariables(err)).toEqual(['WEBHOOK_ALLOWED_NETWORKS']);
    expect(err.message).toContain('"10.0.0.1" is not a CIDR range');
  });

  it('refuses SMS_GATEWAY_URL without SMS_GATEWAY_KEY, naming the key', () => {
    const err = configError({ SMS_GATEWAY_URL: 'https://sms.example.com/send' });
    expect(namedVariables(err)).toEqual(['SMS_GATEWAY_KEY']);
    expect(err.message).toContain('SMS_GATEWAY_URL');
    expect(
      loadConfig({ SMS_GATEWAY_URL: 'https://sms.example.com/send', SMS_GATEWAY_KEY: 'k' }).SMS_GATEWAY_KEY,
    ).toBe('k');
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '', ADMIN_TOKEN: '', SEED_DEMO: '', HOST: '' });
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.ADMIN_TOKEN).toBeUndefined();
    expect(c.SEED_DEMO).toBe(false);
  });

  it('treats an empty SMS_GATEWAY_KEY as missing', () => {
    const err = configError({ SMS_GATEWAY_URL: 'https://sms.example.com/send', SMS_GATEWAY_KEY: '' });
    expect(namedVariables(err)).toEqual(['SMS_GATEWAY_KEY']);
  });

  it('lists every bad variable at once', () => {
    const err = configError({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x/y',
      ADMIN_TOKEN: 'short',
      TEMPORAL_ADDRESS: 'nohost',
    });
    expect(namedVariables(err).sort()).toEqual(['ADMIN_TOKEN', 'DATABASE_URL', 'PORT', 'TEMPORAL_ADDRESS']);
  });
});

describe('sign-in settings', () => {
  it('defaults: sessions idle 2 h and at most 12 h, no single sign-on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ SESSION_IDLE_TIMEOUT: 2 * 3_600_000, SESSION_MAX_AGE: 12 * 3_600_000, SIGN_IN_RATE_PER_MINUTE: 10 });
    expect(c.OIDC_ISSUER_URL).toBeUndefined();
  });

  it('parses lifetimes as <n>s/m/h/d', () => {
    expect(loadConfig({ SESSION_IDLE_TIMEOUT: '45m', SESSION_MAX_AGE: '1d' })).toMatchObject({ SESSION_IDLE_TIMEOUT: 45 * 60_000, SESSION_MAX_AGE: 86_400_000 });
  });

  it('names each bad lifetime, and an idle lifetime longer than the maximum', () => {
    expect(namedVariables(configError({ SESSION_IDLE_TIMEOUT: '2 hours', SESSION_MAX_AGE: '3bd' }))).toEqual(['SESSION_IDLE_TIMEOUT', 'SESSION_MAX_AGE']);
    expect(namedVariables(configError({ SESSION_IDLE_TIMEOUT: '30s' }))).toEqual(['SESSION_IDLE_TIMEOUT']);
    expect(namedVariables(configError({ SESSION_IDLE_TIMEOUT: '2d', SESSION_MAX_AGE: '1d' }))).toEqual(['SESSION_IDLE_TIMEOUT']);
  });

  it('takes OIDC settings all together, and names the missing ones of a partial set', () => {
    const full = { OIDC_ISSUER_URL: 'https://login.example.com/realms/acme', OIDC_CLIENT_ID: 'hiring', OIDC_CLIENT_SECRET: 's3cret' };
    expect(loadConfig(full)).toMatchObject(full);
    expect(namedVariables(configError({ OIDC_ISSUER_URL: full.OIDC_ISSUER_URL }))).toEqual(['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET']);
    expect(namedVariables(configError({ OIDC_CLIENT_ID: 'hiring', OIDC_CLIENT_SECRET: 's' }))).toEqual(['OIDC_ISSUER_URL']);
  });

  it('refuses an issuer that is not https, except on a loopback address', () => {
    const rest = { OIDC_CLIENT_ID: 'hiring', OIDC_CLIENT_SECRET: 's3cret' };
    expect(namedVariables(configError({ ...rest, OIDC_ISSUER_URL: 'http://login.example.com' }))).toEqual(['OIDC_ISSUER_URL']);
    expect(namedVariables(configError({ ...rest, OIDC_ISSUER_URL: 'not a url' }))).toEqual(['OIDC_ISSUER_URL']);
    expect(loadConfig({ ...rest, OIDC_ISSUER_URL: 'http://127.0.0.1:8080' }).OIDC_ISSUER_URL).toBe('http://127.0.0.1:8080');
  });
});
