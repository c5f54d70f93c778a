import { Redis } from 'ioredis';

/**
 * The Redis suites (several processes sharing rooms, presence and rate limits; outages) need a real
 * Redis at REDIS_TEST_URL. Without one the run stops here, naming it, instead of failing those
 * suites one by one with connection errors.
 */
export async function requireRedis(url = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379'): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `The tests need Redis at ${url} (REDIS_TEST_URL), and none answered (${(err as Error).message.replace(/\.$/, '')}). ` +
        'Start one, e.g. `redis-server --daemonize yes --save "" --appendonly no` (Debian: apt-get install redis-server); see README.md "Prerequisites".',
      { cause: err },
    );
  } finally {
    client.disconnect();
  }
}
