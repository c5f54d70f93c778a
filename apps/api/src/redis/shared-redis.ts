import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '@app/common';
import { watchRedis } from './redis-watch';

/**
 * The Redis connection for what processes share (presence, rate limits), when REDIS_URL is set.
 * Keys start with REDIS_KEY_PREFIX. (The socket.io adapter opens its own pub/sub pair.)
 */
@Injectable()
export class SharedRedis implements OnApplicationShutdown {
  readonly client?: Redis;
  readonly prefix: string;
  private readonly logger = new Logger(SharedRedis.name);

  constructor(config: AppConfig) {
    this.prefix = config.redis?.keyPrefix ?? 'chat';
    if (config.redis) {
      // No offline queue: while Redis is away a command fails at once (rate limits fall back to
      // memory, presence updates are renewed later) instead of waiting for a reconnection that a
      // flapping link may never complete (rate-limiter-flexible's advice for ioredis).
      // And a command answered by no one within a second fails: a link that accepts and drops
      // connections would otherwise hold it for a resend that never comes.
      this.client = new Redis(config.redis.url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, commandTimeout: 1000, lazyConnect: false });
      // While Redis is away ioredis reconnects by itself; an outage is worth a line, not a crash.
      watchRedis(this.client, this.logger, 'Redis');
    }
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => undefined);
  }
}
