/**
 * The audit log: who did what, from where. One hook (auditPlugin) writes a row for every
 * mutating request that reached a route (POST, PUT, PATCH, DELETE, whatever its answer
 * below 500, 429 aside), every failed authentication (any 401) and every successful read
 * of sensitive data (SENSITIVE_READS), so a route added tomorrow is audited without a line
 * of its own. `recordAudit` is for events no request carries (e.g. a sign-in completed by
 * a redirect); `auditRequest` for a route that wants to log something beyond its answer.
 *
 * Rows never hold secrets: bodies are copied with secret-looking fields removed, long
 * strings cut, and anything bigger than MAX_CHANGES_CHARS reduced to its field names; the
 * query string (candidate tokens) and headers are never copied. Rows are written after the
 * answer is sent, in batches (flushAudit), so the log costs the caller no latency and the
 * pool one insert per batch; a write that fails is logged.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OFFER_TOKEN_PURPOSE, PORTAL_TOKEN_PURPOSE, verifyToken } from '../shared/links';
import type { Db, DbHandle } from '../db/client';
import { insertFromJson } from '../db/json-insert';
import { auditLog } from '../db/schema';

export type TActorType = 'staff' | 'candidate' | 'anonymous' | 'system';

export interface TAuditEvent {
  /** `METHOD /route/:param` for requests, `auth.failed`, or a dotted name such as `auth.signed_in`. */
  action: string;
  actor: { type: TActorType; id?: string | null; name?: string | null; apiKeyId?: string | null };
  target?: { type: string; id: string } | null;
  status?: number | null;
  request?: { id: string; ip: string; userAgent: string | null } | null;
  changes?: Record<string, unknown> | null;
  /** When it happened; default the time of the insert. */
  at?: Date;
}

/** What a route or the authentication adds to the request's audit row. */
export interface TAuditNote {
  action?: string;
  target?: { type: string; id: string };
  changes?: Record<string, unknown>;
  apiKeyId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auditNote: TAuditNote | null;
    /** The id a creating route answered with (read from its body as it is sent). */
    auditCreatedId: string | null;
  }
}

/** GET routes whose successful answer is personal or confidential data; each read is logged. */
export const SENSITIVE_READS = new Set([
  'GET /v1/employees/:id/documents/:documentId',
  'GET /v1/candidate/offer.pdf',
  'GET /v1/applications/:id/messages',
  'GET /v1/applications/:id/export',
  'GET /v1/applications/:id/offer/letter',
  'GET /v1/applications/:id/offer/signed',
]);

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const MAX_CHANGES_CHARS = 4000;
const MAX_STRING = 200;
const SECRET_FIELD = /secret|token|password|passphrase|authorization|cookie|api[-_]?key|^key$|signature$/i;

/**
 * Request-body fields that carry a candidate's personal data (or free text that may): the
 * row says they were sent, not what they said. The log is append-only, so anything personal
 * in it could never be erased with the application (docs/personal-data.md).
 */
const PERSONAL_FIELD = /^(candidate|resume|interview|items|signatureName|salary|benefits|terms|reason|comment|note)$/;

/** A request body without candidates' personal data (see PERSONAL_FIELD), at any depth. */
export function withoutPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalData);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = !PERSONAL_FIELD.test(k)
      ? withoutPersonalData(v)
      : typeof v === 'string'
        ? `[${v.length} chars, not recorded]`
        : Array.isArray(v)
          ? `[${v.length} items, not recorded]`
          : '[not recorded]';
  }
  return out;
}

/** Adds to the audit row of this request (merged with what was noted before). */
export function noteAudit(req: FastifyRequest, note: TAuditNote): void {
  const prev = req.auditNote ?? {};
  req.auditNote = { ...prev, ...note, changes: { ...prev.changes, ...note.changes } };
}

/** A copy safe to store: no secret-looking fields, short strings, bounded depth and length. */
export function redactForAudit(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redactForAudit(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redactForAudit(v, depth + 1);
  return out;
}

function boundedChanges(changes: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!changes || Object.keys(changes).length === 0) return null;
  const safe = redactForAudit(changes) as Record<string, unknown>;
  if (JSON.stringify(safe).length <= MAX_CHANGES_CHARS) return safe;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(safe)) fields[k] = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : typeof v;
  return { truncated: true, fields };
}

/** Writes one audit row. For events outside a request's hook; never pass a secret in `changes`. */
export async function recordAudit(db: Db, event: TAuditEvent): Promise<void> {
  await db.insert(auditLog).values(auditRow(event));
}

function auditRow(event: TAuditEvent): typeof auditLog.$inferInsert {
  return {
    ...(event.at ? { at: event.at } : {}),
    action: event.action.slice(0, 200),
    actorType: event.actor.type,
    actorId: event.actor.id ?? null,
    actorName: event.actor.name ?? null,
    apiKeyId: event.actor.apiKeyId ?? null,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    status: event.status ?? null,
    requestId: event.request?.id ?? null,
    ip: event.request?.ip ?? null,
    userAgent: event.request?.userAgent?.slice(0, 500) ?? null,
    changes: boundedChanges(event.changes),
  };
}

/**
 * The hook's rows are written in batches: one insert per AUDIT_FLUSH_MS (or per
 * AUDIT_BATCH rows), not one per request. With one insert per request, 50 concurrent
 * actions queued 50 extra statements on the pool the worker's activities share in tests,
 * and Temporal updates ran past their 5 s deadline (journey.test.ts, 50 acceptances).
 */
export const AUDIT_FLUSH_MS = 50;
const AUDIT_BATCH = 200;

interface TAuditQueue {
  rows: TAuditEvent[];
  timer: NodeJS.Timeout | null;
}

const row = insertFromJson(auditLog, 1, {
  at: 'timestamptz',
  action: 'text',
  actorType: 'text',
  actorId: 'uuid',
  actorName: 'text',
  apiKeyId: 'uuid',
  targetType: 'text',
  targetId: 'text',
  status: 'integer',
  requestId: 'text',
  ip: 'text',
  userAgent: 'text',
  changes: 'jsonb',
});
/** A batch of the hook's rows: one prepared statement whatever the batch's size (db/json-insert.ts). */
const INSERT_BATCH = `${row.insert} ${row.select} ${row.from}`;

async function flushAudit(handle: DbHandle, q: TAuditQueue, log: FastifyRequest['log']): Promise<void> {
  if (q.timer) clearTimeout(q.timer);
  q.timer = null;
  const batch = q.rows.splice(0);
  if (!batch.length) return;
  // Every row carries its time (the request's; the insert's for an event without one).
  const now = new Date();
  await handle
    .prepared(INSERT_BATCH, [JSON.stringify(batch.map((e) => ({ ...auditRow(e), at: e.at ?? now })))])
    .catch((err: unknown) => log.error({ err, rows: batch.length, actions: [...new Set(batch.map((e) => e.action))] }, 'could not write audit rows'));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const singular = (segment: string) => segment.replace(/-/g, '_').replace(/ies$/, 'y').replace(/s$/, '');

/**
 * The target a route acts on: the last id-valued parameter, named by the path segment
 * before it (`/v1/employees/:id/documents/:documentId` -> document), else the id a creating
 * route answered, named by the last segment (`POST /v1/users` -> user).
 */
export function targetOf(routeUrl: string, params: Record<string, unknown>, createdId: string | null): { type: string; id: string } | null {
  const segments = routeUrl.split('/').filter(Boolean);
  if (createdId) {
    const last = [...segments].reverse().find((s) => !s.startsWith(':'));
    return last ? { type: singular(last), id: createdId } : null;
  }
  for (let i = segments.length - 1; i > 0; i--) {
    const seg = segments[i]!;
    const value = seg.startsWith(':') ? params[seg.slice(1)] : undefined;
    if (typeof value === 'string' && UUID.test(value)) return { type: singular(segments[i - 1]!), id: value };
  }
  return null;
}

/** A candidate's signed link (offer or portal) in the path or query: the application it is for. */
function candidateOf(req: FastifyRequest): string | null {
  const q = req.query as Record<string, unknown> | undefined;
  const p = req.params as Record<string, unknown> | undefined;
  const raw = typeof q?.token === 'string' ? q.token : typeof p?.token === 'string' ? p.token : null;
  if (!raw) return null;
  const secret = req.server.config.linkSigningSecret;
  for (const purpose of [OFFER_TOKEN_PURPOSE, PORTAL_TOKEN_PURPOSE]) {
    const payload = verifyToken(secret, raw, purpose);
    if (payload) return payload.sub;
  }
  return null;
}

export function requestContext(req: FastifyRequest): NonNullable<TAuditEvent['request']> {
  const ua = req.headers['user-agent'];
  return { id: req.id, ip: req.ip, userAgent: typeof ua === 'string' ? ua : null };
}

/** The audit event for a request as it stands (actor from its principal or candidate link). */
export function auditEventOf(req: FastifyRequest, status: number | null, over: TAuditNote = {}): TAuditEvent {
  const note = { ...req.auditNote, ...over, changes: { ...req.auditNote?.changes, ...over.changes } };
  const routeUrl = req.routeOptions.url ?? req.url.split('?')[0]!;
  const p = req.principal;
  let actor: TAuditEvent['actor'] = { type: 'anonymous', apiKeyId: note.apiKeyId ?? null };
  let target = note.target ?? targetOf(routeUrl, (req.params ?? {}) as Record<string, unknown>, req.auditCreatedId);
  if (p) {
    actor = { type: 'staff', id: p.userId, name: p.name, apiKeyId: p.apiKeyId ?? null };
  } else {
    const applicationId = candidateOf(req);
    if (applicationId) {
      actor = { type: 'candidate', id: null, name: null };
      target ??= { type: 'application', id: applicationId };
      if (target.type !== 'application') note.changes = { ...note.changes, applicationId };
    }
  }
  const body = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : null;
  const params = Object.fromEntries(Object.entries((req.params ?? {}) as Record<string, unknown>).filter(([k]) => k !== 'token'));
  return {
    at: new Date(),
    action: note.action ?? `${req.method} ${routeUrl}`,
    actor,
    target: target ?? null,
    status,
    request: requestContext(req),
    changes: {
      ...(Object.keys(params).length ? { params } : {}),
      ...(body && MUTATING.has(req.method) ? { body: withoutPersonalData(body) } : {}),
      ...note.changes,
    },
  };
}

/** Writes a row for this request now (for a route that logs more than its own answer). */
export function auditRequest(req: FastifyRequest, note: TAuditNote & { action: string }, status: number | null = null): Promise<void> {
  return recordAudit(req.server.db.db, auditEventOf(req, status, note));
}

/** Which requests the hook writes a row for. */
export function auditedAs(req: FastifyRequest, status: number): 'auth.failed' | 'request' | null {
  if (status === 401) return 'auth.failed';
  if (status >= 500 || status === 429 || req.routeOptions.url === undefined) return null;
  if (MUTATING.has(req.method)) return 'request';
  if (status < 300 && SENSITIVE_READS.has(`${req.method} ${req.routeOptions.url}`)) {
    // Message bodies are the sensitive part; the delivery list without them is not.
    if (req.routeOptions.url === '/v1/applications/:id/messages' && (req.query as { includeBodies?: string } | undefined)?.includeBodies !== 'true') {
      return null;
    }
    return 'request';
  }
  return null;
}

export default fp(
  async (app) => {
    app.decorateRequest('auditNote', null);
    app.decorateRequest('auditCreatedId', null);

    app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (MUTATING.has(req.method) && reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string' && payload.length < 100_000) {
        try {
          // A create answers the new id: 201, or any success of a route with no id in its path.
          const id = (JSON.parse(payload) as { id?: unknown } | null)?.id;
          if (typeof id === 'string' && (reply.statusCode === 201 || !req.routeOptions.url?.includes(':'))) req.auditCreatedId = id;
        } catch {
          // not JSON: nothing created to name
        }
      }
      return payload;
    });

    const queue: TAuditQueue = { rows: [], timer: null };
    app.addHook('onClose', async () => {
      await flushAudit(app.db, queue, app.log);
    });

    app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
      const kind = auditedAs(req, reply.statusCode);
      if (!kind) return;
      const event = auditEventOf(req, reply.statusCode, kind === 'auth.failed' ? { action: 'auth.failed' } : {});
      if (kind === 'auth.failed') {
        // The route tried, not what it carried: a failed attempt's body is no one's change.
        event.changes = { route: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`, ...req.auditNote?.changes };
      }
      queue.rows.push(event);
      if (queue.rows.length >= AUDIT_BATCH) void flushAudit(app.db, queue, req.log);
      else queue.timer ??= setTimeout(() => void flushAudit(app.db, queue, req.log), AUDIT_FLUSH_MS).unref();
    });
  },
  { name: 'audit', dependencies: ['deps'] },
);
