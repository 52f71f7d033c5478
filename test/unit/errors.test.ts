import { describe, expect, it } from 'vitest';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { isUnavailable, toAppError } from '../../api/errors';

/** What @grpc/grpc-js rejects with. */
const grpcError = (code: number, text: string) => Object.assign(new Error(`${code} ${text}`), { code, details: text, metadata: {} });

describe('isUnavailable: what becomes a 503 (retry later) rather than a 500', () => {
  it.each([
    ['the client giving up on Temporal', new ServiceError('Failed to query workflow')],
    ['an Update call cut by a server restart', new WorkflowUpdateRPCTimeoutOrCancelledError('Workflow update call timeout or cancelled', { cause: grpcError(1, 'CANCELLED: Call cancelled') })],
    ['gRPC UNAVAILABLE', grpcError(14, 'UNAVAILABLE: No connection established')],
    ['gRPC DEADLINE_EXCEEDED', grpcError(4, 'DEADLINE_EXCEEDED: Deadline exceeded')],
    ['PostgreSQL gone (postgres.js)', Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' })],
    ['PostgreSQL refusing connections, wrapped by drizzle', new Error('Failed query', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })],
    ['PostgreSQL shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
  ])('%s', (_what, err) => {
    expect(isUnavailable(err)).toBe(true);
    expect(toAppError(err)).toMatchObject({ code: 'unavailable', status: 503 });
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['gRPC INVALID_ARGUMENT (our bug, not an outage)', grpcError(3, 'INVALID_ARGUMENT: bad request')],
    ['a numeric code without gRPC details', Object.assign(new Error('odd'), { code: 14 })],
  ])('not %s', (_what, err) => {
    expect(isUnavailable(err)).toBe(false);
    expect(toAppError(err)).toBeNull();
  });
});
