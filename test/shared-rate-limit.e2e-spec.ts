import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { freshDatabaseUri } from '@app/testing';
import { ServerProcess, sign, Store } from './support/fault-harness';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/** With REDIS_URL, one user's budget is one budget, whichever process their requests reach. */
describe('Rate limits shared by two processes through Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let store: Store;
  const mongodbUri = freshDatabaseUri();

  beforeAll(async () => {
    store = await Store.connect(mongodbUri);
    const env = {
      MONGODB_URI: mongodbUri, REDIS_URL, REDIS_KEY_PREFIX: `shared-rate-${randomBytes(4).toString('hex')}`,
      REST_REQUESTS_PER_MINUTE: '6', SOCKET_EVENTS_PER_SECOND: '4',
    };
    [a, b] = await Promise.all([ServerProcess.create(env), ServerProcess.create(env)]);
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
  });

  it('counts REST requests of one user on both processes together, and leaves another user alone', async () => {
    const [{ sender: greedy, recipient: other }] = await store.pairs(1);
    const get = (server: ServerProcess, user: string) => fetch(`${server.url}/Network/Members`, { headers: { authorization: `Bearer ${sign(user)}` } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(i % 2 ? b : a, greedy)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await get(a, greedy)).status).toBe(429);
    expect((await get(b, greedy)).status).toBe(429);
    expect((await get(b, other)).status).toBe(200);
  });

  it('counts socket events of one user on both processes together', async () => {
    const [{ sender }] = await store.pairs(1);
    const [onA, onB] = [a, b].map((s) => io(s.url, { transports: ['websocket'], auth: { token: sign(sender) }, forceNew: true, reconnection: false }));
    await Promise.all([onA, onB].map((s) => new Promise<void>((resolve) => s.once('connect', () => resolve()))));
    try {
      // Four events a second in all: five at once, split over the two processes, leave one refused.
      const acks = await Promise.all([onA, onB, onA, onB, onA].map((socket) => socket.timeout(5000).emitWithAck('sync', {})));
      const outcomes = acks.map((ack) => ack.error?.code ?? ack.status).sort();
      expect(outcomes).toEqual(['RATE_LIMITED', 'synced', 'synced', 'synced', 'synced']);
    } finally {
      onA.close();
      onB.close();
    }
  });
});
