/**
 * Workflow interceptors for OpenTelemetry tracing, in every workflow bundle
 * (privacy/data-converter.ts, bundleOptions). Not a workflow.
 *
 * A workflow is traced when the call that started it carried a trace context (the API's
 * Temporal client adds one when tracing is on, ops/tracing.ts); a signal or update is traced
 * when it carries one. Otherwise every call passes straight through: with tracing off nothing
 * here makes a span, and histories recorded before tracing existed replay unchanged.
 * Traced calls go through `@temporalio/interceptors-opentelemetry`'s own interceptors, which
 * add no commands (only headers), so tracing never changes what a workflow does.
 */
import type * as Otel from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { Headers, WorkflowInterceptors } from '@temporalio/workflow';

/**
 * The OpenTelemetry interceptors, loaded by the first traced call. Every module a workflow
 * loads is instantiated again for each workflow the worker caches (the SDK's reusable
 * context keeps a module cache per workflow), and these bring @opentelemetry/api, core and
 * sdk-trace-base, about half of the bundle: loaded eagerly, every cached workflow held its
 * own copy whether it was traced or not (bench/RESULTS.md, worker memory).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require: webpack bundles it, the workflow evaluates it on first use
const otel = (): typeof Otel => require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof Otel;

/** Where the interceptors carry the trace context (their TRACE_HEADER). */
const TRACE_HEADER = '_tracer-data';
const carriesTrace = (headers: Headers) => headers[TRACE_HEADER] !== undefined;

export const interceptors = (): WorkflowInterceptors => {
  let inbound: Otel.OpenTelemetryInboundInterceptor | undefined;
  let outbound: Otel.OpenTelemetryOutboundInterceptor | undefined;
  /** Set once a traced call reaches this workflow: from then on its outbound calls are traced too. */
  let traced = false;
  const tracedInbound = () => {
    traced = true;
    return (inbound ??= new (otel().OpenTelemetryInboundInterceptor)());
  };
  const tracedOutbound = () => (traced ? (outbound ??= new (otel().OpenTelemetryOutboundInterceptor)()) : undefined);
  return {
    inbound: [
      {
        execute: (input, next) => (carriesTrace(input.headers) ? tracedInbound().execute(input, next) : next(input)),
        handleSignal: (input, next) => (carriesTrace(input.headers) ? tracedInbound().handleSignal(input, next) : next(input)),
        handleUpdate: (input, next) => (carriesTrace(input.headers) ? tracedInbound().handleUpdate(input, next) : next(input)),
        validateUpdate: (input, next) => (carriesTrace(input.headers) ? tracedInbound().validateUpdate(input, next) : next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => tracedOutbound()?.scheduleActivity(input, next) ?? next(input),
        scheduleLocalActivity: (input, next) => tracedOutbound()?.scheduleLocalActivity(input, next) ?? next(input),
        startChildWorkflowExecution: (input, next) => tracedOutbound()?.startChildWorkflowExecution(input, next) ?? next(input),
        continueAsNew: (input, next) => tracedOutbound()?.continueAsNew(input, next) ?? next(input),
        signalWorkflow: (input, next) => tracedOutbound()?.signalWorkflow(input, next) ?? next(input),
        getLogAttributes: (input, next) => tracedOutbound()?.getLogAttributes(input, next) ?? next(input),
      },
    ],
    internals: [
      {
        // Disables the interceptors' context manager, when this workflow made one.
        dispose: (input, next) => {
          if (!inbound && !outbound) return next(input);
          // The SDK's dispose is async only in its signature: it disables and calls next at once.
          void new (otel().OpenTelemetryInternalsInterceptor)().dispose(input, next);
        },
      },
    ],
  };
};
