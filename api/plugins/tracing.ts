/**
 * The API's server span: one per request, named by method and route pattern
 * (`POST /v1/applications`, never the raw URL, which can carry candidate tokens), a child of
 * the caller's W3C `traceparent` when it sends one. The span is the active context while
 * the route's hooks and handler run, so the Temporal client's spans (ops/tracing.ts) are its
 * children. Registered only when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT).
 */
import fp from 'fastify-plugin';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';

declare module 'fastify' {
  interface FastifyRequest {
    otelSpan?: Span;
    otelContext?: Context;
  }
}

export default fp<{ tracer: Tracer }>(
  async (app, { tracer }) => {
    app.decorateRequest('otelSpan', undefined);
    app.decorateRequest('otelContext', undefined);
    app.addHook('onRequest', (req, _reply, done) => {
      const route = req.routeOptions.url ?? 'unmatched';
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer.startSpan(
        `${req.method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': route, 'hiring.request_id': req.id } },
        parent,
      );
      req.otelSpan = span;
      req.otelContext = trace.setSpan(parent, span);
      // The rest of the onRequest hooks (authentication) run inside the span.
      context.with(req.otelContext, done);
    });
    // The body has been read by now (in the stream's own context): enter the span again for
    // the handler, which is called from this hook's `done`.
    app.addHook('preHandler', (req, _reply, done) => {
      if (req.otelContext) context.with(req.otelContext, done);
      else done();
    });
    app.addHook('onError', (req, _reply, error, done) => {
      req.otelSpan?.recordException(error);
      done();
    });
    app.addHook('onRequestAbort', (req, done) => {
      req.otelSpan?.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the request' });
      req.otelSpan?.end();
      req.otelSpan = undefined;
      done();
    });
    app.addHook('onResponse', (req, reply, done) => {
      const span = req.otelSpan;
      if (span) {
        span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      done();
    });
  },
  { name: 'tracing' },
);
