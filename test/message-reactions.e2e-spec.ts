import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { collect, devicesOn, emitAck } from './support/socket-client';
import { syncFromStart } from './support/sync';
import { startTestApp, TestApp } from './support/test-app';

/** Reactions (issue 34): one emoji per member per message; every device of both parties, history and sync follow. */
describe('reactions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());
  const device = devicesOn(() => app);

  it('reach every device of both parties live and through sync; one per member, replaced and taken back', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const sent = (await chatAs(app, alice).send(conversationId, bob, 'dinner at 8?').expect(200)).body.data;
    const [alicePhone, aliceLaptop, bobPhone, bobLaptop] = [await device(alice), await device(alice), await device(bob), await device(bob)];
    const heard = [alicePhone, aliceLaptop, bobLaptop].map((socket) => collect(socket, 'messageReaction'));

    const ack = await emitAck(bobPhone, 'react', { messageid: sent.messageId, emoji: '👍' });
    expect(ack).toEqual({ status: 'reacted', uniqueid: sent.uniqueid, messageid: sent.messageId, conversationId, reactions: [{ userId: bob.user.id, emoji: '👍' }] });
    for (const collector of heard) {
      expect(await collector.next()).toEqual({
        uniqueid: sent.uniqueid, messageid: sent.messageId, conversationId, from: alice.user.id, to: bob.user.id,
        userId: bob.user.id, emoji: '👍', reactions: [{ userId: bob.user.id, emoji: '👍' }],
      });
    }
    // The same again changes nothing; a new one replaces his; Alice adds hers (REST); Bob takes his back.
    expect(await emitAck(bobPhone, 'react', { messageid: sent.messageId, emoji: '👍' })).toEqual(ack);
    await emitAck(bobPhone, 'react', { messageid: sent.messageId, emoji: '❤️' });
    const hers = await app.http().post('/Chat/Message/React').set(alice.auth).send({ messageid: sent.messageId, emoji: '👍🏽' }).expect(200);
    expect(hers.body).toMatchObject({ success: true, message: 'Reaction saved', data: { reactions: [{ userId: bob.user.id, emoji: '❤️' }, { userId: alice.user.id, emoji: '👍🏽' }] } });
    const back = await emitAck(bobLaptop, 'react', { messageid: sent.messageId, emoji: null });
    expect(back).toMatchObject({ status: 'reacted', reactions: [{ userId: alice.user.id, emoji: '👍🏽' }] });
    const last = await heard[0].next((e) => e.userId === bob.user.id && e.emoji === null);
    expect(last.reactions).toEqual([{ userId: alice.user.id, emoji: '👍🏽' }]);
    expect(heard[0].received.map((e) => [e.userId === bob.user.id ? 'bob' : 'alice', e.emoji])).toEqual([['bob', '👍'], ['bob', '❤️'], ['alice', '👍🏽'], ['bob', null]]);

    // History and a device that was away: the reactions as they are now, once.
    const history = (await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages;
    expect(history).toEqual([expect.objectContaining({ messageid: sent.messageId, reactions: [{ userId: alice.user.id, emoji: '👍🏽' }] })]);
    for (const [who, list] of [[bob, 'messages'], [alice, 'sent']] as const) {
      const sync = await syncFromStart(app, who);
      expect(sync.list(list)).toEqual([expect.objectContaining({ messageid: sent.messageId, reactions: [{ userId: alice.user.id, emoji: '👍🏽' }] })]);
      expect(sync.list('reactions')).toEqual([expect.objectContaining({ messageid: sent.messageId, userId: bob.user.id, emoji: null, reactions: [{ userId: alice.user.id, emoji: '👍🏽' }] })]);
    }
  });

  it('are refused clearly: not one emoji, an outsider, a deleted message; nothing changes', async () => {
    const { alice, bob, outsider, conversationId } = await conversationFixture(app);
    const sent = (await chatAs(app, alice).send(conversationId, bob, 'hello').expect(200)).body.data.messageId as string;
    const react = (who: Session, messageid: string, emoji: unknown) => app.http().post('/Chat/Message/React').set(who.auth).send({ messageid, emoji });
    for (const emoji of ['ok', '👍👍', '', 'x👍', 7]) {
      const res = await react(bob, sent, emoji).expect(400);
      expect({ emoji, code: res.body.error.code }).toEqual({ emoji, code: 'VALIDATION_FAILED' });
    }
    expect((await react(outsider, sent, '👍').expect(404)).body.error.code).toBe('MESSAGE_NOT_FOUND');
    await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: sent }).expect(200);
    expect((await react(bob, sent, '👍').expect(409)).body.error.code).toBe('MESSAGE_DELETED');
    const history = (await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages;
    expect(history[0].reactions).toBeUndefined();
  });
});
