import { randomUUID } from 'node:crypto';
import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { collect, devicesOn, emitAck } from './support/socket-client';
import { syncFromStart } from './support/sync';
import { startTestApp, TestApp } from './support/test-app';

/** Replies (issue 34): a message quotes an earlier one of its conversation; every view shows the quoted one as it is now. */
describe('replies', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());
  const device = devicesOn(() => app);
  const historyOf = async (who: Session, other: Session) =>
    (await chatAs(app, who).conversation(`withUserId=${other.user.id}`).expect(200)).body.data.messages as Record<string, unknown>[];

  it('carry a snippet of the quoted message, live, in history and in sync, kept right when it is edited and then deleted', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const question = (await chatAs(app, alice).send(conversationId, bob, 'dinner at 8?').expect(200)).body.data.messageId as string;
    const alicePhone = await device(alice);
    const incoming = collect(alicePhone, 'im');

    // Bob replies over REST, then over the socket.
    const uniqueid = randomUUID();
    const viaRest = (await chatAs(app, bob).add({ conversationId, ToReceiverId: alice.user.id, text: 'yes!', replyTo: question, uniqueid }).expect(200)).body.data.messageId as string;
    const snippet = { messageid: question, from: alice.user.id, text: 'dinner at 8?', isDeleted: false };
    expect(await incoming.next((m) => m.messageid === viaRest)).toMatchObject({ msg: 'yes!', replyTo: snippet });
    const bobPhone = await device(bob);
    const viaSocket = await emitAck(bobPhone, 'im', { to: alice.user.id, from: bob.user.id, msg: 'or 9', uniqueid: randomUUID(), replyTo: question });
    expect(viaSocket.status).toBe('sent');
    expect(await incoming.next((m) => m.messageid === viaSocket.messageid)).toMatchObject({ replyTo: snippet });
    expect((await historyOf(alice, bob)).find((m) => m.messageid === viaRest)).toMatchObject({ text: 'yes!', replyTo: snippet });

    // The quoted message is edited: every view shows its text now.
    await app.http().post('/Chat/Message/Edit').set(alice.auth).send({ messageid: question, text: 'dinner at 7?' }).expect(200);
    expect((await historyOf(bob, alice)).find((m) => m.messageid === viaRest)).toMatchObject({ replyTo: { ...snippet, text: 'dinner at 7?' } });
    expect((await syncFromStart(app, bob)).list('sent').find((m) => m.messageid === viaRest)).toMatchObject({ replyTo: { ...snippet, text: 'dinner at 7?' } });

    // Then deleted: the replies say so, and show nothing of it.
    await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: question }).expect(200);
    const gone = { messageid: question, from: alice.user.id, text: '', isDeleted: true };
    expect((await historyOf(bob, alice)).find((m) => m.messageid === viaRest)).toMatchObject({ replyTo: gone });
    const sync = await syncFromStart(app, alice);
    expect(sync.raw.includes('dinner at 7?')).toBe(false);
    for (const id of [viaRest, viaSocket.messageid]) expect(sync.list('messages').find((m) => m.messageid === id)).toMatchObject({ replyTo: gone });

    // A resend of the reply (a lost ack) still gets its original, though the quoted message is gone now.
    const resent = await chatAs(app, bob).add({ conversationId, ToReceiverId: alice.user.id, text: 'yes!', replyTo: question, uniqueid }).expect(200);
    expect(resent.body.data.messageId).toBe(viaRest);
  });

  it('refuse a quote of another conversation, of a deleted message, or in a DRFI request; nothing is sent', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const elsewhere = await conversationFixture(app);
    const theirs = (await chatAs(app, elsewhere.alice).send(elsewhere.conversationId, elsewhere.bob, 'not yours').expect(200)).body.data.messageId as string;
    const deleted = (await chatAs(app, alice).send(conversationId, bob, 'never mind').expect(200)).body.data.messageId as string;
    await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: deleted }).expect(200);
    const reply = (replyTo: string, extra: object = {}) => chatAs(app, bob).add({ conversationId, ToReceiverId: alice.user.id, text: 'about that', replyTo, ...extra });
    for (const [replyTo, extra] of [[theirs, {}], [deleted, {}], [deleted, { type: 'drfi', drfiPaths: ['.contact.email'], text: undefined }]] as const) {
      const res = await reply(replyTo, extra).expect(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'replyTo' })] });
    }
    expect((await historyOf(bob, alice)).map((m) => m.messageid)).toEqual([deleted]);
  });
});
