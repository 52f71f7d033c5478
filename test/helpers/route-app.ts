/**
 * The real API plugin on a fresh PostgreSQL database, for route tests over inject that
 * never reach Temporal (its connection is lazy and never opened), with an admin token.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { expect, inject } from 'vitest';
import { buildServer } from '../../api/server';
import { loadConfig, type Config } from '../../temporal.config';
import { createTestDb, type TestDb } from './db';

export type TMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export interface TApiOptions {
  /** Default: the admin token; null: none. */
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TRouteApp {
  tdb: TestDb;
  app: FastifyInstance;
  config: Config;
  adminToken: string;
  api(method: TMethod, url: string, o?: TApiOptions): Promise<{ status: number; text: string; body: any }>;
  /** A user with these roles, through POST /v1/users. */
  createUser(roles: string[]): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

export async function startRouteApp(dbName: string, env: Record<string, string> = {}): Promise<TRouteApp> {
  const tdb = await createTestDb(dbName);
  const adminToken = `admin_${randomBytes(24).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: tdb.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    ADMIN_TOKEN: adminToken,
    RATE_LIMIT_PER_MINUTE: '100000',
    // Test webhook receivers listen on 127.0.0.1; pass WEBHOOK_ALLOWED_NETWORKS: '' for the default (none).
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    ...env,
  });
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const app = await buildServer({ config, db: tdb.handle, temporal: new Client({ connection }), logger: false });
  await app.ready();

  const api: TRouteApp['api'] = async (method, url, o = {}) => {
    const token = o.token === undefined ? adminToken : o.token;
    const res = await app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...o.headers },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
    return { status: res.statusCode, text: res.body, body: res.body ? JSON.parse(res.body) : undefined };
  };
  let users = 0;
  return {
    tdb,
    app,
    config,
    adminToken,
    api,
    async createUser(roles) {
      users += 1;
      const res = await api('POST', '/v1/users', { body: { name: `User ${users}`, email: `user${users}@example.com`, roles } });
      expect(res.status, res.text).toBe(201);
      return res.body as { id: string; token: string };
    },
    async close() {
      await app.close();
      await connection.close();
      await tdb.drop();
    },
  };
}
