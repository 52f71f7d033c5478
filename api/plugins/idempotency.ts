/**
 * `Idempotency-Key` for every mutating route: the first response for a (caller, route,
 * key) is stored and returned again for repeats with the same body; a repeat with
 * another body is a 409. A pending row guards against two concurrent repeats.
 * Server errors are not remembered, so a retry after a 5xx does the work again.
 * A pending row whose request can no longer be running (its process died, or the
 * database was away when the outcome was to be written) is taken over by a repeat
 * after PENDING_TAKEOVER_MS. Workflow actions are idempotent underneath (workflow ids,
 * update ids derived from the key), so doing them again cannot double them; a plain
 * create whose stored answer was lost with the database could (RELIABILITY.md).
 */
import { performance } from 'node:perf_hooks';
import { and, eq, lt, sql } from 'drizzle-orm';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { persistUntil } from '../../db/persist';
import { idempotencyKeys } from '../../db/schema';
import { sha256Hex } from '../../shared/hash';
import { AppError, validationFailed } from '../errors';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
  interface FastifyContextConfig {
    /** Top-level response fields never stored for replays (secrets shown once, e.g. a new token). */
    idempotencyRedact?: string[];
    /** A POST that changes nothing (a preview): the key is ignored, a repeat renders again. */
    idempotencyExempt?: boolean;
  }
}

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Longer than any request can run (Temporal calls have a 5 s deadline, an Update's answer TEMPORAL_UPDATE_TIMEOUT_MS, 30 s by default). */
export const PENDING_TAKEOVER_MS = 60_000;

/**
 * JSON with every object's keys in code-unit order and undefined members left out: equal
 * for equal bodies whatever their key order (stored hashes depend on it staying so). Built
 * by appending, without an array of entries per object: hashing each submission's body
 * was 1.7 % of the API's CPU per start.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = '{';
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export const sha256 = sha256Hex;

/** A Temporal update id derived from the caller's key, so a repeat reaches the same update. */
export function updateIdFor(req: FastifyRequest): string | undefined {
  return req.idempotency ? sha256(`${req.idempotency.scope}\n${req.idempotency.key}`) : undefined;
}

/**
 * Writes the outcome of a request to its key. The answer does not wait for more than one
 * try: if the database is away, the write is retried in the background for half of
 * PENDING_TAKEOVER_MS (so it can never land on a key a repeat has taken over since), and
 * after that a repeat takes the key over.
 */
async function settleKey(req: FastifyRequest, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    req.log.warn({ err }, `${what}; retrying in the background`);
    void persistUntil(write, performance.now() + PENDING_TAKEOVER_MS / 2).then(
      () => req.log.info(`${what}: done on a later try`),
      (e: unknown) => req.log.error({ err: e }, `${what}; a repeat takes the key over after ${PENDING_TAKEOVER_MS} ms`),
    );
  }
}

export default fp(
  async (app) => {
    app.decorateRequest('idempotency', null);

    app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = req.headers['idempotency-key'];
      if (raw === undefined || !MUTATING.has(req.method) || req.routeOptions.config.idempotencyExempt) return;
      const key = Array.isArray(raw) ? raw[0]! : raw;
      if (!KEY_PATTERN.test(key)) {
        throw validationFailed([{ path: 'headers.idempotency-key', message: 'must be 1-200 characters of A-Z a-z 0-9 . _ : -' }]);
      }
      const who = req.principal?.userId ?? 'anonymous';
      const scope = `${who} ${req.method} ${req.url.split('?')[0]}`;
      const requestHash = sha256(canonicalJson({ body: req.body ?? null, query: req.query ?? null }));
      const { db } = app.db;
      const inserted = await db
        .insert(idempotencyKeys)
        .values({ scope, key, requestHash, state: 'pending' })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted.length) {
        req.idempotency = { scope, key };
        return;
      }
      const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
      const takenOver = await db
        .update(idempotencyKeys)
        .set({ createdAt: sql`now()` })
        .where(
          and(
            where,
            eq(idempotencyKeys.state, 'pending'),
            eq(idempotencyKeys.requestHash, requestHash),
            lt(idempotencyKeys.createdAt, sql`now() - make_interval(secs => ${PENDING_TAKEOVER_MS / 1000})`),
          ),
        )
        .returning({ key: idempotencyKeys.key });
      if (takenOver.length) {
        req.log.warn({ idempotencyScope: scope }, 'taking over an abandoned Idempotency-Key');
        req.idempotency = { scope, key };
        return;
      }
      const [row] = await db.select().from(idempotencyKeys).where(where);
      if (!row) throw new AppError('conflict', 'the Idempotency-Key is being reused; retry');
      if (row.requestHash !== requestHash) {
        throw new AppError('conflict', 'this Idempotency-Key was already used with a different request');
      }
      if (row.state === 'pending') throw new AppError('conflict', 'a request with this Idempotency-Key is still in progress');
      reply.header('idempotent-replayed', 'true');
      // The stored body is already serialised output: send it as is, not through the schema.
      return reply
        .status(row.statusCode ?? 200)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(row.response));
    });

    app.addHook('onSend', async (req, reply, payload) => {
      const idem = req.idempotency;
      if (!idem) return payload;
      req.idempotency = null;
      const where = and(eq(idempotencyKeys.scope, idem.scope), eq(idempotencyKeys.key, idem.key));
      if (reply.statusCode >= 500) {
        // Forget the attempt so a retry does the work.
        await settleKey(req, 'could not release an Idempotency-Key after a server error', () =>
          app.db.db.delete(idempotencyKeys).where(where),
        );
        return payload;
      }
      let response: unknown = null;
      if (typeof payload === 'string' && payload.length) {
        try {
          response = JSON.parse(payload);
        } catch {
          response = payload;
        }
      }
      const redact = req.routeOptions.config.idempotencyRedact;
      if (redact?.length && response && typeof response === 'object' && !Array.isArray(response)) {
        response = Object.fromEntries(
          Object.entries(response as Record<string, unknown>).map(([k, v]) => [k, redact.includes(k) ? null : v]),
        );
      }
      // The work is done whatever happens here: a failed write must not turn its answer
      // into an error. Should it fail for good, a repeat waits out PENDING_TAKEOVER_MS and
      // does the work again (a no-op for workflow actions, see above).
      await settleKey(req, 'could not store the response for an Idempotency-Key', () =>
        app.db.db.update(idempotencyKeys).set({ state: 'done', statusCode: reply.statusCode, response }).where(where),
      );
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['deps'] },
);
