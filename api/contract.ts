/**
 * The exact contract: every route states every status it can answer, in one place.
 *
 * Routes declare their own success responses and the refusals of their own logic; the
 * refusals that come from the machinery around them are added here, as each route is
 * registered (an onRoute hook), so no route can forget one:
 *
 *   400  every route: a query, path or body with NUL characters or unpaired UTF-16
 *        surrogates, a malformed body or Idempotency-Key, a request that does not match
 *        the route's schemas;
 *   429  every route: the per-client rate limit counts every request;
 *   503  every route the load shedding may refuse, and every route that reads the
 *        database or Temporal (a backing service unreachable);
 *   401, 403  routes behind `authenticate` (no or a bad token; roles, scopes, departments);
 *   404  routes with path parameters (the resource does not exist or is not visible);
 *   409, 413, 415  routes that take a body or change something (an Idempotency-Key reused
 *        with another body; a body over BODY_LIMIT_BYTES; a content type no parser takes).
 *
 * The document also gets its shared parts defined once: the error shape is the component
 * `ErrorResponse`, and a path or query parameter that several operations share (ids,
 * cursors, limits, filters) becomes one entry of `components.parameters`.
 */
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { authenticate } from './auth';
import { ZErrorResponseSchema } from './errors';
import { NEVER_SHED } from './plugins/load-shedding';

const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface RouteSchema {
  hide?: boolean;
  operationId?: string;
  params?: unknown;
  response?: Record<string, unknown>;
}

/** The machinery's statuses for a route, from its method, path, hooks and config. */
export function machineryStatuses(
  route: Pick<RouteOptions, 'method' | 'url' | 'onRequest' | 'config'>,
): number[] {
  const methods = [route.method].flat();
  const hooks = [route.onRequest ?? []].flat();
  const statuses = [400, 429];
  if (hooks.includes(authenticate)) statuses.push(401, 403);
  // 414: a path parameter longer than the router takes (maxParamLength) is refused before the route.
  if (/[:*]/.test(route.url)) statuses.push(404, 414);
  if (methods.some((m) => CHANGING.has(m))) statuses.push(409, 413, 415);
  const neverShed =
    (route.config as { pressureHandler?: unknown } | undefined)?.pressureHandler ===
    NEVER_SHED.pressureHandler;
  if (!neverShed) statuses.push(503);
  return statuses;
}

/** `GET /v1/jobs/:id/ranking` -> `getV1JobsIdRanking`: only for a route that names no operationId of its own. */
export function derivedOperationId(method: string, url: string): string {
  const words = url
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return `${method.toLowerCase()}${words.join('')}`;
}

/** The onRoute hook: completes a route's schema with its operationId and the machinery's error responses. */
export function completeRouteContract(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as RouteSchema;
  if (schema.hide) return;
  route.schema = schema;
  const method = [route.method].flat()[0]!;
  schema.operationId ??= derivedOperationId(method, route.url);
  const response = (schema.response ??= {});
  for (const status of machineryStatuses(route)) response[status] ??= ZErrorResponseSchema;
}

type Json = Record<string, unknown>;

/**
 * The document's last pass: components from the zod registry (the error shape), shared
 * parameters hoisted into `components.parameters`, and components no operation uses
 * dropped (the registry holds an input and an output variant of each).
 */
export function finishDocument(input: Parameters<typeof jsonSchemaTransformObject>[0]): Json {
  const doc = jsonSchemaTransformObject(input) as Json & {
    paths?: Record<string, Record<string, Json>>;
    components?: Json;
  };
  const components = (doc.components ??= {}) as {
    parameters?: Record<string, Json>;
    schemas?: Record<string, Json>;
  };
  hoistParameters(doc.paths ?? {}, (components.parameters ??= {}));
  describeResponses(doc.paths ?? {});
  if (!Object.keys(components.parameters).length) delete components.parameters;
  const used = JSON.stringify({ ...doc, components: { ...components, schemas: undefined } });
  for (const name of Object.keys(components.schemas ?? {})) {
    if (!used.includes(`"#/components/schemas/${name}"`)) delete components.schemas![name];
  }
  return doc;
}

/** What each status means in this API, for responses that say nothing of their own. */
const STATUS_MEANINGS: Record<string, string> = {
  200: 'Done: the result',
  201: 'Created',
  202: 'Accepted: the work goes on in the background',
  204: 'Done: nothing to answer',
  302: 'Redirect',
  303: 'See the page named in Location',
  400: 'The request is not valid: `details` names each field at fault (also a reference to something that does not exist)',
  401: 'No, an invalid or an expired credential',
  403: 'The caller may not do this (role, API key scope, or not the actor the step waits for)',
  404: 'No such resource, or not visible to the caller',
  409: 'Conflicts with the current state (wrong stage, stale version, duplicate, or an Idempotency-Key reused with another body)',
  410: 'Gone: the link has expired',
  413: 'The body is larger than the limit',
  414: 'A path parameter is too long',
  415: 'The content type is not accepted here',
  429: 'Too many requests: retry after Retry-After seconds',
  503: 'Overloaded or a backing service is unreachable: retry after Retry-After seconds (or shortly)',
};

function describeResponses(paths: Record<string, Record<string, Json>>): void {
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      for (const [status, res] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        if (res.description === 'Default Response' && STATUS_MEANINGS[status]) res.description = STATUS_MEANINGS[status];
      }
    }
  }
}

/** The component name of a parameter: `id` in the path is `IdPath`, `limit` in the query `LimitQuery`. */
const parameterName = (p: Json) =>
  `${String(p.name).replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}${String(p.in)[0]!.toUpperCase()}${String(p.in).slice(1)}`;

function hoistParameters(paths: Record<string, Record<string, Json>>, into: Record<string, Json>): void {
  const operations = Object.values(paths).flatMap((item) =>
    Object.values(item).filter((op) => Array.isArray(op.parameters)),
  );
  const uses = new Map<string, number>();
  for (const op of operations)
    for (const p of op.parameters as Json[])
      uses.set(JSON.stringify(p), (uses.get(JSON.stringify(p)) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const [text, n] of [...uses].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (n < 2) continue;
    const param = JSON.parse(text) as Json;
    const base = parameterName(param);
    let name = base;
    for (let i = 2; into[name]; i++) name = `${base}${i}`;
    into[name] = param;
    names.set(text, name);
  }
  for (const op of operations) {
    op.parameters = (op.parameters as Json[]).map((p) => {
      const name = names.get(JSON.stringify(p));
      return name ? { $ref: `#/components/parameters/${name}` } : p;
    });
  }
}
