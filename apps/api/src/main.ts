// First: later modules load from Node's compile cache (start-up counts: healthy within 5 s of a crash).
import './compile-cache';
// Second: the OpenTelemetry SDK (when configured) must be running before the modules it instruments load.
import './bootstrap/tracing';
import 'reflect-metadata';
import pino from 'pino';
import { AppConfig, ConfigurationError, withoutCredentials } from '@app/common';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const log = pino({ level: config.logLevel });
  // The first line, before the application's modules load (about a second): what starts, on what.
  log.info({ context: 'Bootstrap' }, `starting (NODE_ENV=${config.nodeEnv}; database ${config.mongodbUri ? withoutCredentials(config.mongodbUri) : 'embedded FerretDB'}; Redis ${config.redis ? 'configured' : 'none'})`);
  try {
    const { createApp } = await import('./bootstrap/create-app');
    const { installGracefulShutdown } = await import('./bootstrap/graceful-shutdown');
    const app = await createApp(config);
    installGracefulShutdown(app, config);
    await app.listen({ port: config.port, host: config.host });
    if (config.auth.generatedSecretFile) {
      log.warn({ context: 'Bootstrap' }, `AUTH_JWT_SECRET is not set: using the development secret kept in ${config.auth.generatedSecretFile}`);
    }
    // The banner: where to go, as full URLs (a wildcard address is reached as localhost).
    const base = `http://${['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host}:${config.port}`;
    const demo = config.demoPage ? { demoPage: `${base}/demo` } : {};
    log.info(
      { context: 'Bootstrap', api: base, swaggerUi: `${base}/docs`, health: `${base}/health`, ...demo },
      `listening on ${base} (bound to ${config.host}): Swagger UI ${base}/docs, ${demo.demoPage ? `demo page ${demo.demoPage}, ` : ''}health ${base}/health; the route table is logged at LOG_LEVEL=debug`,
    );
  } catch (err) {
    // One JSON line naming what stopped the start-up (a database that never answered, a port in use).
    log.fatal({ context: 'Bootstrap', cause: err instanceof Error ? err.name : typeof err }, `start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  // Before the configuration is read there is no logger: the reason goes to stderr as text.
  console.error(err instanceof ConfigurationError ? err.message : err);
  process.exit(1);
});
