import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * Logs a Redis connection's outages, one line each instead of one per reconnection attempt:
 * "unavailable" when it first fails (at start-up too), "back" with the attempts it took when it
 * is ready again. ioredis keeps reconnecting by itself meanwhile; what is shared through Redis
 * falls back to this process alone (docs/operations.md).
 */
export function watchRedis(client: Redis, logger: Logger, name: string): void {
  let down = false;
  let failures = 0;
  client.on('error', (err: Error) => {
    failures += 1;
    if (down) return;
    down = true;
    logger.warn(`${name} unavailable (${err.message}): this process works alone until it is back; retrying`);
  });
  // At debug level, every attempt (what an outage looks like up close).
  client.on('reconnecting', () => logger.debug(`${name} reconnecting (attempt ${failures + 1})`));
  client.on('ready', () => {
    if (down) logger.log(`${name} back after ${failures} failed attempt${failures === 1 ? '' : 's'}`);
    else logger.log(`${name} connected`);
    down = false;
    failures = 0;
  });
}
