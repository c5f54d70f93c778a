import type { IncomingMessage } from 'node:http';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Probes and scrapes are not traced: they would be most of the traces and none of the interest. */
const UNTRACED = /^\/health\/(live|ready)(\?|$)/;

/**
 * OpenTelemetry traces over OTLP (HTTP, JSON) when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise nothing is started and every span is the
 * API's no-op. The SDK reads the standard OTEL_* variables (service name, sampler, batch delay;
 * docs/operations.md). Instrumented: incoming and outgoing HTTP, Fastify's routes, every MongoDB
 * command (names and shapes: the instrumentation's statement capture stays off, so no value reaches
 * a trace) and ioredis; our own spans cover socket events, handshakes, deliveries and FCM sends.
 * Started before anything else is loaded (main.ts), so the instrumentations see the modules load.
 */
function startTracing(env: NodeJS.ProcessEnv): NodeSDK | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
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

const sdk = startTracing(process.env);

/** Sends the spans still buffered (shutdown's last phase); bounded by the exporter's own timeout. */
export async function flushTraces(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
}
