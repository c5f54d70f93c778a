import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { AppError } from './app-error';
import { toAppError } from './to-app-error';

const named = (name: string, extra: object = {}) => Object.assign(new Error('boom'), { name }, extra);

describe('toAppError', () => {
  it('keeps an AppError as it is', () => {
    const err = new AppError('PHONE_TAKEN');
    expect(toAppError(err)).toBe(err);
    expect(err.status).toBe(409);
  });

  it.each([
    [new NotFoundException('Cannot GET /x'), 'ROUTE_NOT_FOUND', 404],
    [new BadRequestException('bad'), 'MALFORMED_REQUEST', 400],
    [new PayloadTooLargeException(), 'PAYLOAD_TOO_LARGE', 413],
    [named('MongoServerSelectionError'), 'DATABASE_UNAVAILABLE', 503],
    [named('MongoNotConnectedError'), 'DATABASE_UNAVAILABLE', 503],
    [named('CastError'), 'INVALID_ID', 400],
    [named('MongoServerError', { code: 11000 }), 'CONFLICT', 409],
    [named('FastifyError', { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), 'PAYLOAD_TOO_LARGE', 413],
    [named('FastifyError', { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }), 'UNSUPPORTED_MEDIA_TYPE', 415],
    [named('SyntaxError', { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }), 'MALFORMED_REQUEST', 400],
  ])('maps %p to %s (%i)', (thrown, code, status) => {
    const mapped = toAppError(thrown);
    expect({ code: mapped.code, status: mapped.status }).toEqual({ code, status });
  });

  it('hides the message of anything unexpected', () => {
    const mapped = toAppError(new TypeError('secret internals at /srv/app.js:12'));
    expect(mapped.code).toBe('INTERNAL');
    expect(mapped.status).toBe(500);
    expect(mapped.message).toBe('Internal error');
    expect(toAppError('a string').code).toBe('INTERNAL');
  });
});
