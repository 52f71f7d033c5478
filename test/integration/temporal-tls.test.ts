/**
 * Temporal over mTLS, as a self-hosted cluster behind TLS or Temporal Cloud would need:
 * the shared dev server behind a proxy that terminates TLS and demands a client
 * certificate from a private CA. The API's client (connectTemporal) and the worker's
 * NativeConnection connect with the settings alone; without the certificate, with a
 * stranger's, or with the wrong server name they do not.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { NativeConnection } from '@temporalio/worker';
import { connectTemporal } from '../../api/server';
import { temporalConnectionOptions } from '../../ops/temporal-connection';
import { loadConfig } from '../../temporal.config';
import { makePki, startMtlsProxy, type TestPki, type TlsProxy } from '../helpers/tls';

const SERVER_NAME = 'temporal.hiring.internal';
let pki: TestPki;
let proxy: TlsProxy;

beforeAll(async () => {
  pki = makePki(SERVER_NAME);
  const [host, port] = inject('temporalAddress').split(':');
  proxy = await startMtlsProxy(pki, { host: host!, port: Number(port) });
});

afterAll(async () => {
  await proxy?.close();
  pki?.remove();
});

const env = (over: Record<string, string> = {}) => ({
  TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
  TEMPORAL_TLS_CA_PATH: pki.caPath,
  TEMPORAL_TLS_CERT_PATH: pki.clientCertPath,
  TEMPORAL_TLS_KEY_PATH: pki.clientKeyPath,
  TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  ...over,
});

describe('Temporal over mTLS', () => {
  it("the API's client connects and calls Temporal", async () => {
    const before = proxy.authorized;
    const { client, connection } = await connectTemporal(loadConfig(env()));
    try {
      const info = await client.workflowService.getSystemInfo({});
      expect(info.capabilities).toBeTruthy();
    } finally {
      await connection.close();
    }
    expect(proxy.authorized).toBeGreaterThan(before);
  });

  it("the worker's NativeConnection connects and calls Temporal", async () => {
    const before = proxy.authorized;
    const connection = await NativeConnection.connect(temporalConnectionOptions(loadConfig(env())));
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.capabilities).toBeTruthy();
    } finally {
      await connection.close();
    }
    expect(proxy.authorized).toBeGreaterThan(before);
  });

  it('without a client certificate, with a stranger certificate, or with the wrong server name: no connection', async () => {
    const attempts = [
      env({ TEMPORAL_TLS_CERT_PATH: '', TEMPORAL_TLS_KEY_PATH: '' }),
      env({ TEMPORAL_TLS_CERT_PATH: pki.strangerCertPath, TEMPORAL_TLS_KEY_PATH: pki.strangerKeyPath }),
      env({ TEMPORAL_TLS_SERVER_NAME: 'someone.else.internal' }),
    ];
    const before = proxy.authorized;
    for (const e of attempts) {
      await expect(
        (async () => {
          const c = await NativeConnection.connect(temporalConnectionOptions(loadConfig(e)));
          try {
            await c.workflowService.getSystemInfo({});
          } finally {
            await c.close();
          }
        })(),
      ).rejects.toThrow();
    }
    expect(proxy.authorized).toBe(before);
  });
});
