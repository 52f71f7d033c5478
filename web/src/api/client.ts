/**
 * The console's one way to the API: openapi-fetch over the generated schema, same-origin
 * credentials (the session cookie; bearer tokens are never stored in the browser), a
 * CSRF header on every mutation, an Idempotency-Key per user action (so "try again" after
 * a 503 cannot apply an action twice), and one place that notices a 401.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export interface TErrorDetail {
  path?: string;
  message: string;
}

/** An API refusal: the common error body, with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: TErrorDetail[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The detail for a body field, e.g. `salary.amount` for `body.salary.amount`. */
  forField(field: string): TErrorDetail | undefined {
    return this.details.find((d) => d.path === `body.${field}` || d.path === field);
  }
}

let csrfToken: string | undefined;
/** Set from GET /v1/me once cookie sessions exist; sent with every mutation. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();
/** Called on every 401: the shell shows the sign-in screen. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Statuses after which the same action may be sent again and must carry the same key:
 * the API (or a proxy in front of it) did not decide, so the first attempt may still have
 * been applied. Any other answer settles the action and the next click is a new one.
 */
const UNDECIDED = new Set([429, 502, 503, 504]);

/**
 * The key of each action still waiting for a definitive answer, by method, path and body:
 * "try again" after a 503 or a dropped connection resends the identical request, finds its
 * key here and cannot be applied twice. (The body is read in onRequest: by the answer, the
 * request's body has been sent and can no longer be read.)
 */
const pendingKeys = new Map<string, string>();
const actionOfKey = new Map<string, string>();

async function actionOf(request: Request): Promise<string> {
  const body = request.body ? await request.clone().text() : '';
  return `${request.method} ${request.url}\n${body}`;
}

const sessionMiddleware: Middleware = {
  async onRequest({ request }) {
    if (MUTATING.has(request.method)) {
      if (csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
      if (!request.headers.has('Idempotency-Key')) {
        const action = await actionOf(request);
        let key = pendingKeys.get(action);
        if (!key) {
          key = crypto.randomUUID();
          pendingKeys.set(action, key);
          actionOfKey.set(key, action);
        }
        request.headers.set('Idempotency-Key', key);
      }
    }
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401) unauthenticatedListeners.forEach((l) => l());
    const key = request.headers.get('Idempotency-Key');
    if (key && !UNDECIDED.has(response.status)) {
      const action = actionOfKey.get(key);
      actionOfKey.delete(key);
      if (action !== undefined) pendingKeys.delete(action);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(sessionMiddleware);

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

function toApiError(result: RawResult): ApiError {
  const body = result.error as { error?: { code?: string; message?: string; details?: TErrorDetail[]; requestId?: string } } | undefined;
  const e = body?.error;
  if (e?.code) return new ApiError(result.response.status, e.code, e.message ?? '', e.details ?? [], e.requestId);
  // A proxy or a dead server: no error body of ours.
  const code = result.response.status >= 500 ? 'unavailable' : 'internal';
  return new ApiError(result.response.status, code, result.response.statusText);
}

/**
 * The body of a call, typed as `T`, or an ApiError. Paths, parameters and request bodies
 * are checked against the contract by openapi-fetch; `T` is for the routes that declare no
 * response schema (see responses.ts).
 */
export async function unwrap<T>(call: Promise<RawResult>): Promise<T> {
  let result: RawResult;
  try {
    result = await call;
  } catch {
    // Network down or the server gone: the same as a 503 for the person typing.
    throw new ApiError(503, 'unavailable', 'network error');
  }
  if (!result.response.ok) throw toApiError(result);
  return result.data as T;
}

/** POST /auth/email-link: always 202, whether or not the address belongs to a user. */
export function requestEmailLink(email: string): Promise<unknown> {
  return unwrap(api.POST('/auth/email-link', { body: { email } }));
}
