import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import type { AppConfig } from '../config/app-config';
import { startupChatterAtDebug } from './startup-chatter';

/**
 * The logger Nest uses while the application is being built, before nestjs-pino's logger exists:
 * each line is written as it happens (JSON, the same level, message and context as later lines), so
 * a start-up that waits on a database says so at once instead of when it is over.
 */
export class BootstrapLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(config: Pick<AppConfig, 'logLevel' | 'logStream'>) {
    this.pino = pino({ level: config.logLevel, hooks: startupChatterAtDebug }, config.logStream ?? process.stdout);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  /** Nest passes the context as the last argument (and a stack before it, for errors). */
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const fields = typeof message === 'object' && message !== null ? { ...message, context } : { context };
    this.pino[level](fields, typeof message === 'string' ? message : undefined);
  }
}
