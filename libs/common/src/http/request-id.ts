import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = Symbol('requestId');
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

type WithRequestId = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * The request id of a raw request: the caller's `x-request-id` when it is a sane token, else a new
 * UUID. Fastify and the HTTP logger both ask this, so they agree.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const req = raw as WithRequestId;
  if (!req[REQUEST_ID]) {
    const header = req.headers['x-request-id'];
    req[REQUEST_ID] = typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
  }
  return req[REQUEST_ID];
}
