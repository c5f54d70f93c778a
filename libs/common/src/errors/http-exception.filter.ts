import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentTraceId } from '../tracing/spans';
import { errorEnvelope } from './error-envelope';
import { toAppError } from './to-app-error';

/** The one HTTP exception filter: every error leaves the server as the CONTRACT section 3 envelope. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendError(reply, request, exception, this.logger);
  }
}

export function sendError(reply: FastifyReply, request: FastifyRequest, exception: unknown, logger: Logger): void {
  const error = toAppError(exception);
  if (error.status >= 500) {
    // The cause stays in the log (with its request id); the client gets the registry's message.
    logger.error({ err: exception, requestId: request.id, code: error.code }, 'request failed');
  }
  void reply
    .status(error.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(errorEnvelope(error.code, error.message, error.details, request.id, currentTraceId()));
}
