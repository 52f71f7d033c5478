/**
 * State the API replicas share: with REDIS_URL, one Redis holds the rate-limit counters and
 * the failed-authentication counts, so a client that spreads requests over replicas behind
 * a load balancer meets the same limits as against one; without it each process counts in
 * its own memory. Onboarding documents go to the database or to S3-compatible object storage
 * (db/document-store.ts, DOCUMENT_STORE), never to one replica's disk, encrypted with
 * PAYLOAD_KEYS. Redis unreachable, limits fail open (requests are served uncounted and a
 * warning is logged): a counter store must not take the API down.
 */
import { Redis } from 'ioredis';
import fp from 'fastify-plugin';
import type { DbHandle } from '../db/client';
import { openDocumentStore, type DocumentStore } from '../db/document-store';
import type { Config } from '../temporal.config';
import { MemoryFailureCounter, RedisFailureCounter, type FailureCounter } from './auth-failures';

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared Redis, or null when REDIS_URL is unset. */
    redis: Redis | null;
    authFailures: FailureCounter;
    /** Onboarding documents' bytes (db/document-store.ts). */
    documents: DocumentStore;
  }
}

/** Connects to Redis (when configured) before the app serves, and closes it with the app. */
export const sharedStatePlugin = fp<{ config: Config; db: DbHandle }>(
  async (app, { config, db }) => {
    app.decorate('documents', await openDocumentStore(config, db));
    if (!config.REDIS_URL) {
      app.decorate('redis', null);
      app.decorate('authFailures', new MemoryFailureCounter());
      return;
    }
    // No offline queue and one retry: with Redis down a command fails at once (and the
    // limit fails open) instead of holding the request until Redis returns.
    const redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
    redis.on('error', (e: Error) => app.log.warn({ err: e.message }, 'redis error'));
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      redis.once('end', () => reject(new Error(`REDIS_URL: could not connect to ${new URL(config.REDIS_URL!).host}`)));
      setTimeout(() => reject(new Error(`REDIS_URL: no answer from ${new URL(config.REDIS_URL!).host} within 5 s`)), 5_000).unref();
    }).catch((e: unknown) => {
      redis.disconnect();
      throw e;
    });
    app.decorate('redis', redis);
    app.decorate('authFailures', new RedisFailureCounter(redis, config.REDIS_KEY_PREFIX, (m) => app.log.warn(m)));
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'shared-state' },
);
