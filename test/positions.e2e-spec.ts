import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { FerretDbServer } from '@app/embedded-db';
import { connectTo, ServerProcess, sign, startDatabase, Store } from './support/fault-harness';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/**
 * A new message's position in its conversation (issue 32): concurrent messages take theirs
 * together, one compare-and-set per conversation and batch, from what the process last wrote. Two
 * processes writing one conversation make each other's hints stale; every message still gets a
 * position of its own, and the history shows each once.
 */
describe('Message positions under concurrency', () => {
  let database: { server: FerretDbServer; uri: string };
  let store: Store;
  let a: ServerProcess;
  let b: ServerProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    database = await startDatabase();
    store = await Store.connect(database.uri);
    const env = { MONGODB_URI: database.uri, REDIS_URL, REDIS_KEY_PREFIX: `positions-${randomBytes(4).toString('hex')}` };
    [a, b] = await Promise.all([ServerProcess.create(env), ServerProcess.create(env)]);
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await database?.server.stop();
  });

  const sendAll = (socket: Socket, from: string, to: string, prefix: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) => socket.emitWithAck('im', { from, to, uniqueid: `${prefix}-${i}`, msg: `${prefix} ${i}` }) as Promise<{ status: string }>),
    );

  it('gives every message of one conversation its own position, from one process and from two at once', async () => {
    const [{ sender, recipient }] = await store.pairs(1);
    const [senderOnA, recipientOnB] = [await connectTo(a.url, sender), await connectTo(b.url, recipient)];
    sockets.push(senderOnA, recipientOnB);

    // The conversation's first message makes it; then 60 at once through one process (batches
    // holding several positions of the one conversation), then 60 from each side through two.
    expect((await sendAll(senderOnA, sender, recipient, 'first', 1))[0].status).toBe('sent');
    const acks = [
      ...(await sendAll(senderOnA, sender, recipient, 'one', 60)),
      ...(await Promise.all([sendAll(senderOnA, sender, recipient, 'a', 60), sendAll(recipientOnB, recipient, sender, 'b', 60)])).flat(),
    ];
    expect(acks.every((ack) => ack.status === 'sent')).toBe(true);

    const history = (await (await fetch(`${a.url}/Chat/Conversation?withUserId=${recipient}`, { headers: { Authorization: `Bearer ${sign(sender)}` } })).json()) as {
      data: { id: string; messages: { uniqueid: string }[] };
    };
    const shown = history.data.messages.map((m) => m.uniqueid);
    expect(shown).toHaveLength(181);
    expect(new Set(shown).size).toBe(181);
    // Positions 1 to 181, each taken once: none shared, none skipped (no message was a resend).
    const positions = (await store.positionsIn(history.data.id)).sort((x, y) => x - y);
    expect(positions).toEqual(Array.from({ length: 181 }, (_, i) => i + 1));
  });

  it('reads the positions of conversations a process has not written yet together, and goes on from them', async () => {
    const pairs = await store.pairs(10);
    // Each conversation made through process a; process b has never written any of them.
    for (const { sender, recipient } of pairs) {
      const socket = await connectTo(a.url, sender);
      sockets.push(socket);
      expect((await sendAll(socket, sender, recipient, 'made-on-a', 1))[0].status).toBe('sent');
    }
    const onB = await Promise.all(pairs.map(({ sender }) => connectTo(b.url, sender)));
    sockets.push(...onB);
    const acks = (await Promise.all(pairs.map(({ sender, recipient }, i) => sendAll(onB[i], sender, recipient, `on-b-${i}`, 5)))).flat();
    expect(acks.every((ack) => ack.status === 'sent')).toBe(true);

    for (const { sender, recipient } of pairs) {
      const history = (await (await fetch(`${b.url}/Chat/Conversation?withUserId=${recipient}`, { headers: { Authorization: `Bearer ${sign(sender)}` } })).json()) as {
        data: { id: string; messages: unknown[] };
      };
      expect(history.data.messages).toHaveLength(6);
      expect((await store.positionsIn(history.data.id)).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });
});
