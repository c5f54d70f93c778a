import type { IncomingMessage } from 'node:http';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Probes are not traced: they would be most of the traces and none of the interest. */
const UNTRACED = /^\/health(\/live|\/ready)?(\?|$)/;

/**
 * The OpenTelemetry Node SDK, exporting over OTLP/HTTP (JSON). It reads the standard OTEL_*
 * variables (endpoint, service name, sampler, batch delay; docs/operations.md). Instrumented:
 * incoming and outgoing HTTP, Fastify's routes, every MongoDB command (names and shapes: statement
 * values are not captured, so no value reaches a trace) and ioredis; our own spans
 * (libs/common/src/tracing) cover socket events, handshakes, deliveries and FCM sends.
 */
export function startTracingSdk(env: NodeJS.ProcessEnv): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'chat-backend',
    traceExporter: new OTLPTraceExporter(),
    // Metrics are Prometheus's (METRICS_PORT) and logs go to standard output.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED.test(request.url ?? '') }),
      new FastifyOtelInstrumentation({ registerOnInitialization: true, ignorePaths: (options) => UNTRACED.test(options.url) }),
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
