/**
 * OpenTelemetry tracing for the API and the worker, exported over OTLP/HTTP (JSON) to
 * OTEL_EXPORTER_OTLP_ENDPOINT (`<endpoint>/v1/traces`) or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.
 * Unset: nothing is installed and no span is made anywhere (docs/metrics.md, Tracing).
 *
 * One trace per request: the API's server span (api/plugins/tracing.ts), the Temporal
 * client's StartWorkflow/StartWorkflowUpdate spans, the workflow's RunWorkflow and
 * StartActivity spans (made in the workflow sandbox and handed out through a sink) and the
 * worker's RunActivity spans, all from `@temporalio/interceptors-opentelemetry`, linked by
 * the trace context the interceptors carry in Temporal headers.
 */
import type { ClientInterceptors } from '@temporalio/client';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetryWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../temporal.config';

type TracingConfig = Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SERVICE_NAME'>;

export interface Tracing {
  readonly tracer: Tracer;
  readonly resource: Resource;
  readonly spanProcessor: SpanProcessor;
  readonly url: string;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/** The URL spans are posted to, or undefined when tracing is off. */
export function tracesUrl(config: TracingConfig): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/**
 * Installs the process's tracer provider (AsyncLocalStorage context, W3C trace context
 * propagation) with a batching OTLP exporter, or returns undefined when no endpoint is set.
 * The batch processor's OTEL_BSP_* variables apply (default: every 5 s, up to 512 spans).
 */
export function startTracing(config: TracingConfig, serviceName: 'hiring-api' | 'hiring-worker'): Tracing | undefined {
  const url = tracesUrl(config);
  if (!url) return undefined;
  const resource = new Resource({ 'service.name': config.OTEL_SERVICE_NAME ?? serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return {
    tracer: provider.getTracer('hiring-workflow-engine'),
    resource,
    spanProcessor,
    url,
    shutdown: () => provider.shutdown(),
  };
}

/** The Temporal client's interceptors: a span per call, its context in the call's headers. */
export function clientTracingInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/**
 * The worker's part: activity spans, and the sink the workflow sandbox hands its spans to
 * (workflows/tracing-interceptors.ts, in every bundle). Without tracing the sink is still
 * registered and drops what it gets: a workflow started by a traced API makes spans even when
 * this worker exports none, and an unregistered sink would be logged as an error each time.
 */
export function workerTracingOptions(tracing: Tracing | undefined): Pick<WorkerOptions, 'sinks'> & { activityInterceptors: NonNullable<NonNullable<WorkerOptions['interceptors']>['activity']> } {
  if (!tracing) {
    const drop: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }> = { exporter: { export: { fn: () => undefined } } };
    return { sinks: drop, activityInterceptors: [] };
  }
  return {
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
    activityInterceptors: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
  };
}
