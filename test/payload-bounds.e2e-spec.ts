import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import { freshDatabaseUri } from '@app/testing';
import { ServerProcess, sign, Store } from './support/fault-harness';
import { chatAs } from './support/chat-client';
import { conversationFixture } from './support/session';
import { connect, disconnected, emitAck } from './support/socket-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Every size bound, over REST and the socket: the refusal is a 413/400 or an error ack that names
 * the bound, nothing is stored, and a flood of oversized frames costs the server nothing lasting.
 * Bounds of this test app: body 64 KiB, socket frame 16 KiB, text 1,000 characters.
 */
describe('Payload bounds', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const im = (from: string, to: string, msg: string) => ({ to, from, msg, uniqueid: randomUUID() });

  it('refuses a body over BODY_LIMIT_BYTES with 413 on every write route, and stores nothing', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const huge = 'x'.repeat(70 * 1024);
    for (const [method, path] of [['post', '/Chat/Message/Add'], ['post', '/Chat/Sync'], ['put', '/Vault'], ['post', '/Push/Tokens']] as const) {
      const res = await app.http()[method](path).set(alice.auth).send({ text: huge });
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 413, code: 'PAYLOAD_TOO_LARGE' });
    }
    const history = await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200);
    expect(history.body.data.messages).toEqual([]);
    const list = await chatAs(app, alice).list().expect(200);
    expect(list.body.data.find((c: { conversationId: string }) => c.conversationId === conversationId)).toMatchObject({ messagesCount: 0 });
  });

  it('refuses text over MESSAGE_TEXT_MAX_LENGTH over REST and socket, and takes exactly the maximum', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const over = await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, text: 'y'.repeat(1001) });
    expect(over.status).toBe(400);
    const socket = await connect(app, alice.token);
    try {
      expect(await emitAck(socket, 'im', im(alice.user.id, bob.user.id, 'y'.repeat(1001)))).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
      expect(await emitAck(socket, 'im', im(alice.user.id, bob.user.id, 'y'.repeat(1000)))).toMatchObject({ status: 'sent' });
    } finally {
      socket.close();
    }
    const history = await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200);
    expect(history.body.data.messages.map((m: { text: string }) => m.text.length)).toEqual([1000]);
  });

  it('refuses arrays over their bounds: sync messages (100) and statuses (500), vault fields (100), DRFI paths (200)', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const socket = await connect(app, alice.token);
    try {
      const tooManyMessages = Array.from({ length: 101 }, () => im(alice.user.id, bob.user.id, 'm'));
      expect(await emitAck(socket, 'sync', { messages: tooManyMessages })).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
    } finally {
      socket.close();
    }
    // 501 statuses are more than a socket frame holds (the frame bound comes first there): over REST.
    const tooManyStatuses = Array.from({ length: 501 }, () => ({ status: 'delivered', uniqueid: randomUUID(), sender: bob.user.id }));
    const sync = await app.http().post('/Chat/Sync').set(alice.auth).send({ statuses: tooManyStatuses });
    expect(sync.status).toBe(400);
    expect(sync.body.error.details.map((d: { field: string }) => d.field)).toContain('statuses');
    const fields = Array.from({ length: 101 }, () => ({ path: '.contact.email', value: 'a@example.com' }));
    expect((await app.http().put('/Vault').set(alice.auth).send({ fields })).status).toBe(400);
    const drfiPaths = Array.from({ length: 201 }, () => '.contact.email');
    expect((await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, type: 'drfi', drfiPaths })).status).toBe(400);
    const history = await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200);
    expect(history.body.data.messages).toEqual([]);
  });

  it('closes every connection that sends an oversized frame in a flood, and keeps serving', async () => {
    const { alice, bob } = await conversationFixture(app);
    const flood = 100;
    const closed = await Promise.all(
      Array.from({ length: flood }, async () => {
        const socket = await connect(app, alice.token);
        const done = disconnected(socket);
        socket.emit('im', im(alice.user.id, bob.user.id, 'z'.repeat(20 * 1024)));
        return done;
      }),
    );
    expect(closed).toEqual(Array(flood).fill('transport close'));
    // Still serving: a normal client sends and the frames stored nothing.
    const socket = await connect(app, alice.token);
    try {
      expect(await emitAck(socket, 'im', im(alice.user.id, bob.user.id, 'after the flood'))).toMatchObject({ status: 'sent' });
    } finally {
      socket.close();
    }
    const history = await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200);
    expect(history.body.data.messages.map((m: { text: string }) => m.text)).toEqual(['after the flood']);
  });

  it('refuses an oversized handshake payload before authentication', async () => {
    const { alice } = await conversationFixture(app);
    const socket = io(app.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: alice.token, padding: 'p'.repeat(20 * 1024) } });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', () => resolve('refused'));
      socket.once('disconnect', () => resolve('refused'));
    });
    socket.close();
    expect(outcome).toBe('refused');
  });
});

describe('A flood of oversized frames, against the server as its own process', () => {
  let server: ServerProcess;
  let store: Store;
  const uri = freshDatabaseUri();

  beforeAll(async () => {
    store = await Store.connect(uri);
    server = await ServerProcess.create({ MONGODB_URI: uri });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
    await store?.close();
  });

  const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;

  it('does not keep them: 512 MiB of frames over the 64 KiB bound grow its memory by far less', async () => {
    const [{ sender, recipient }] = await store.pairs(1);
    const frame = 'f'.repeat(4 * 1024 * 1024);
    const before = rssMiB();
    // 128 connections, 8 at a time, each sending one 4 MiB frame: all closed by the server.
    for (let round = 0; round < 16; round++) {
      const reasons = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const socket = io(server.url, { transports: ['websocket'], auth: { token: sign(sender) }, forceNew: true, reconnection: false });
          await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
          const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
          socket.emit('im', { to: recipient, from: sender, msg: frame, uniqueid: randomUUID() });
          return closed;
        }),
      );
      expect(reasons).toEqual(Array(8).fill('transport close'));
    }
    // Had the server kept the frames, it would have grown by about 512 MiB; what it does hold is
    // the reads in flight of one round (8 x 4 MiB) and allocator slack, whatever the total sent.
    expect(rssMiB() - before).toBeLessThan(128);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
