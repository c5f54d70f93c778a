import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from '../http/request-id';
import { currentTraceId } from '../tracing/spans';
import { startupChatterAtDebug } from './startup-chatter';

/** Query parameters that may carry a credential (socket.io clients send `token`). */
const SECRET_QUERY = /([?&](?:token|access_token)=)[^&]*/gi;

export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[redacted]');
}

/**
 * Structured JSON logs through pino, one line per request with its request id. Bodies are never
 * logged, and neither are credentials: personal data stays out of the logs.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Probes are asked every few seconds by every orchestrator: not a line each.
        exclude: ['health', 'health/live', 'health/ready'].map((path) => ({ method: RequestMethod.ALL, path })),
        pinoHttp: [
          {
            level: config.logLevel,
            hooks: startupChatterAtDebug,
            // The trace id beside the request id, on every line written inside a traced span.
            mixin: () => {
              const traceId = currentTraceId();
              return traceId ? { traceId } : {};
            },
            genReqId: (req: IncomingMessage) => requestIdOf(req),
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'err.config'], censor: '[redacted]' },
            serializers: {
              req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
              res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
            },
            customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
          config.logStream ?? process.stdout,
        ],
      }),
    }),
  ],
})
export class AppLoggingModule {}
