/**
 * One HTTP error model: every failure leaves as
 * `{ error: { code, message, details?, requestId } }` with a status derived from its code.
 */
import { UNREACHABLE_CODE } from '../db/client';
import { z } from 'zod';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { TRejectionType } from '../workflows/errors';

export const ZErrorCodeSchema = z.enum([
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'job_closed',
  'wrong_stage',
  'stale_version',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'internal',
]);
export type TErrorCode = z.infer<typeof ZErrorCodeSchema>;

export interface TErrorDetail {
  path?: string;
  message: string;
  [k: string]: unknown;
}

export const ZErrorResponseSchema = z.object({
  error: z.object({
    code: ZErrorCodeSchema,
    message: z.string(),
    details: z.array(z.object({ path: z.string().optional(), message: z.string() }).loose()).optional(),
    requestId: z.string(),
  }),
})
  .describe('Every refusal and failure: a stable code, a message for people, the fields at fault, and the request id to quote')
  .meta({ id: 'ErrorResponse' });

export function statusFor(code: TErrorCode): number {
  switch (code) {
    case 'validation_failed':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
    case 'job_closed':
    case 'wrong_stage':
    case 'stale_version':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly details?: TErrorDetail[],
  ) {
    super(message);
  }
  get status(): number {
    return statusFor(this.code);
  }
}

/** A unique constraint refused the write (PostgreSQL 23505), however deep the driver wrapped it. */
export function isUniqueViolation(e: unknown): boolean {
  for (let c: unknown = e; c && typeof c === 'object'; c = (c as { cause?: unknown }).cause) {
    if ((c as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'you are not allowed to do this') => new AppError('forbidden', message);
export const validationFailed = (details: TErrorDetail[], message = 'the request is not valid') =>
  new AppError('validation_failed', message, details);

/** Turns a zod error into details that name each bad field by its dotted path. */
export function zodDetails(error: z.ZodError): TErrorDetail[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const REJECTION_CODES: Record<TRejectionType, TErrorCode> = {
  WrongStage: 'wrong_stage',
  NotFound: 'not_found',
  Conflict: 'conflict',
  Forbidden: 'forbidden',
  ValidationFailed: 'validation_failed',
  StaleVersion: 'stale_version',
};

/** Is this the kind of failure that means "Temporal or the database is unreachable"? */
export function isUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    const name = (e as { name?: unknown }).name;
    const rawMsg = (e as { message?: unknown }).message;
    const msg = typeof rawMsg === 'string' ? rawMsg : '';
    if (name === 'ServiceError' || name === 'ConnectionError' || name === 'TransportError') return true;
    // The Update call (not the Update) timed out or was cut, e.g. by a server restart: its
    // outcome is unknown, and a retry with the same Idempotency-Key reaches the same Update.
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    // A gRPC status from @grpc/grpc-js: CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE.
    if (typeof code === 'number' && 'details' in e && (code === 1 || code === 4 || code === 14)) return true;
    if (typeof code === 'string' && UNREACHABLE_CODE.test(code)) return true;
    if (/ECONNREFUSED|UNAVAILABLE|deadline exceeded|Connection terminated|connection.*closed/i.test(msg)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The PostgreSQL SQLSTATE of an error (drizzle wraps the driver's error as its cause). */
function pgCode(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Maps Temporal and other infrastructure errors to an AppError; returns null for unknown errors. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && cause.type in REJECTION_CODES) {
      const details = (cause.details?.[0] as TErrorDetail[] | undefined) ?? undefined;
      return new AppError(REJECTION_CODES[cause.type as TRejectionType], cause.message, details?.length ? details : undefined);
    }
    return new AppError('conflict', cause?.message ?? 'the action was refused');
  }
  if (err instanceof WorkflowNotFoundError) return notFound('application workflow');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new AppError('conflict', 'the workflow already exists');
  if (pgCode(err) === '22021' || pgCode(err) === '22P05') {
    return new AppError('validation_failed', 'text must not contain NUL characters or invalid byte sequences');
  }
  if (isUnavailable(err)) return new AppError('unavailable', 'a backing service (Temporal or the database) is unreachable; try again shortly');
  return null;
}

export function errorBody(requestId: string, code: TErrorCode, message: string, details?: TErrorDetail[]) {
  return { error: { code, message, ...(details?.length ? { details } : {}), requestId } };
}

export function errorHandler(this: unknown, err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const details = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return reply.status(400).send(errorBody(req.id, 'validation_failed', 'the request is not valid', details));
  }
  const app = toAppError(err);
  if (app) {
    if (app.status >= 500) req.log.warn({ err }, 'backing service unavailable');
    return reply.status(app.status).send(errorBody(req.id, app.code, app.message, app.details));
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return reply.status(413).send(errorBody(req.id, 'payload_too_large', 'the request body is too large'));
  if (status === 415) return reply.status(415).send(errorBody(req.id, 'unsupported_media_type', err.message));
  if (status === 429) return reply.status(429).send(errorBody(req.id, 'rate_limited', 'too many requests; slow down'));
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, bad content type, empty body.
    return reply.status(400).send(errorBody(req.id, 'validation_failed', err.message));
  }
  req.log.error({ err }, 'unhandled error');
  return reply.status(500).send(errorBody(req.id, 'internal', 'internal error'));
}

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const ERROR_RESPONSES = {
  400: ZErrorResponseSchema,
  401: ZErrorResponseSchema,
  403: ZErrorResponseSchema,
  404: ZErrorResponseSchema,
  409: ZErrorResponseSchema,
  503: ZErrorResponseSchema,
};
