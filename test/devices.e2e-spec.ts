import { randomUUID } from 'node:crypto';
import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { collect, devicesOn, emitAck } from './support/socket-client';
import { startTestApp, TestApp } from './support/test-app';

/** A user with a phone, a tablet and a web tab: every device shows the same conversation. */
describe('every device in step', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const device = devicesOn(() => app);
  const im = (from: Session, to: Session, msg: string) => ({ to: to.user.id, from: from.user.id, msg, uniqueid: randomUUID() });

  it("sends from one device to the owner's other devices, and a read on one device reaches the other", async () => {
    const { alice, bob } = await conversationFixture(app);
    const [phone, tablet, web] = [await device(alice), await device(alice), await device(alice)];
    const [bobPhone, bobWeb] = [await device(bob), await device(bob)];
    const onTablet = collect(tablet, 'im');
    const onWeb = collect(web, 'im');
    const onBob = collect(bobPhone, 'im');

    const stanza = im(alice, bob, 'from my phone');
    const ack = await emitAck(phone, 'im', stanza);
    expect(ack.status).toBe('sent');
    // The owner's other devices tell their own message by `from`.
    for (const other of [onTablet, onWeb]) {
      expect(await other.next((s) => s.uniqueid === stanza.uniqueid)).toMatchObject({ from: alice.user.id, to: bob.user.id, msg: 'from my phone' });
    }
    await onBob.next((s) => s.uniqueid === stanza.uniqueid);

    const readsOnBobWeb = collect(bobWeb, 'messageStatusUpdate');
    const readsOnAlice = [phone, tablet, web].map((s) => collect(s, 'messageStatusUpdate'));
    await emitAck(bobPhone, 'messageStatusUpdate', { status: 'seen', uniqueid: stanza.uniqueid, sender: alice.user.id });
    // Bob's other device learns of his own read (its unread badge clears); all of Alice's hear of it.
    expect(await readsOnBobWeb.next((u) => u.uniqueid === stanza.uniqueid)).toMatchObject({ status: 'seen', from: alice.user.id, to: bob.user.id });
    await Promise.all(readsOnAlice.map((c) => c.next((u) => u.uniqueid === stanza.uniqueid && u.status === 'seen')));
  });

  it("REST mark-read reaches the reader's devices too", async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const sent = await chatAs(app, alice).send(conversationId, bob, 'read me on the web').expect(200);
    const bobPhone = await device(bob);
    const reads = collect(bobPhone, 'messageStatusUpdate');
    await chatAs(app, bob).markConversationRead(conversationId).expect(200);
    expect(await reads.next((u) => u.messageid === sent.body.data.messageId)).toMatchObject({ status: 'seen', to: bob.user.id });
  });

  it('an offline device syncs its owner’s outgoing and incoming messages and the status changes', async () => {
    const { alice, bob } = await conversationFixture(app);
    const [phone, web] = [await device(alice), await device(alice)];
    const bobPhone = await device(bob);
    const before = await emitAck(web, 'sync', {});
    web.close();

    const mine = im(alice, bob, 'sent from the phone while the web tab was closed');
    await emitAck(phone, 'im', mine);
    const theirs = im(bob, alice, 'an answer');
    await emitAck(bobPhone, 'im', theirs);
    await emitAck(bobPhone, 'messageStatusUpdate', { status: 'seen', uniqueid: mine.uniqueid, sender: alice.user.id });
    await emitAck(phone, 'messageStatusUpdate', { status: 'delivered', uniqueid: theirs.uniqueid, sender: bob.user.id });

    const back = await device(alice);
    const caughtUp = await emitAck(back, 'sync', { cursor: before.cursor });
    expect(caughtUp.sent).toEqual([expect.objectContaining({ uniqueid: mine.uniqueid, from: alice.user.id })]);
    expect(caughtUp.messages).toEqual([expect.objectContaining({ uniqueid: theirs.uniqueid, from: bob.user.id })]);
    expect(caughtUp.statusUpdates).toEqual([
      expect.objectContaining({ uniqueid: mine.uniqueid, status: 'seen' }),
      expect.objectContaining({ uniqueid: theirs.uniqueid, status: 'delivered', to: alice.user.id }),
    ]);
    // And the chain goes on from there with nothing repeated.
    const again = await emitAck(back, 'sync', { cursor: caughtUp.cursor });
    expect([...again.messages, ...again.sent, ...again.statusUpdates]).toEqual([]);
  });
});
