import type { LoggerOptions } from 'pino';

/**
 * Nest's own start-up lines (every module initialised, every route mapped: ~70 of them) go to
 * debug, so a start at info shows what a person needs: starting, the banner, warnings.
 * `LOG_LEVEL=debug` shows the route table again.
 */
const CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'WebSocketsController']);
const INFO = 30;

export const startupChatterAtDebug: NonNullable<LoggerOptions['hooks']> = {
  logMethod(args, method, level) {
    const [first] = args as unknown[];
    const context = typeof first === 'object' && first !== null ? (first as { context?: unknown }).context : undefined;
    if (level === INFO && typeof context === 'string' && CHATTER.has(context)) {
      (this.debug as (...a: unknown[]) => void)(...args);
      return;
    }
    method.apply(this, args);
  },
};
