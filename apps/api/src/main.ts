// First: later modules load from Node's compile cache (start-up counts: healthy within 5 s of a crash).
import './compile-cache';
// Second: the OpenTelemetry SDK must be running before the modules it instruments are loaded.
import './bootstrap/tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import pino from 'pino';
import { AppConfig, ConfigurationError } from '@app/common';
import { createApp } from './bootstrap/create-app';
import { installGracefulShutdown } from './bootstrap/graceful-shutdown';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  try {
    const app = await createApp(config);
    installGracefulShutdown(app, config);
    await app.listen({ port: config.port, host: config.host });
    const logger = new Logger('Bootstrap');
    if (config.auth.generatedSecretFile) {
      logger.warn(`AUTH_JWT_SECRET is not set: using the development secret kept in ${config.auth.generatedSecretFile}`);
    }
    logger.log(`listening on http://${config.host}:${config.port}; Swagger UI at /docs`);
  } catch (err) {
    // One JSON line naming what stopped the start-up (a database that never answered, a port in use).
    pino({ level: config.logLevel }).fatal({ context: 'Bootstrap', cause: err instanceof Error ? err.name : typeof err }, `start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  // Before the configuration is read there is no logger: the reason goes to stderr as text.
  console.error(err instanceof ConfigurationError ? err.message : err);
  process.exit(1);
});
