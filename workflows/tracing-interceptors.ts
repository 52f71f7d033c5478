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
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { Headers, WorkflowInterceptors } from '@temporalio/workflow';

/** Where the interceptors carry the trace context (their TRACE_HEADER). */
const TRACE_HEADER = '_tracer-data';
const carriesTrace = (headers: Headers) => headers[TRACE_HEADER] !== undefined;

export const interceptors = (): WorkflowInterceptors => {
  let inbound: OpenTelemetryInboundInterceptor | undefined;
  let outbound: OpenTelemetryOutboundInterceptor | undefined;
  /** Set once a traced call reaches this workflow: from then on its outbound calls are traced too. */
  let traced = false;
  const tracedInbound = () => {
    traced = true;
    return (inbound ??= new OpenTelemetryInboundInterceptor());
  };
  const tracedOutbound = () => (traced ? (outbound ??= new OpenTelemetryOutboundInterceptor()) : undefined);
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
          void new OpenTelemetryInternalsInterceptor().dispose(input, next);
        },
      },
    ],
  };
};
