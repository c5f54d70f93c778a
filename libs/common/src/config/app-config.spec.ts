import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config';

describe('AppConfig.fromEnvironment', () => {
  const base = { DATA_DIR: mkdtempSync(join(tmpdir(), 'app-config-')), AUTH_JWT_SECRET: 'x'.repeat(32) };

  it.each([
    ['the embedded database', {}, { pool: 4, inFlight: 1 }],
    ['MongoDB', { MONGODB_URI: 'mongodb://db/chat' }, { pool: 100, inFlight: 25 }],
    ['a pool of 10', { MONGODB_URI: 'mongodb://db/chat', MONGODB_MAX_POOL_SIZE: '10' }, { pool: 10, inFlight: 2 }],
  ])('gives a reconnect storm its quarter of the pool for reads and for handshakes on %s', (_, env, { pool, inFlight }) => {
    const config = AppConfig.fromEnvironment({ ...base, ...env });
    expect(config.mongodbMaxPoolSize).toBe(pool);
    expect(config.chat.syncReadsInFlight).toBe(inFlight);
    expect(config.socket.handshakesInFlight).toBe(inFlight);
  });

  it('takes the bulkheads as given', () => {
    const config = AppConfig.fromEnvironment({ ...base, SYNC_READS_IN_FLIGHT: '3', SOCKET_HANDSHAKES_IN_FLIGHT: '5' });
    expect(config.chat.syncReadsInFlight).toBe(3);
    expect(config.socket.handshakesInFlight).toBe(5);
  });

  it.each([
    ['development', {}, true],
    ['production', { NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/chat' }, false],
    ['production with DEMO_PAGE=on', { NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/chat', DEMO_PAGE: 'on' }, true],
    ['development with DEMO_PAGE=off', { DEMO_PAGE: 'off' }, false],
  ])('serves the demo page in %s: %s', (_, env, served) => {
    expect(AppConfig.fromEnvironment({ ...base, ...env }).demoPage).toBe(served);
  });
});
