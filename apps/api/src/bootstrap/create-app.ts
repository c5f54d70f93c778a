import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, BootstrapLogger, createValidationPipe, HttpExceptionFilter, requestIdOf } from '@app/common';
import { AppModule } from '../app.module';
import { Metrics } from '../metrics/metrics.service';
import { ConfiguredIoAdapter } from '../realtime/socket-io.adapter';
import { clientErrorHandler, frameworkErrors, installBodyParsers, installMethodNotAllowed, MAX_PARAM_LENGTH } from './http-edges';
import { setupSwagger } from './swagger';

/**
 * Builds the whole application (Fastify, pipes, filter, Swagger) the same way for the server,
 * the CLIs and the tests. The caller decides whether to listen.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdOf,
    // X-Forwarded-For names the client only when the peer is a listed proxy (TRUSTED_PROXIES):
    // otherwise anyone could choose the address their per-IP limit counts against.
    trustProxy: config.trustedProxies?.length ? config.trustedProxies : false,
    // The customer's routes are ASP.NET-style (/Chat/Message/Add), where clients are used to
    // case-insensitive paths; docs/decisions.md.
    routerOptions: { caseSensitive: false, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  installBodyParsers(fastify);
  installMethodNotAllowed(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    // Written as they happen (a database that does not answer is named at once), then nestjs-pino.
    logger: new BootstrapLogger(config),
    abortOnError: false,
    // JSON only, through our parser (installBodyParsers): no form bodies, an empty body is no body.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // HTTP latency by route pattern (never the path itself: ids stay out of the labels). Routes are
  // registered at init, after this hook.
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpSeconds.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  // Multipart only where a route reads it (POST /Chat/Attachments); a file part larger than the
  // attachment limit fails as it streams, not after.
  await app.register(multipart, { limits: { fileSize: config.attachments.maxBytes, files: 1, fields: 4, fieldSize: 1024 }, throwFileSizeLimit: true });
  // Security headers; the content policy lets Swagger UI (/docs) run its own scripts and styles, and
  // does not ask browsers to upgrade to HTTPS (an admin opening /docs by host name over plain HTTP
  // would get a blank page; TLS is the proxy's to enforce, with HSTS).
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  // Browsers on other origins only if listed (CORS_ORIGINS), for every method the API uses; the
  // socket handshake applies the same list.
  app.enableCors({
    origin: config.socket.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    credentials: false,
    // An OPTIONS that is no preflight (no Origin) gets the preflight's answer, not a 400 in text.
    strictPreflight: false,
    // tus uploads (PATCH, HEAD) read these; tus writes the rest of its CORS answers itself.
    exposedHeaders: ['x-request-id', 'retry-after', 'location', 'upload-offset', 'upload-length', 'tus-resumable', 'upload-metadata'],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useWebSocketAdapter(new ConfiguredIoAdapter(app, config));
  // No shutdown hooks here: the server's SIGTERM is graceful-shutdown.ts (drain, then close);
  // CLIs and tests close the app themselves.
  setupSwagger(app);
  return app;
}
