import { getConnectionToken } from '@nestjs/mongoose';
import { Types, type Connection } from 'mongoose';
import { PushOutboxRepository } from '@app/dal/push';
import { eventually } from '@app/testing';
import { chatAs } from './support/chat-client';
import { FcmStub, testServiceAccountJson } from './support/fcm-stub';
import { conversationFixture, session, Session } from './support/session';
import { startTestApp, testConfig, TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Push through FCM (firebase-admin, HTTPS intercepted at the network edge)', () => {
  const fcm = new FcmStub();
  const serviceAccountJson = testServiceAccountJson();
  let app: TestApp;

  const pushConfig = (overrides: object = {}) => ({ ...testConfig().push, serviceAccountJson, ...overrides });

  beforeAll(async () => {
    await fcm.install();
    app = await startTestApp({ push: pushConfig() });
  });
  afterAll(async () => {
    await app.close();
    await fcm.uninstall();
  });

  const register = (who: Session, token: string, platform = 'android') => app.http().post('/Push/Tokens').set(who.auth).send({ token, platform });
  const tokensOf = async (who: Session) => (await app.http().get('/Push/Tokens').set(who.auth).expect(200)).body.data as Json[];

  it('maps a successful send to the seed\'s fcmResponse, with the message as data', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    await register(bob, 'tok-ok-1').expect(201);
    const res = await chatAs(app, alice).send(conversationId, bob, 'Hello there').expect(200);
    expect(res.body.data.fcmResponse).toEqual({
      multicast_id: expect.any(Number),
      success: 1,
      failure: 0,
      canonical_ids: 0,
      results: [{ message_id: expect.stringMatching(/^projects\/chat-test\/messages\/m-\d+$/) }],
    });
    const [sent] = fcm.sentTo('tok-ok-1');
    expect(sent.message).toMatchObject({
      data: { type: 'message', payload: expect.any(String) },
      notification: { title: 'Alice', body: 'Hello there' },
      android: { priority: 'high', collapse_key: conversationId },
    });
    expect(sent.message).not.toHaveProperty('apns');
    expect(JSON.parse(sent.message.data.payload)).toMatchObject({ messageid: res.body.data.messageId, text: 'Hello there', fromMe: false, conversationId });
    expect(fcm.tokenExchanges).toBeGreaterThan(0);
  });

  it('cuts a long body on a grapheme boundary: never half an emoji', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    await register(bob, 'tok-emoji-1').expect(201);
    await chatAs(app, alice).send(conversationId, bob, '😀'.repeat(300)).expect(200);
    const [sent] = fcm.sentTo('tok-emoji-1');
    expect(sent.message.notification.body).toBe(`${'😀'.repeat(199)}…`);
    expect(sent.message.notification.body).not.toContain('\uFFFD');
  });

  it('deactivates exactly the token FCM calls UNREGISTERED, and never uses it again', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    fcm.on('tok-gone-1', 'unregistered');
    await register(bob, 'tok-gone-1').expect(201);
    await register(bob, 'tok-ok-2', 'ios').expect(201);
    const res = await chatAs(app, alice).send(conversationId, bob, 'first').expect(200);
    expect(res.body.data.fcmResponse).toMatchObject({ success: 1, failure: 1 });
    expect(res.body.data.fcmResponse.results).toEqual(expect.arrayContaining([{ error: 'NotRegistered' }, { message_id: expect.any(String) }]));
    expect((await tokensOf(bob)).map((t) => [t.token, t.active])).toEqual([
      ['tok-gone-1', false],
      ['tok-ok-2', true],
    ]);
    await chatAs(app, alice).send(conversationId, bob, 'second').expect(200);
    expect(fcm.sentTo('tok-gone-1')).toHaveLength(1);
    expect(fcm.sentTo('tok-ok-2')).toHaveLength(2);
  });

  it('retries a 503 and then succeeds', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    fcm.on('tok-503-1', 'unavailable-once');
    await register(bob, 'tok-503-1').expect(201);
    const res = await chatAs(app, alice).send(conversationId, bob, 'through a 503').expect(200);
    expect(res.body.data.fcmResponse).toMatchObject({ success: 1, failure: 0 });
    expect(fcm.sentTo('tok-503-1')).toHaveLength(2);
  });

  it('keeps a push that failed for a transient reason in the outbox, and the worker delivers it', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    fcm.on('tok-500-1', 'internal-once');
    await register(bob, 'tok-500-1').expect(201);
    const res = await chatAs(app, alice).send(conversationId, bob, 'try again').expect(200);
    expect(res.body.data.fcmResponse).toMatchObject({ success: 0, failure: 1, results: [{ error: 'InternalServerError' }] });
    await eventually(async () => expect(fcm.sentTo('tok-500-1')).toHaveLength(2), { timeoutMs: 15_000 });
    await eventually(async () => {
      const [entry] = await app.get(PushOutboxRepository).recent(1, bob.user.id);
      expect(entry).toMatchObject({ status: 'sent', attempts: 2, results: [{ token: 'tok-500-1', messageId: expect.any(String) }] });
    });
  });

  it('sends nothing, and queues nothing, for a recipient without tokens', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const before = fcm.requests.length;
    const res = await chatAs(app, alice).send(conversationId, bob, 'no phone').expect(200);
    expect(res.body.data).not.toHaveProperty('fcmResponse');
    expect(fcm.requests.length).toBe(before);
    expect(await app.get(PushOutboxRepository).recent(5, bob.user.id)).toEqual([]);
  });

  it('pushes DRFI requests and responses with ids only, never a vault value', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    await register(bob, 'tok-drfi-bob').expect(201);
    await register(alice, 'tok-drfi-alice').expect(201);
    await app.http().put('/Vault').set(bob.auth).send({ fields: [{ path: '.contact.mobile', value: '6591239876' }] }).expect(200);
    const request = await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, type: 'drfi', drfiPaths: ['.contact.mobile'] }).expect(200);
    await app
      .http()
      .post('/Chat/Drfi/Accept')
      .set(bob.auth)
      .send({ messageId: request.body.data.messageId, fields: [{ source: 'newValue', path: '.contact.mobile', value: '6594567321' }] })
      .expect(200);
    await eventually(async () => expect(fcm.sentTo('tok-drfi-alice')).toHaveLength(1));
    const pushes = [...fcm.sentTo('tok-drfi-bob'), ...fcm.sentTo('tok-drfi-alice')];
    expect(pushes.map((p) => p.message.data.type)).toEqual(['drfi', 'drfi']);
    expect(JSON.parse(pushes[0].message.data.payload)).toEqual({
      messageid: request.body.data.messageId, conversationId, type: 'drfi', uniqueid: expect.any(String),
    });
    for (const push of pushes) {
      expect(JSON.stringify(push.message)).not.toMatch(/6591239876|6594567321/);
    }
  });

  describe('device tokens', () => {
    it('are visible and removable only by their owner', async () => {
      const [alice, bob] = [await session(app), await session(app)];
      const res = await register(bob, 'tok-own-1', 'web').expect(201);
      expect(res.body).toEqual({
        success: true,
        message: 'Token registered',
        data: { token: 'tok-own-1', platform: 'web', deviceId: null, active: true, createdAt: expect.any(String) },
      });
      expect(await tokensOf(alice)).toEqual([]);
      expect((await app.http().delete('/Push/Tokens/tok-own-1').set(alice.auth).expect(404)).body.error.code).toBe('NOT_FOUND');
      expect((await tokensOf(bob)).map((t) => t.token)).toEqual(['tok-own-1']);
      await app.http().delete('/Push/Tokens/tok-own-1').set(bob.auth).expect(200);
      expect(await tokensOf(bob)).toEqual([]);
    });

    it('move to the user who registers them again', async () => {
      const [alice, bob] = [await session(app), await session(app)];
      await register(bob, 'tok-move-1').expect(201);
      await register(alice, 'tok-move-1', 'ios').expect(201);
      expect(await tokensOf(bob)).toEqual([]);
      expect((await tokensOf(alice)).map((t) => [t.token, t.platform])).toEqual([['tok-move-1', 'ios']]);
    });

    it('are found for a user from before token rosters (built from the tokens once), and for one a crash left short', async () => {
      const [carol, dave] = [await session(app), await session(app)];
      await register(carol, 'tok-old-1').expect(201);
      await register(carol, 'tok-old-2', 'ios').expect(201);
      await register(dave, 'tok-short-1').expect(201);
      const rosters = app.app.get<Connection>(getConnectionToken()).collection('push_device_rosters');
      // Before rosters: none for carol. A crash between the token and the roster: dave's is short.
      await rosters.deleteOne({ _id: new Types.ObjectId(carol.user.id) });
      await rosters.updateOne({ _id: new Types.ObjectId(dave.user.id) }, { $set: { ids: [], complete: true } });
      expect((await tokensOf(carol)).map((t) => t.token)).toEqual(['tok-old-1', 'tok-old-2']);
      expect(await tokensOf(dave)).toEqual([]);
      // Registering the token again mends it.
      await register(dave, 'tok-short-1').expect(201);
      expect((await tokensOf(dave)).map((t) => t.token)).toEqual(['tok-short-1']);
    });

    it('refuse bad input', async () => {
      const me = await session(app);
      await register(me, 'has spaces').expect(400);
      await app.http().post('/Push/Tokens').set(me.auth).send({ token: 'tok-x', platform: 'blackberry' }).expect(400);
      await app.http().post('/Push/Tokens').set(me.auth).send({ token: { $ne: null }, platform: 'ios' }).expect(400);
    });

    it('can be listed and revoked by admins only', async () => {
      const [admin, bob] = [await session(app, { admin: true }), await session(app)];
      await register(bob, 'tok-admin-1').expect(201);
      const listed = await app.http().get(`/Admin/Push/Tokens?userId=${bob.user.id}`).set(admin.auth).expect(200);
      expect(listed.body.data.map((t: Json) => t.token)).toEqual(['tok-admin-1']);
      await app.http().get(`/Admin/Push/Tokens?userId=${bob.user.id}`).set(bob.auth).expect(403);
      await app.http().delete('/Admin/Push/Tokens/tok-admin-1').set(bob.auth).expect(403);
      await app.http().delete('/Admin/Push/Tokens/tok-admin-1').set(admin.auth).expect(200);
      expect(await tokensOf(bob)).toEqual([]);
    });
  });
});

describe('Push that timed out, delivered by a restarted server', () => {
  const fcm = new FcmStub();
  afterAll(() => fcm.uninstall());

  it('answers the message without fcmResponse, keeps the push, and the next server sends it', async () => {
    await fcm.install();
    fcm.on('tok-slow-1', 'hang');
    const config = testConfig();
    const push = { ...config.push, serviceAccountJson: testServiceAccountJson(), sendTimeoutMs: 300, lockMs: 1000 };
    const first = await startTestApp({ mongodbUri: config.mongodbUri, push });
    const { alice, bob, conversationId } = await conversationFixture(first);
    await first.http().post('/Push/Tokens').set(bob.auth).send({ token: 'tok-slow-1', platform: 'android' }).expect(201);
    const res = await chatAs(first, alice).send(conversationId, bob, 'are you there?').expect(200);
    expect(res.body.data).not.toHaveProperty('fcmResponse');
    expect((await first.get(PushOutboxRepository).recent(1, bob.user.id))[0]).toMatchObject({ status: 'pending' });
    // Stop the first server without letting it finish (its FCM call is still hanging).
    await first.app.close();

    fcm.on('tok-slow-1', 'ok');
    const second = await startTestApp({ mongodbUri: config.mongodbUri, push });
    try {
      await eventually(async () => {
        const [entry] = await second.get(PushOutboxRepository).recent(1, bob.user.id);
        expect(entry).toMatchObject({ status: 'sent', results: [{ token: 'tok-slow-1', messageId: expect.any(String) }] });
      }, { timeoutMs: 15_000 });
      expect((await chatAs(second, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe('Push without Firebase credentials', () => {
  it('records what it would have sent, for admins to see', async () => {
    const app = await startTestApp();
    try {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const admin = await session(app, { admin: true });
      await app.http().post('/Push/Tokens').set(bob.auth).send({ token: 'tok-rec-1', platform: 'android' }).expect(201);
      const res = await chatAs(app, alice).send(conversationId, bob, 'recorded').expect(200);
      expect(res.body.data.fcmResponse).toMatchObject({ success: 1, failure: 0, results: [{ message_id: expect.stringMatching(/^recorded:/) }] });
      const recent = await app.http().get(`/Admin/Push/Recent?userId=${bob.user.id}`).set(admin.auth).expect(200);
      expect(recent.body.data).toEqual([
        expect.objectContaining({ kind: 'message', status: 'sent', provider: 'recording', content: expect.objectContaining({ title: 'Alice', body: 'recorded' }) }),
      ]);
      await app.http().get('/Admin/Push/Recent').set(bob.auth).expect(403);
    } finally {
      await app.close();
    }
  });
});
