import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { MessageRepository } from '@app/dal/messages';
import { createUser, eventually } from '@app/testing';
import { Metrics } from '../apps/api/src/metrics/metrics.service';
import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { collect, connect, disconnected, emitAck } from './support/socket-client';
import { startTestApp, TestApp, testConfig } from './support/test-app';

type Stanza = Record<string, unknown>;

describe('socket.io message status flow (chat-message-status-flow.txt)', () => {
  let app: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(() => app.close());

  const online = async (who: Session) => {
    const socket = await connect(app, who.token);
    sockets.push(socket);
    return socket;
  };
  const im = (from: Session, to: Session, msg: string, uniqueid: string = randomUUID()) => ({
    to: to.user.id,
    from: from.user.id,
    fromFullName: from.user.name,
    msg,
    uniqueid,
    status: 'pending',
    type: 'text',
  });
  const storedCount = async (conversationId: string) => (await app.get(MessageRepository).history(conversationId)).messages.length;

  describe('handshake', () => {
    it('refuses a connection without a token, or with a bad one, with connect_error', async () => {
      await expect(connect(app, undefined)).rejects.toMatchObject({ message: 'Missing access token', data: { code: 'UNAUTHENTICATED' } });
      await expect(connect(app, 'not.a.token')).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
      const expired = app.tokenFor((await createUser(app)).id, { expiresIn: '-1s' });
      await expect(connect(app, expired)).rejects.toMatchObject({ message: 'Access token expired' });
    });

    it('disconnects a socket when its token expires', async () => {
      const user = await createUser(app);
      const socket = await connect(app, app.tokenFor(user.id, { expiresIn: '2s' }));
      sockets.push(socket);
      expect(await disconnected(socket)).toBe('io server disconnect');
    });

    it('accepts the token in auth, in an Authorization header, or as ?token=', async () => {
      const user = await createUser(app);
      const token = app.tokenFor(user.id);
      for (const via of ['auth', 'header', 'query'] as const) sockets.push(await connect(app, token, { via }));
      expect(sockets.every((s) => s.connected)).toBe(true);
    });
  });

  it('delivers online, and both receipts reach the sender', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const [a, b] = [await online(alice), await online(bob)];
    const incoming = collect<Stanza>(b, 'im');
    const receipts = collect<Stanza>(a, 'messageStatusUpdate');

    const stanza = im(alice, bob, 'Hello there');
    const ack = await emitAck(a, 'im', stanza);
    expect(ack).toEqual({ status: 'sent', uniqueid: stanza.uniqueid, messageid: expect.stringMatching(/^[0-9a-f]{24}$/), conversationId, created: expect.any(String) });

    const got = await incoming.next((s) => s.uniqueid === stanza.uniqueid);
    expect(got).toMatchObject({ to: bob.user.id, from: alice.user.id, fromFullName: 'Alice', fromPhone: alice.user.phone, msg: 'Hello there', status: 'sent', messageid: ack.messageid, conversationId });

    expect(await emitAck(b, 'messageStatusUpdate', { status: 'delivered', uniqueid: stanza.uniqueid, sender: alice.user.phone })).toEqual({
      status: 'statusUpdated', uniqueid: stanza.uniqueid, messageid: ack.messageid, deliveryStatus: 'delivered',
    });
    expect(await receipts.next((r) => r.status === 'delivered')).toMatchObject({ status: 'delivered', uniqueid: stanza.uniqueid });

    await emitAck(b, 'messageStatusUpdate', { status: 'seen', uniqueid: stanza.uniqueid, sender: alice.user.id });
    expect(await receipts.next((r) => r.status === 'seen')).toMatchObject({ status: 'seen', uniqueid: stanza.uniqueid });
  });

  it('reaches every device of the recipient and of the sender', async () => {
    const { alice, bob } = await conversationFixture(app);
    const [a1, a2, b1, b2] = [await online(alice), await online(alice), await online(bob), await online(bob)];
    const [in1, in2] = [collect<Stanza>(b1, 'im'), collect<Stanza>(b2, 'im')];
    const [r1, r2] = [collect<Stanza>(a1, 'messageStatusUpdate'), collect<Stanza>(a2, 'messageStatusUpdate')];
    const stanza = im(alice, bob, 'to all your phones');
    await emitAck(a1, 'im', stanza);
    await Promise.all([in1.next((s) => s.uniqueid === stanza.uniqueid), in2.next((s) => s.uniqueid === stanza.uniqueid)]);
    await emitAck(b2, 'messageStatusUpdate', { status: 'seen', uniqueid: stanza.uniqueid, sender: alice.user.id });
    await Promise.all([r1.next((r) => r.uniqueid === stanza.uniqueid), r2.next((r) => r.uniqueid === stanza.uniqueid)]);
  });

  it('lets an offline recipient catch up by sync, once, and report delivered through it', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const a = await online(alice);
    const receipts = collect<Stanza>(a, 'messageStatusUpdate');
    const stanza = im(alice, bob, 'while you were away');
    await emitAck(a, 'im', stanza);

    const b = await online(bob);
    const first = await emitAck<Stanza & { messages: Stanza[]; cursor: string }>(b, 'sync', {});
    expect(first).toMatchObject({ status: 'synced', hasMore: false, cursor: expect.any(String) });
    expect(first.messages.filter((m) => m.uniqueid === stanza.uniqueid)).toEqual([
      expect.objectContaining({ msg: 'while you were away', from: alice.user.id, status: 'sent', isDeleted: false }),
    ]);
    const second = await emitAck<Stanza & { acks: { statuses: Stanza[] } }>(b, 'sync', {
      cursor: first.cursor,
      statuses: [{ status: 'delivered', uniqueid: stanza.uniqueid, sender: alice.user.phone }],
    });
    expect(second.acks.statuses).toEqual([expect.objectContaining({ status: 'statusUpdated', uniqueid: stanza.uniqueid, deliveryStatus: 'delivered' })]);
    await receipts.next((r) => r.uniqueid === stanza.uniqueid && r.status === 'delivered');
    expect(await storedCount(conversationId)).toBe(1);
  });

  it('gives a sender who was offline the receipt through sync', async () => {
    const { alice, bob } = await conversationFixture(app);
    const a = await online(alice);
    const stanza = im(alice, bob, 'read it later');
    await emitAck(a, 'im', stanza);
    const { cursor } = await emitAck<{ cursor: string }>(a, 'sync', {});
    a.close();

    const b = await online(bob);
    await emitAck(b, 'messageStatusUpdate', { status: 'seen', uniqueid: stanza.uniqueid, sender: alice.user.id });

    const back = await online(alice);
    const sync = await emitAck<{ statusUpdates: Stanza[] }>(back, 'sync', { cursor });
    expect(sync.statusUpdates).toContainEqual(expect.objectContaining({ uniqueid: stanza.uniqueid, status: 'seen' }));
  });

  it('answers a resend after a lost ack with the same ack, storing one message', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const a = await online(alice);
    const stanza = im(alice, bob, 'said twice');
    const first = await emitAck(a, 'im', stanza);
    const again = await emitAck(a, 'im', stanza);
    const racing = await Promise.all([emitAck(a, 'im', stanza), emitAck(a, 'im', stanza)]);
    expect(again).toEqual(first);
    expect(racing).toEqual([first, first]);
    expect(await storedCount(conversationId)).toBe(1);
  });

  it('never moves a status backwards: seen then delivered stays seen, and the sender never sees delivered', async () => {
    const { alice, bob } = await conversationFixture(app);
    const [a, b] = [await online(alice), await online(bob)];
    const receipts = collect<Stanza>(a, 'messageStatusUpdate');
    const first = im(alice, bob, 'one');
    const sentinel = im(alice, bob, 'two');
    await emitAck(a, 'im', first);
    await emitAck(a, 'im', sentinel);

    await emitAck(b, 'messageStatusUpdate', { status: 'seen', uniqueid: first.uniqueid, sender: alice.user.id });
    const noop = await emitAck(b, 'messageStatusUpdate', { status: 'delivered', uniqueid: first.uniqueid, sender: alice.user.id });
    expect(noop).toMatchObject({ status: 'statusUpdated', deliveryStatus: 'seen' });
    // The sentinel's receipt comes after the no-op: once it is here, anything about `first` is too.
    await emitAck(b, 'messageStatusUpdate', { status: 'delivered', uniqueid: sentinel.uniqueid, sender: alice.user.id });
    await receipts.next((r) => r.uniqueid === sentinel.uniqueid);
    expect(receipts.received.filter((r) => r.uniqueid === first.uniqueid).map((r) => r.status)).toEqual(['seen']);
  });

  it('takes a burst of delivered receipts together: each message changes once, repeats and a receipt for a message already seen are no-ops', async () => {
    const { alice, bob } = await conversationFixture(app);
    const [a, b] = [await online(alice), await online(bob)];
    const receipts = collect<Stanza>(a, 'messageStatusUpdate');
    const sent = Array.from({ length: 20 }, (_, i) => im(alice, bob, `burst ${i}`));
    for (const stanza of sent) await emitAck(a, 'im', stanza);
    await emitAck(b, 'messageStatusUpdate', { status: 'seen', uniqueid: sent[0].uniqueid, sender: alice.user.id });

    // All at once, so that the server writes them in batches (the first goes alone, the rest
    // together): every message, the one already seen among them, five of them twice.
    const burst = [...sent.slice(1, 10), sent[0], ...sent.slice(10), ...sent.slice(1, 6)].map((stanza) => ({ status: 'delivered', uniqueid: stanza.uniqueid, sender: alice.user.id }));
    const acks = await Promise.all(burst.map((receipt) => emitAck(b, 'messageStatusUpdate', receipt)));
    expect(acks.map((ack) => [ack.uniqueid, ack.deliveryStatus])).toEqual(burst.map((r) => [r.uniqueid, r.uniqueid === sent[0].uniqueid ? 'seen' : 'delivered']));

    const sentinel = im(alice, bob, 'after the burst');
    await emitAck(a, 'im', sentinel);
    await emitAck(b, 'messageStatusUpdate', { status: 'delivered', uniqueid: sentinel.uniqueid, sender: alice.user.id });
    await receipts.next((r) => r.uniqueid === sentinel.uniqueid);
    for (const [i, stanza] of sent.entries()) {
      expect(receipts.received.filter((r) => r.uniqueid === stanza.uniqueid).map((r) => r.status)).toEqual(i === 0 ? ['seen'] : ['delivered']);
    }
    const stored = await Promise.all(sent.map((stanza) => app.get(MessageRepository).findBySenderAndUniqueId(alice.user.id, stanza.uniqueid as string)));
    expect(stored.map((m) => m?.deliveryStatus)).toEqual(sent.map((_, i) => (i === 0 ? 'seen' : 'delivered')));
  });

  describe('refusals are error acks, and change nothing', () => {
    it('refuses a forged from', async () => {
      const { alice, bob, outsider, conversationId } = await conversationFixture(app);
      const a = await online(alice);
      const forged = { ...im(alice, bob, 'not me'), from: outsider.user.id };
      expect(await emitAck(a, 'im', forged)).toEqual({
        status: 'error', uniqueid: forged.uniqueid, error: { code: 'FROM_NOT_CALLER', message: expect.any(String) },
      });
      expect(await storedCount(conversationId)).toBe(0);
    });

    it('refuses a recipient outside the network, and an unknown one', async () => {
      const { alice, outsider } = await conversationFixture(app);
      const a = await online(alice);
      expect(await emitAck(a, 'im', im(alice, outsider, 'hi'))).toMatchObject({ status: 'error', error: { code: 'NOT_A_NETWORK_MEMBER' } });
      expect(await emitAck(a, 'im', { ...im(alice, outsider, 'hi'), to: '+6500000009' })).toMatchObject({ error: { code: 'NOT_A_NETWORK_MEMBER' } });
    });

    it('refuses a receipt from the sender, and for a message that does not exist', async () => {
      const { alice, bob } = await conversationFixture(app);
      const a = await online(alice);
      const stanza = im(alice, bob, 'mine');
      await emitAck(a, 'im', stanza);
      expect(await emitAck(a, 'messageStatusUpdate', { status: 'seen', uniqueid: stanza.uniqueid, sender: alice.user.id })).toMatchObject({
        status: 'error', uniqueid: stanza.uniqueid, error: { code: 'NOT_MESSAGE_RECEIVER' },
      });
      expect(await emitAck(a, 'messageStatusUpdate', { status: 'seen', uniqueid: 'nope', sender: bob.user.id })).toMatchObject({
        error: { code: 'MESSAGE_NOT_FOUND' },
      });
    });

    it.each([
      ['no msg', { msg: undefined }],
      ['blank msg', { msg: '  ' }],
      ['msg over the configured bound', { msg: 'x'.repeat(1001) }],
      ['a bad uniqueid', { uniqueid: 'has spaces' }],
      ['a bad to', { to: 'bob' }],
      ['an operator as to', { to: { $ne: null } }],
      ['an unknown field', { priority: 'high' }],
    ])('refuses %s with VALIDATION_FAILED', async (_, override) => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const a = await online(alice);
      const ack = await emitAck(a, 'im', { ...im(alice, bob, 'hi'), ...override });
      expect(ack).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
      expect(await storedCount(conversationId)).toBe(0);
    });

    it('refuses a payload that is not an object, and a receipt with a bad status', async () => {
      const { alice } = await conversationFixture(app);
      const a = await online(alice);
      expect(await emitAck(a, 'im', 'hello')).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
      expect(await emitAck(a, 'messageStatusUpdate', { status: 'sent', uniqueid: 'x', sender: alice.user.id })).toMatchObject({
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(await emitAck(a, 'sync', { cursor: 'garbage' })).toMatchObject({ status: 'error', error: { code: 'INVALID_CURSOR' } });
    });

    it('closes a connection that sends an oversized frame, and keeps serving others', async () => {
      const { alice, bob } = await conversationFixture(app);
      const [a, b] = [await online(alice), await online(bob)];
      const closed = disconnected(a);
      a.emit('im', { ...im(alice, bob, 'x'.repeat(20 * 1024)) });
      expect(await closed).toBe('transport close');
      expect(await emitAck(b, 'sync', {})).toMatchObject({ status: 'synced' });
    });
  });

  describe('REST and sockets are one system', () => {
    it('REST Add reaches the recipient as im; socket messages show in REST history and counts', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const [a, b] = [await online(alice), await online(bob)];
      const incoming = collect<Stanza>(b, 'im');
      const rest = (await chatAs(app, alice).send(conversationId, bob, 'from REST', 'rest-1').expect(200)).body.data;
      expect(await incoming.next((s) => s.uniqueid === 'rest-1')).toMatchObject({ msg: 'from REST', messageid: rest.messageId });

      await emitAck(a, 'im', im(alice, bob, 'from socket', 'sock-1'));
      const history = (await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages;
      expect(history.map((m: Stanza) => m.uniqueid)).toEqual(['rest-1', 'sock-1']);
      expect((await chatAs(app, bob).list().expect(200)).body.data[0]).toMatchObject({ messagesCount: 2, unreadIncomingMessagesCount: 2 });
    });

    it('REST mark-read (one message, then a conversation) reaches the sender as seen', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const a = await online(alice);
      const receipts = collect<Stanza>(a, 'messageStatusUpdate');
      const one = await emitAck(a, 'im', im(alice, bob, 'one', 'mr-1'));
      await emitAck(a, 'im', im(alice, bob, 'two', 'mr-2'));
      await emitAck(a, 'im', im(alice, bob, 'three', 'mr-3'));
      await chatAs(app, bob).markRead(one.messageid as string).expect(200);
      await receipts.next((r) => r.uniqueid === 'mr-1' && r.status === 'seen');
      await chatAs(app, bob).markConversationRead(conversationId).expect(200);
      await receipts.next((r) => r.uniqueid === 'mr-2' && r.status === 'seen');
      await receipts.next((r) => r.uniqueid === 'mr-3' && r.status === 'seen');
    });

    it('a delete reaches the other party', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const [a, b] = [await online(alice), await online(bob)];
      const deletes = collect<Stanza>(b, 'messageDeleted');
      const ack = await emitAck(a, 'im', im(alice, bob, 'regret', 'del-1'));
      await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: ack.messageid }).expect(200);
      expect(await deletes.next((d) => d.uniqueid === 'del-1')).toMatchObject({ messageid: ack.messageid, from: alice.user.id, to: bob.user.id });
    });

    it('a delete and a status change made while the other party was away both arrive through sync', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const [a, b] = [await online(alice), await online(bob)];
      await emitAck(a, 'im', im(alice, bob, 'to be seen', 'away-1'));
      const fromBob = await emitAck(b, 'im', im(bob, alice, 'to be deleted', 'away-2'));
      const { cursor } = await emitAck<{ cursor: string }>(a, 'sync', {});
      a.close();

      await emitAck(b, 'messageStatusUpdate', { status: 'seen', uniqueid: 'away-1', sender: alice.user.id });
      await chatAs(app, bob).delete({ conversationId, ToReceiverId: alice.user.id, messageid: fromBob.messageid }).expect(200);

      const back = await online(alice);
      const sync = await emitAck<{ statusUpdates: Stanza[]; deletes: Stanza[]; messages: Stanza[] }>(back, 'sync', { cursor });
      expect(sync.statusUpdates).toContainEqual(expect.objectContaining({ uniqueid: 'away-1', status: 'seen' }));
      expect(sync.deletes).toContainEqual(expect.objectContaining({ uniqueid: 'away-2', from: bob.user.id }));
      // Each change comes once: the message itself came before the cursor, so only its delete now.
      expect(sync.messages.filter((m) => m.uniqueid === 'away-2')).toEqual([]);
    });

    it('sync carries unacknowledged messages, and works over REST too', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const res = await app
        .http()
        .post('/Chat/Sync')
        .set(alice.auth)
        .send({ messages: [im(alice, bob, 'queued offline', 'q-1'), { ...im(alice, bob, 'bad'), msg: '' }] })
        .expect(200);
      expect(res.body.data.acks.messages).toEqual([
        expect.objectContaining({ status: 'sent', uniqueid: 'q-1' }),
        expect.objectContaining({ status: 'error', error: expect.objectContaining({ code: 'VALIDATION_FAILED' }) }),
      ]);
      expect(await storedCount(conversationId)).toBe(1);
      const bobSync = await app.http().post('/Chat/Sync').set(bob.auth).send({}).expect(200);
      expect(bobSync.body.data.messages).toEqual([expect.objectContaining({ uniqueid: 'q-1', msg: 'queued offline' })]);
      await app.http().post('/Chat/Sync').set(bob.auth).send({ cursor: 'nope' }).expect(400);
    });
  });

  it('shows online while a user has a live socket', async () => {
    const { alice, bob } = await conversationFixture(app);
    const onlineFlag = async () => (await chatAs(app, alice).conversations().expect(200)).body.conversations[0].from.online;
    expect(await onlineFlag()).toBe(false);
    const [b1, b2] = [await online(bob), await online(bob)];
    expect(await onlineFlag()).toBe(true);
    b1.close();
    await eventually(async () => expect(await onlineFlag()).toBe(true));
    b2.close();
    await eventually(async () => expect(await onlineFlag()).toBe(false));
  });
});

describe('socket event rate limit', () => {
  let app: TestApp;
  afterAll(() => app?.close());

  it('answers events over the per-user rate with an error ack, and keeps the connection', async () => {
    app = await startTestApp({ socket: { ...testConfig().socket, eventsPerSecond: 3 } });
    const { alice } = await conversationFixture(app);
    const socket = await connect(app, alice.token);
    try {
      const acks = await Promise.all(Array.from({ length: 8 }, () => emitAck(socket, 'sync', {})));
      const limited = acks.filter((a) => a.status === 'error');
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(limited[0]).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      expect(socket.connected).toBe(true);
      // Counted for the on-call engineer, by surface.
      const counted = (await app.get(Metrics).rateLimited.get()).values.find((v) => v.labels.surface === 'socket');
      expect(counted?.value).toBe(limited.length);
    } finally {
      socket.close();
    }
  });
});
