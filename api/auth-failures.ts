/**
 * Failed authentications per client address, in fixed one-minute windows: a client past
 * AUTH_FAILURES_PER_MINUTE gets 429 until its window is over, whatever it sends, so token
 * guessing stays slow. In Redis when REDIS_URL is set (every replica sees the same count,
 * api/shared-state.ts), in this process's memory otherwise.
 */
import type { Redis } from 'ioredis';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors';

/** Failed authentications per key (a client address) in fixed windows. */
export interface FailureCounter {
  /** Whether `key` has used up its failures in the current window. */
  isLimited(key: string, limit: number): Promise<boolean>;
  /** Counts one failure for `key`. */
  record(key: string): Promise<void>;
}

export const FAILURE_WINDOW_MS = 60_000;

export class MemoryFailureCounter implements FailureCounter {
  private readonly counts = new Map<string, { count: number; resetAt: number }>();

  async isLimited(key: string, limit: number): Promise<boolean> {
    const entry = this.counts.get(key);
    return !!entry && entry.resetAt > Date.now() && entry.count >= limit;
  }

  async record(key: string): Promise<void> {
    const now = Date.now();
    if (this.counts.size > 10_000) for (const [k, e] of this.counts) if (e.resetAt <= now) this.counts.delete(k);
    const entry = this.counts.get(key);
    if (!entry || entry.resetAt <= now) this.counts.set(key, { count: 1, resetAt: now + FAILURE_WINDOW_MS });
    else entry.count += 1;
  }
}

/** One Redis key per client address, created with the window's expiry and counted up. */
export class RedisFailureCounter implements FailureCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly warn: (msg: string) => void,
  ) {}

  private key(k: string) {
    return `${this.prefix}auth-failures:${k}`;
  }

  async isLimited(key: string, limit: number): Promise<boolean> {
    try {
      return Number((await this.redis.get(this.key(key))) ?? 0) >= limit;
    } catch (e) {
      this.warn(`auth failure count not read (Redis: ${(e as Error).message})`);
      return false;
    }
  }

  async record(key: string): Promise<void> {
    try {
      await this.redis.multi().set(this.key(key), 0, 'PX', FAILURE_WINDOW_MS, 'NX').incr(this.key(key)).exec();
    } catch (e) {
      this.warn(`auth failure not counted (Redis: ${(e as Error).message})`);
    }
  }
}

/** Whether this client has used up its failed authentications for now (429 until the window ends). */
export async function failureLimited(req: FastifyRequest): Promise<boolean> {
  return req.server.authFailures.isLimited(req.ip, req.server.config.AUTH_FAILURES_PER_MINUTE);
}

/** Counts a failed authentication of this client and returns the 401 to throw. */
export async function recordFailure(req: FastifyRequest, message: string): Promise<AppError> {
  await req.server.authFailures.record(req.ip);
  return new AppError('unauthorized', message);
}
