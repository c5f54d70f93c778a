import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorEnvelope, sendError, statusOf } from '@app/common';

/**
 * What HTTP clients we did not write send at the edges, answered in our error envelope
 * (docs/decisions.md, "Clients we did not write"): refusals Fastify or Node's parser make before any route runs,
 * an empty JSON body, a wrong method.
 */

/** The longest path parameter (FCM registration tokens are 150 to 180 characters; ours allow 4,096). */
export const MAX_PARAM_LENGTH = 4096;

const logger = new Logger('HttpEdges');

/** Fastify's own refusals (a path parameter over the bound, a malformed URL) in the envelope. */
export function frameworkErrors(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  sendError(reply, request, error, logger);
}

/**
 * Refusals of Node's HTTP parser, before there is a request (headers over the bound: 431; a
 * request that timed out: 408; anything unparsable: 400), in the envelope, on the raw socket.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('HEADERS_TOO_LARGE')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('REQUEST_TIMEOUT')
        : new AppError('MALFORMED_REQUEST');
  if (socket.writable) {
    const status = statusOf(error.code);
    const body = JSON.stringify(errorEnvelope(error.code, error.message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/**
 * JSON bodies: an empty body with a JSON content type (what many mobile HTTP stacks send on every
 * POST and DELETE) is no body; anything else goes to Fastify's own parser (prototype-poisoning
 * checks included). Only JSON is taken: a text/plain body is 415 like any other type. Besides
 * JSON, tus upload bytes (`application/offset+octet-stream`) are left unread for the tus server
 * to stream to storage, and multipart/form-data is @fastify/multipart's (createApp).
 */
export function installBodyParsers(fastify: FastifyInstance): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    json(request, body as string, done);
  });
  fastify.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null, undefined));
}

/**
 * A known path with a method it does not take is 405 with `Allow` (RFC 9110 section 15.5.6), not
 * 404. The routes are collected as they are registered; the paths are case-insensitive like the
 * router's.
 */
export function installMethodNotAllowed(fastify: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  const byUrl = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  fastify.addHook('onRoute', (route) => {
    if (route.url === '*' || route.url.startsWith('/docs')) return;
    let entry = byUrl.get(route.url);
    if (!entry) {
      const source = route.url
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      entry = { pattern: new RegExp(`^${source}/?$`, 'i'), methods: new Set() };
      byUrl.set(route.url, entry);
      routes.push(entry);
    }
    for (const method of [route.method].flat()) entry.methods.add(method);
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0];
    const allowed = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]));
    if (allowed.size === 0 || allowed.has(request.method)) return;
    void reply.header('allow', [...allowed].sort().join(', '));
    sendError(reply, request, new AppError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here: ${[...allowed].sort().join(', ')}`), logger);
    return reply;
  });
}
