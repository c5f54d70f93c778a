import { randomUUID } from 'node:crypto';
import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { collect, devicesOn, emitAck } from './support/socket-client';
import { syncFromStart } from './support/sync';
import { startTestApp, TEST_CHAT, TestApp } from './support/test-app';

/** Edit (issue 34): the sender replaces a text message's text within the window; every device of both parties, history and sync follow. */
describe('editing a message', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());
  const device = devicesOn(() => app);

  it('reaches every device of both parties live and through sync, once, at the latest text', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const first = `see you at 7 ${randomUUID()}`;
    const sent = (await chatAs(app, alice).send(conversationId, bob, first).expect(200)).body.data;
    const [alicePhone, aliceLaptop, bobPhone, bobLaptop] = [await device(alice), await device(alice), await device(bob), await device(bob)];
    const heard = [aliceLaptop, bobPhone, bobLaptop].map((socket) => collect(socket, 'messageEdited'));

    const ack = await emitAck(alicePhone, 'edit', { messageid: sent.messageId, text: 'see you at 8' });
    expect(ack).toEqual({ status: 'edited', uniqueid: sent.uniqueid, messageid: sent.messageId, conversationId, text: 'see you at 8', editedAt: expect.any(String) });
    for (const collector of heard) {
      expect(await collector.next()).toEqual({ uniqueid: sent.uniqueid, messageid: sent.messageId, conversationId, from: alice.user.id, to: bob.user.id, msg: 'see you at 8', editedAt: ack.editedAt });
    }
    // The same edit again (a lost ack): the same answer, nothing new.
    expect(await emitAck(alicePhone, 'edit', { messageid: sent.messageId, text: 'see you at 8' })).toEqual(ack);
    // A second edit, over REST.
    const again = await app.http().post('/Chat/Message/Edit').set(alice.auth).send({ messageid: sent.messageId, text: 'see you at 9' }).expect(200);
    expect(again.body).toMatchObject({ success: true, message: 'Message edited', data: { status: 'edited', text: 'see you at 9' } });
    for (const collector of heard) await collector.next((e) => e.msg === 'see you at 9');
    for (const collector of heard) expect(collector.received.map((e) => e.msg)).toEqual(['see you at 8', 'see you at 9']);

    // History and the list show the current text.
    const history = (await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages;
    expect(history).toEqual([expect.objectContaining({ messageid: sent.messageId, text: 'see you at 9', edited: true, editedAt: again.body.data.editedAt })]);
    const list = (await chatAs(app, bob).conversations().expect(200)).body.conversations as { id: string; messages: { text: string }[] }[];
    expect(list.find((c) => c.id === conversationId)!.messages.map((m) => m.text)).toEqual(['see you at 9']);

    // A device that was away: the message at its text now, and the latest edit once; never the first text.
    for (const [who, list] of [[bob, 'messages'], [alice, 'sent']] as const) {
      const sync = await syncFromStart(app, who);
      expect(sync.raw.includes(first)).toBe(false);
      expect(sync.list(list)).toEqual([expect.objectContaining({ messageid: sent.messageId, msg: 'see you at 9', edited: true })]);
      expect(sync.list('edits')).toEqual([expect.objectContaining({ messageid: sent.messageId, msg: 'see you at 9' })]);
    }

    // Deleted since: sync carries neither the text nor the edits.
    await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: sent.messageId }).expect(200);
    const afterDelete = await syncFromStart(app, bob);
    expect(afterDelete.raw.includes('see you at 9')).toBe(false);
    expect(afterDelete.list('edits')).toEqual([]);
    expect(afterDelete.list('messages')).toEqual([expect.objectContaining({ messageid: sent.messageId, msg: '', isDeleted: true })]);
  });

  it('is refused clearly, changing nothing: not the sender, not a member, deleted, a DRFI request, empty, too late', async () => {
    const { alice, bob, outsider, conversationId } = await conversationFixture(app);
    const sent = (await chatAs(app, alice).send(conversationId, bob, 'original').expect(200)).body.data;
    const editAs = (who: Session, messageid: string, text: string) => app.http().post('/Chat/Message/Edit').set(who.auth).send({ messageid, text });
    const code = async (res: Promise<{ status: number; body: { error: { code: string } } }>, status: number) => {
      const answer = await res;
      expect(answer.status).toBe(status);
      return answer.body.error.code;
    };
    expect(await code(editAs(bob, sent.messageId, 'not mine'), 403)).toBe('NOT_MESSAGE_SENDER');
    expect(await code(editAs(outsider, sent.messageId, 'not ours'), 404)).toBe('MESSAGE_NOT_FOUND');
    expect(await code(editAs(alice, sent.messageId, '   '), 400)).toBe('VALIDATION_FAILED');
    const drfi = (await chatAs(app, bob).add({ conversationId, ToReceiverId: alice.user.id, type: 'drfi', drfiPaths: ['.contact.email'] }).expect(200)).body.data.messageId;
    expect(await code(editAs(bob, drfi, 'give me more'), 409)).toBe('MESSAGE_NOT_EDITABLE');
    const gone = (await chatAs(app, alice).send(conversationId, bob, 'oops').expect(200)).body.data.messageId;
    await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: gone }).expect(200);
    expect(await code(editAs(alice, gone, 'fixed'), 409)).toBe('MESSAGE_DELETED');
    const history = (await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages as { messageid: string; text: string; edited?: boolean }[];
    expect(history.find((m) => m.messageid === sent.messageId)).toMatchObject({ text: 'original' });
    expect(history.filter((m) => m.edited)).toEqual([]);

    // With no window at all, every edit is too late.
    const strict = await startTestApp({ chat: { ...TEST_CHAT, editWindowMs: 0 } });
    try {
      const pair = await conversationFixture(strict);
      const message = (await chatAs(strict, pair.alice).send(pair.conversationId, pair.bob, 'final').expect(200)).body.data.messageId;
      const late = await strict.http().post('/Chat/Message/Edit').set(pair.alice.auth).send({ messageid: message, text: 'not final' }).expect(409);
      expect(late.body.error.code).toBe('EDIT_WINDOW_CLOSED');
    } finally {
      await strict.close();
    }
  });
});
