import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Traces are on when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set;
 * otherwise no SDK is loaded and every span is the API's no-op. Imported by main.ts before
 * anything else, so the instrumentations see the modules they patch load. The SDK is loaded
 * synchronously and only when wanted: it costs about a quarter of a second at start-up.
 */
function startTracing(env: NodeJS.ProcessEnv): NodeSDK | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  // A synchronous load on purpose (an import() would let the instrumented modules load first).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  return startTracingSdk(env);
}

const sdk = startTracing(process.env);

/** Sends the spans still buffered (shutdown's last phase); bounded by the exporter's own timeout. */
export async function flushTraces(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
}
