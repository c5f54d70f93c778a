import { Attributes, Link, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Our own spans (socket events, handshakes, deliveries, FCM sends), beside the instrumentations'
 * (HTTP, Fastify, MongoDB, ioredis). Without OTEL_EXPORTER_OTLP_ENDPOINT no SDK is started and
 * these are the API's no-op spans. Attributes are ids and names, never content or vault values.
 */
export const tracer = trace.getTracer('chat-backend');

/** Runs `work` inside a new active span, which records a thrown error and ends when `work` settles. */
export async function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes; links?: Link[] }, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The active trace's id, for log lines and error envelopes (undefined when nothing is traced). */
export function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}
