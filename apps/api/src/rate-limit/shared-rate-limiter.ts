import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { SharedRedis } from '../redis/shared-redis';

/**
 * A budget of `points` per key per `duration` seconds, counted in Redis when REDIS_URL is set (so
 * all processes share it). While Redis is away the count falls back to this process's memory
 * (rate-limiter-flexible's insurance limiter): a Redis outage neither lets floods through nor turns
 * every request into a false "too many".
 */
export function sharedRateLimiter(redis: SharedRedis, name: string, points: number, duration: number): RateLimiterAbstract {
  const local = new RateLimiterMemory({ points, duration });
  if (!redis.client) return local;
  return new RateLimiterRedis({ points, duration, storeClient: redis.client, keyPrefix: redis.key(name), insuranceLimiter: local });
}
