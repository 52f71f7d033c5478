/**
 * State shared by API replicas through Redis (REDIS_URL): two apps on one database, one
 * Temporal and one Redis behave as one for rate limits and failed authentications; without
 * Redis each counts its own. Redis going away fails open; Redis absent at start is a clear error.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import { TcpProxy } from '../helpers/chaos';
import { replicaConfig, startStack, type Stack } from '../helpers/stack';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let s: Stack;
let redis: Redis;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  s = await startStack();
  redis = new Redis(REDIS);
});
afterAll(async () => {
  for (const a of apps) await a.close();
  redis?.disconnect();
  await s?.stop();
});

/** An API replica on the stack's database and Temporal, with these settings. */
async function replica(env: Record<string, string>): Promise<FastifyInstance> {
  const app = await buildServer({ config: replicaConfig(s, env), db: s.db.handle, temporal: s.temporal, logger: false });
  await app.ready();
  apps.push(app);
  return app;
}

const get = (app: FastifyInstance, token?: string) =>
  app.inject({ method: 'GET', url: '/v1/me', headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('with REDIS_URL: two replicas, one set of limits', () => {
  it('failed authentications add up across replicas: 3 on one, 2 on the other, then 429 on both even with a valid token', async () => {
    const prefix = `hwe-test-${randomUUID().slice(0, 8)}:`;
    const env = { REDIS_URL: REDIS, REDIS_KEY_PREFIX: prefix, AUTH_FAILURES_PER_MINUTE: '5' };
    const [a, b] = [await replica(env), await replica(env)];
    for (let i = 0; i < 3; i++) expect((await get(a, 'wrong-token')).statusCode).toBe(401);
    for (let i = 0; i < 2; i++) expect((await get(b, 'wrong-token')).statusCode).toBe(401);
    for (const app of [a, b]) {
      const r = await get(app, s.adminToken);
      expect(r.statusCode).toBe(429);
      expect(r.json().error.code).toBe('rate_limited');
    }
    const key = `${prefix}auth-failures:127.0.0.1`;
    expect(await redis.get(key)).toBe('5');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('the per-client request limit holds across replicas', async () => {
    const env = { REDIS_URL: REDIS, REDIS_KEY_PREFIX: `hwe-test-${randomUUID().slice(0, 8)}:`, RATE_LIMIT_PER_MINUTE: '10' };
    const [a, b] = [await replica(env), await replica(env)];
    for (let i = 0; i < 6; i++) expect((await get(a, s.adminToken)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await get(b, s.adminToken)).statusCode).toBe(200);
    for (const app of [a, b]) {
      const r = await get(app, s.adminToken);
      expect(r.statusCode).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('fails open while Redis is unreachable: requests are served, a bad token is still a 401', async () => {
    const proxy = new TcpProxy({ host: new URL(REDIS).hostname, port: Number(new URL(REDIS).port || 6379) });
    await proxy.up(0);
    try {
      const env = { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: `hwe-test-${randomUUID().slice(0, 8)}:`, RATE_LIMIT_PER_MINUTE: '3' };
      const a = await replica(env);
      await proxy.down();
      for (let i = 0; i < 5; i++) expect((await get(a, s.adminToken)).statusCode).toBe(200);
      expect((await get(a, 'wrong-token')).statusCode).toBe(401);
    } finally {
      await proxy.down();
    }
  });

  it('an unreachable Redis at start stops the app with a message naming REDIS_URL', async () => {
    const proxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
    await proxy.up(0);
    const port = proxy.port;
    await proxy.down();
    await expect(replica({ REDIS_URL: `redis://127.0.0.1:${port}` })).rejects.toThrow(/REDIS_URL: (could not connect|no answer)/);
  });
});

describe('without REDIS_URL: each process counts its own', () => {
  it("one replica's failures do not limit the other", async () => {
    const env = { AUTH_FAILURES_PER_MINUTE: '2' };
    const [a, b] = [await replica(env), await replica(env)];
    for (let i = 0; i < 2; i++) expect((await get(a, 'wrong-token')).statusCode).toBe(401);
    expect((await get(a, s.adminToken)).statusCode).toBe(429);
    expect((await get(b, s.adminToken)).statusCode).toBe(200);
  });
});
