import { HttpException } from '@nestjs/common';
import { AppError } from './app-error';
import { ErrorCode } from './error-codes';

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'DATABASE_UNAVAILABLE',
};

const DATABASE_DOWN_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
}

/**
 * Maps anything thrown (our AppError, Nest's HttpException, Fastify's parser errors, driver errors)
 * to an AppError. Unknown errors become INTERNAL, whose message never leaves the server.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HttpException) {
    const code = CODE_BY_HTTP_STATUS[err.getStatus()] ?? (err.getStatus() < 500 ? 'MALFORMED_REQUEST' : 'INTERNAL');
    return new AppError(code, code === 'INTERNAL' ? undefined : err.message);
  }
  if (err instanceof Error) {
    if (DATABASE_DOWN_ERRORS.has(err.name)) return new AppError('DATABASE_UNAVAILABLE');
    if (err.name === 'CastError') return new AppError('INVALID_ID');
    if ((err as { code?: unknown }).code === 11000) return new AppError('CONFLICT');
    const fastify = err as FastifyLikeError;
    if (typeof fastify.code === 'string' && fastify.code.startsWith('FST_') && fastify.statusCode) {
      const code = CODE_BY_HTTP_STATUS[fastify.statusCode];
      if (code && fastify.statusCode < 500) {
        // Fastify's own messages echo the path or body: never sent on.
        return new AppError(code, fastify.code.startsWith('FST_ERR_CTP_') && fastify.statusCode === 400 ? 'Malformed request body' : undefined);
      }
    }
  }
  return new AppError('INTERNAL');
}
