/**
 * The API's Prometheus metrics, served on METRICS_BIND (never on the public port):
 * request durations by route pattern and status, every Temporal call's latency and
 * errors (measured by a gRPC interceptor on the client's connection, so each RPC counts
 * once with its retries inside), the database pool, and Node's own process metrics.
 * One Registry per app, not prom-client's global one: tests build several apps in one process.
 */
import { InterceptingCall, status as GrpcStatus, type Interceptor } from '@grpc/grpc-js';
import { makeGrpcRetryInterceptor, defaultGrpcRetryOptions } from '@temporalio/client';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DbHandle } from '../db/client';
import { registerPoolMetrics } from '../ops/pool-metrics';

/** Seconds; from a cached read (~1 ms) to a Temporal deadline (5 s) and beyond. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'hiring_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly temporalDuration = new Histogram({
    name: 'hiring_temporal_request_duration_seconds',
    help: "The API's calls to Temporal by gRPC method (retries included), whatever their outcome",
    labelNames: ['method'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly temporalErrors = new Counter({
    name: 'hiring_temporal_request_errors_total',
    help: "The API's calls to Temporal that failed, by gRPC method and status code name",
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });

  constructor(opts: { db?: DbHandle; poolSize?: number } = {}) {
    collectDefaultMetrics({ register: this.registry });
    if (opts.db) registerPoolMetrics(this.registry, opts.db, opts.poolSize ?? 10);
  }

  /**
   * For Connection.connect: this interceptor outermost, then the SDK's default retry
   * interceptor (giving `interceptors` replaces the default, so it is added back).
   */
  temporalInterceptors(): Interceptor[] {
    return [this.grpcInterceptor(), makeGrpcRetryInterceptor(defaultGrpcRetryOptions())];
  }

  private grpcInterceptor(): Interceptor {
    return (options, nextCall) => {
      const method = options.method_definition.path.split('/').pop() || 'unknown';
      const stop = this.temporalDuration.startTimer({ method });
      return new InterceptingCall(nextCall(options), {
        start: (metadata, _listener, next) => {
          next(metadata, {
            onReceiveStatus: (s, nextStatus) => {
              stop();
              if (s.code !== GrpcStatus.OK) this.temporalErrors.inc({ method, code: GrpcStatus[s.code] ?? String(s.code) });
              nextStatus(s);
            },
          });
        },
      });
    };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/** Times every request, by its route pattern (`/v1/applications/:id`), never its raw URL. */
export const metricsPlugin = fp<{ metrics: ApiMetrics }>(
  async (app, { metrics }) => {
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (req, reply) => {
      metrics.httpDuration.observe(
        { method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  },
  { name: 'metrics' },
);
