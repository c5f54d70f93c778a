import { PushOutboxRepository } from '@app/dal/push';
import { eventually, linkUsers } from '@app/testing';
import { chatAs } from './support/chat-client';
import { FcmRequest, FcmStub, testServiceAccountJson } from './support/fcm-stub';
import { conversationFixture, session, Session } from './support/session';
import { connect, emitAck } from './support/socket-client';
import { startTestApp, testConfig, TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * What the notifications say and when they leave, through the real firebase-admin client over
 * HTTP/2 to a local FCM stand-in: batches, one notification per conversation, the badge, the
 * silent clear after a read on another device, retries, and pushes owed across a restart.
 */
describe('Push notifications (firebase-admin over HTTP/2 to a local FCM stand-in)', () => {
  const fcm = new FcmStub();
  const serviceAccountJson = testServiceAccountJson();
  let app: TestApp;

  beforeAll(async () => {
    await fcm.install();
    app = await startTestApp({ push: { ...testConfig().push, serviceAccountJson } });
  });
  afterAll(async () => {
    await app.close();
    await fcm.uninstall();
  });

  const register = (who: Session, token: string, platform: 'android' | 'ios' | 'web') =>
    app.http().post('/Push/Tokens').set(who.auth).send({ token, platform }).expect(201);
  const last = (token: string): Json => {
    const sent = fcm.sentTo(token);
    expect(sent.length).toBeGreaterThan(0);
    return sent[sent.length - 1].message;
  };
  const listUnreadTotal = async (who: Session) =>
    ((await chatAs(app, who).list().expect(200)).body.data as Json[]).reduce((sum, c) => sum + c.unreadIncomingMessagesCount, 0);

  it('gives each platform its own payload, one notification per conversation, and says how many are unread there', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    await register(bob, 'tok-n-android', 'android');
    await register(bob, 'tok-n-ios', 'ios');
    await register(bob, 'tok-n-web', 'web');
    await chatAs(app, alice).send(conversationId, bob, 'first').expect(200);
    await chatAs(app, alice).send(conversationId, bob, 'second').expect(200);
    const third = await chatAs(app, alice).send(conversationId, bob, 'third').expect(200);

    const android = last('tok-n-android');
    expect(android).toEqual({
      token: 'tok-n-android',
      data: { type: 'message', payload: expect.any(String) },
      notification: { title: 'Alice', body: '3 new messages: third' },
      android: { priority: 'high', collapse_key: conversationId, notification: { channel_id: 'messages', tag: conversationId, sound: 'default', notification_count: 3 } },
    });
    const ios = last('tok-n-ios');
    expect(ios).toEqual({
      token: 'tok-n-ios',
      data: { type: 'message', payload: expect.any(String) },
      notification: { title: 'Alice', body: '3 new messages: third' },
      apns: {
        headers: { 'apns-priority': '10', 'apns-push-type': 'alert', 'apns-collapse-id': conversationId },
        payload: { aps: { sound: 'default', 'thread-id': conversationId, 'mutable-content': 1, badge: 3 } },
      },
    });
    const web = last('tok-n-web');
    expect(web).toMatchObject({
      data: { type: 'message' },
      webpush: { headers: { Urgency: 'high' }, notification: { title: 'Alice', body: '3 new messages: third', tag: conversationId, renotify: true }, data: { type: 'message', badge: '3' } },
    });
    expect(web).not.toHaveProperty('android');
    expect(web).not.toHaveProperty('apns');
    // The seed's data payload as it is: the message itself.
    expect(JSON.parse(android.data.payload)).toMatchObject({ messageid: third.body.data.messageId, text: 'third', conversationId, fromMe: false });
    // Each message had its push (the device shows the newest in place of the one before).
    expect(fcm.sentTo('tok-n-android').map((r) => r.message.notification.body)).toEqual(['first', '2 new messages: second', '3 new messages: third']);
    expect(third.body.data.fcmResponse).toMatchObject({ success: 3, failure: 0 });
  });

  it('carries the badge: the recipient\'s unread total, equal to the conversation list\'s', async () => {
    const bob = await session(app, { name: 'Bob' });
    const [alice, carol] = [await session(app, { name: 'Alice' }), await session(app, { name: 'Carol' })];
    const withAlice = await linkUsers(app, alice.user, bob.user);
    const withCarol = await linkUsers(app, carol.user, bob.user);
    await register(bob, 'tok-badge-ios', 'ios');
    await chatAs(app, alice).send(withAlice, bob, 'a1').expect(200);
    await chatAs(app, alice).send(withAlice, bob, 'a2').expect(200);
    const fromCarol = await chatAs(app, carol).send(withCarol, bob, 'c1').expect(200);
    expect(fcm.sentTo('tok-badge-ios').map((r) => r.message.apns.payload.aps.badge)).toEqual([1, 2, 3]);
    expect(await listUnreadTotal(bob)).toBe(3);

    // Reading one message lowers it; the next push says so, and so does the list.
    await chatAs(app, bob).markRead(fromCarol.body.data.messageId).expect(200);
    await chatAs(app, carol).send(withCarol, bob, 'c2').expect(200);
    expect(last('tok-badge-ios').apns.payload.aps.badge).toBe(3);
    expect(await listUnreadTotal(bob)).toBe(3);
  });

  it('clears a conversation on the other devices with a silent push when it is read on one (REST and socket)', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const carol = await session(app, { name: 'Carol' });
    const withCarol = await linkUsers(app, carol.user, bob.user);
    await register(bob, 'tok-clear-android', 'android');
    await register(bob, 'tok-clear-ios', 'ios');
    await register(bob, 'tok-clear-web', 'web');
    const first = await chatAs(app, alice).send(conversationId, bob, 'one').expect(200);
    await chatAs(app, alice).send(conversationId, bob, 'two').expect(200);
    await chatAs(app, carol).send(withCarol, bob, 'from carol').expect(200);
    const before = fcm.requests.length;

    // Bob reads Alice's conversation on the web: his phone and tablet learn it, silently.
    await chatAs(app, bob).markConversationRead(conversationId).expect(200);
    await eventually(async () => expect(fcm.requests.slice(before).map((r) => r.token).sort()).toEqual(['tok-clear-android', 'tok-clear-ios', 'tok-clear-web']));
    const silent = (token: string) => fcm.requests.slice(before).find((r) => r.token === token)!.message;
    for (const token of ['tok-clear-android', 'tok-clear-ios', 'tok-clear-web']) {
      expect(silent(token)).not.toHaveProperty('notification');
      // Carol's message is still unread: the badge is 1.
      expect(silent(token).data).toEqual({ type: 'read', conversationId, badge: '1' });
    }
    expect(silent('tok-clear-android').android).toEqual({ priority: 'high', collapse_key: `read:${conversationId}` });
    expect(silent('tok-clear-ios').apns).toEqual({ headers: { 'apns-priority': '5', 'apns-push-type': 'background' }, payload: { aps: { 'content-available': 1, badge: 1 } } });
    expect(silent('tok-clear-web').webpush).toEqual({ headers: { Urgency: 'normal' } });
    expect(await listUnreadTotal(bob)).toBe(1);

    // A read that changes nothing (already seen) sends nothing.
    const afterRead = fcm.requests.length;
    await chatAs(app, bob).markRead(first.body.data.messageId).expect(200);
    // Then a socket `seen` of Carol's message: silent again, badge 0.
    const socket = await connect(app, bob.token);
    try {
      const ack = await emitAck(socket, 'messageStatusUpdate', { status: 'seen', uniqueid: await lastUniqueId(app, bob, carol.user.id), sender: carol.user.id });
      expect(ack.status).toBe('statusUpdated');
    } finally {
      socket.close();
    }
    await eventually(async () => expect(fcm.requests.slice(afterRead).map((r) => r.token).sort()).toEqual(['tok-clear-android', 'tok-clear-ios', 'tok-clear-web']));
    expect(fcm.requests.slice(afterRead).every((r) => r.message.data.type === 'read' && r.message.data.conversationId === withCarol && r.message.data.badge === '0')).toBe(true);
  });

  it('sends the pushes of many messages in one FCM call, and retries a 429 from the outbox', async () => {
    const alice = await session(app, { name: 'Alice' });
    const recipients = await Promise.all(Array.from({ length: 20 }, () => session(app)));
    const conversations: string[] = [];
    for (const [i, r] of recipients.entries()) {
      conversations.push(await linkUsers(app, alice.user, r.user));
      await register(r, `tok-batch-${i}`, 'android');
    }
    // Every first attempt is answered 429: the outbox owes them all, and the worker sends each once more.
    recipients.forEach((_r, i) => fcm.on(`tok-batch-${i}`, 'quota-once'));
    const sends = await Promise.all(recipients.map((r, i) => chatAs(app, alice).send(conversations[i], r, `hello ${i}`).expect(200)));
    for (const send of sends) expect(send.body.data.fcmResponse).toMatchObject({ success: 0, failure: 1 });
    await eventually(async () => {
      for (const [i] of recipients.entries()) expect(fcm.sentTo(`tok-batch-${i}`)).toHaveLength(2);
    }, { timeoutMs: 20_000 });
    const outbox = app.get(PushOutboxRepository);
    await eventually(async () => {
      for (const r of recipients) expect((await outbox.recent(1, r.user.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    });
    // Twenty messages, fewer calls: at least one call carried several of them.
    const calls = callsOf(recipients.flatMap((_r, i) => fcm.sentTo(`tok-batch-${i}`)));
    expect(calls.size).toBeLessThan(40);
    expect(Math.max(...calls.values())).toBeGreaterThan(1);
  });
});

describe('Pushes owed when a server stops, sent by the next one: each once, in one call', () => {
  const fcm = new FcmStub();
  afterAll(() => fcm.uninstall());

  it('sends every owed push once after the restart', async () => {
    await fcm.install();
    const config = testConfig();
    const push = { ...config.push, serviceAccountJson: testServiceAccountJson(), sendTimeoutMs: 300, lockMs: 1000 };
    // The first server's worker never looks (it would retry its own pushes once their locks lapse).
    const first = await startTestApp({ mongodbUri: config.mongodbUri, push: { ...push, workerIntervalMs: 600_000 } });
    const alice = await session(first, { name: 'Alice' });
    const recipients = await Promise.all(Array.from({ length: 12 }, () => session(first)));
    for (const [i, r] of recipients.entries()) {
      const conversationId = await linkUsers(first, alice.user, r.user);
      await first.http().post('/Push/Tokens').set(r.auth).send({ token: `tok-owed-${i}`, platform: 'ios' }).expect(201);
      fcm.on(`tok-owed-${i}`, 'hang');
      await chatAs(first, alice).send(conversationId, r, `owed ${i}`).expect(200);
    }
    const outbox = first.get(PushOutboxRepository);
    const owed = await Promise.all(recipients.map(async (r) => (await outbox.recent(1, r.user.id))[0]));
    expect(owed.every((entry) => entry.status === 'pending')).toBe(true);
    // The first server goes away with every push unanswered (its FCM calls still hang).
    await first.app.close();
    const hungRequests = fcm.requests.length;
    // Once every lock has lapsed, the next server's first look finds them all due.
    const lapsedAt = Math.max(...owed.map((entry) => entry.lockedUntil.getTime()));
    await eventually(async () => expect(Date.now()).toBeGreaterThan(lapsedAt), { timeoutMs: 5000 });

    recipients.forEach((_r, i) => fcm.on(`tok-owed-${i}`, 'ok'));
    const second = await startTestApp({ mongodbUri: config.mongodbUri, push });
    try {
      await eventually(async () => {
        for (const r of recipients) expect((await second.get(PushOutboxRepository).recent(1, r.user.id))[0]).toMatchObject({ status: 'sent' });
      }, { timeoutMs: 15_000 });
      const resent = fcm.requests.slice(hungRequests);
      expect(resent.map((r) => r.token).sort()).toEqual(recipients.map((_r, i) => `tok-owed-${i}`).sort());
      expect(callsOf(resent).size).toBe(1);
      expect(resent.map((r) => r.message.notification.body).sort()).toEqual(recipients.map((_r, i) => `owed ${i}`).sort());
    } finally {
      await second.close();
    }
  });
});

/** How many of these requests each FCM call carried, by call. */
function callsOf(requests: FcmRequest[]): Map<number, number> {
  const calls = new Map<number, number>();
  for (const r of requests) calls.set(r.call, (calls.get(r.call) ?? 0) + 1);
  return calls;
}

/** The uniqueid of the last message `fromId` sent `who`. */
async function lastUniqueId(app: TestApp, who: Session, fromId: string): Promise<string> {
  const messages = (await chatAs(app, who).conversation(`withUserId=${fromId}`).expect(200)).body.data.messages as Json[];
  return messages[messages.length - 1].uniqueid as string;
}
