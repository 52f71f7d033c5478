/** Settings for running beyond one machine: parsed in temporal.config.ts, bad values named. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalConnectionOptions } from '../../ops/temporal-connection';
import { ConfigError, loadConfig } from '../../temporal.config';
import { makePki, type TestPki } from '../helpers/tls';

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('load shedding settings', () => {
  it('default to an event-loop limit only', () => {
    const c = loadConfig({});
    expect(c.PRESSURE_MAX_EVENT_LOOP_DELAY_MS).toBe(1000);
    expect([c.PRESSURE_MAX_EVENT_LOOP_UTILIZATION, c.PRESSURE_MAX_HEAP_USED_BYTES, c.PRESSURE_MAX_RSS_BYTES]).toEqual([0, 0, 0]);
    expect(c.PRESSURE_RETRY_AFTER_SECONDS).toBe(10);
  });

  it('name each bad value', () => {
    const msg = fails({ PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '1.5', PRESSURE_MAX_HEAP_USED_BYTES: '-1', PRESSURE_RETRY_AFTER_SECONDS: '0', PRESSURE_MAX_RSS_BYTES: 'lots' });
    for (const v of ['PRESSURE_MAX_EVENT_LOOP_UTILIZATION', 'PRESSURE_MAX_HEAP_USED_BYTES', 'PRESSURE_RETRY_AFTER_SECONDS', 'PRESSURE_MAX_RSS_BYTES']) expect(msg).toContain(v);
  });
});

describe('METRICS_BIND', () => {
  it('is host:port', () => {
    expect(loadConfig({ METRICS_BIND: '0.0.0.0:9464' }).METRICS_BIND).toBe('0.0.0.0:9464');
    expect(fails({ METRICS_BIND: '9464' })).toMatch(/METRICS_BIND: must be host:port/);
  });
});

describe('Temporal TLS settings', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makePki('temporal.example.internal');
  });
  afterAll(() => pki.remove());

  it('plaintext by default: the address only', () => {
    const c = loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(c.temporalTls).toBeUndefined();
    expect(temporalConnectionOptions(c)).toEqual({ address: 'temporal:7233' });
  });

  it('TEMPORAL_TLS=true: TLS with the system trust store', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' }))).toEqual({ address: '127.0.0.1:7233', tls: {} });
  });

  it('an API key implies TLS and travels with the options', () => {
    const o = temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-123' }));
    expect(o).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'key-123' });
  });

  it('mTLS: the CA, the client pair and the server name, read from their files', () => {
    const c = loadConfig({
      TEMPORAL_TLS_CA_PATH: pki.caPath,
      TEMPORAL_TLS_CERT_PATH: pki.clientCertPath,
      TEMPORAL_TLS_KEY_PATH: pki.clientKeyPath,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example.internal',
    });
    expect(c.temporalTls?.serverNameOverride).toBe('temporal.example.internal');
    expect(c.temporalTls?.serverRootCACertificate?.toString()).toContain('BEGIN CERTIFICATE');
    expect(c.temporalTls?.clientCertPair?.crt.toString()).toContain('BEGIN CERTIFICATE');
    expect(c.temporalTls?.clientCertPair?.key.toString()).toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  });

  it('a certificate without its key (or a key alone) names the missing one', () => {
    expect(fails({ TEMPORAL_TLS_CERT_PATH: pki.clientCertPath })).toMatch(/TEMPORAL_TLS_KEY_PATH: required with TEMPORAL_TLS_CERT_PATH/);
    expect(fails({ TEMPORAL_TLS_KEY_PATH: pki.clientKeyPath })).toMatch(/TEMPORAL_TLS_CERT_PATH: required with TEMPORAL_TLS_KEY_PATH/);
  });

  it('a missing file, or a file holding the wrong thing, is named', () => {
    expect(fails({ TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' })).toMatch(/TEMPORAL_TLS_CA_PATH: cannot read \/nonexistent\/ca.pem \(no such file\)/);
    expect(fails({ TEMPORAL_TLS_CA_PATH: pki.clientKeyPath })).toMatch(/TEMPORAL_TLS_CA_PATH: .* holds no PEM certificate/);
    expect(fails({ TEMPORAL_TLS_CERT_PATH: pki.clientCertPath, TEMPORAL_TLS_KEY_PATH: pki.clientCertPath })).toMatch(
      /TEMPORAL_TLS_KEY_PATH: .* holds no PEM private key/,
    );
  });

  it('TEMPORAL_TLS=false with TLS files or an API key is a contradiction', () => {
    expect(fails({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key-123' })).toMatch(/TEMPORAL_TLS: false, but/);
    expect(fails({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_PATH: pki.caPath })).toMatch(/TEMPORAL_TLS: false, but/);
    expect(fails({ TEMPORAL_TLS: 'maybe' })).toMatch(/TEMPORAL_TLS/);
  });
});
