import { eventually } from '@app/testing';
import { conversationFixture } from './support/session';
import { collect, devicesOn, emitAck } from './support/socket-client';
import { startTestApp, TEST_SOCKET, TestApp } from './support/test-app';

/** Typing indicators (issue 34): to the other party's sockets only, never stored, ended by the server when no stop comes, never to someone who blocked the typist. */
describe('typing', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A short expiry, so the automatic stop is quick to wait for.
    app = await startTestApp({ socket: { ...TEST_SOCKET, typingExpiryMs: 300 } });
  });
  afterAll(() => app.close());
  const device = devicesOn(() => app);

  it("reaches every device of the other party, not the typist's own; a start without a stop ends by itself", async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const [alicePhone, aliceLaptop, bobPhone, bobLaptop] = [await device(alice), await device(alice), await device(bob), await device(bob)];
    const [onBobPhone, onBobLaptop, onAliceLaptop] = [collect(bobPhone, 'typing'), collect(bobLaptop, 'typing'), collect(aliceLaptop, 'typing')];

    expect(await emitAck(alicePhone, 'typing', { to: bob.user.id, typing: true })).toEqual({ status: 'typing' });
    for (const heard of [onBobPhone, onBobLaptop]) expect(await heard.next()).toEqual({ from: alice.user.id, conversationId, typing: true, expiresInMs: 300 });
    // No stop comes: the server sends it.
    for (const heard of [onBobPhone, onBobLaptop]) expect(await heard.next((t) => !t.typing)).toEqual({ from: alice.user.id, conversationId, typing: false });

    // An explicit stop, and Bob's typing to Alice reaches her devices only.
    await emitAck(alicePhone, 'typing', { to: bob.user.id, typing: true });
    await emitAck(alicePhone, 'typing', { to: bob.user.id, typing: false });
    await emitAck(bobPhone, 'typing', { to: alice.user.id, typing: true });
    expect(await onAliceLaptop.next()).toMatchObject({ from: bob.user.id, typing: true });
    expect(onAliceLaptop.received.every((t) => t.from === bob.user.id)).toBe(true);
    expect(onBobLaptop.received.every((t) => t.from === alice.user.id)).toBe(true);
    await eventually(async () => expect(onBobLaptop.received.map((t) => t.typing)).toEqual([true, false, true, false]));
  });

  it('never reaches someone who blocked the typist, and says nothing of it; bad payloads are refused', async () => {
    const { alice, bob } = await conversationFixture(app);
    const { alice: carol } = await conversationFixture(app);
    await app.http().post('/Network/Members').set(bob.auth).send({ accountId: carol.user.accountId }).expect(202);
    const invitation = (await app.http().get('/Network/Invitations').set(carol.auth).expect(200)).body.data.received[0].invitationId;
    await app.http().post(`/Network/Invitations/${invitation}/Accept`).set(carol.auth).expect(200);
    await app.http().post('/Network/Blocks').set(bob.auth).send({ userId: alice.user.id }).expect(201);

    const [alicePhone, bobPhone, carolPhone] = [await device(alice), await device(bob), await device(carol)];
    const onBob = collect(bobPhone, 'typing');
    // The blocked typist gets the same ack as anyone; then someone Bob did not block types to him.
    expect(await emitAck(alicePhone, 'typing', { to: bob.user.id, typing: true })).toEqual({ status: 'typing' });
    await emitAck(carolPhone, 'typing', { to: bob.user.id, typing: true });
    expect(await onBob.next()).toMatchObject({ from: carol.user.id, typing: true });
    expect(onBob.received.map((t) => t.from)).toEqual([carol.user.id]);

    for (const payload of [{ to: 'nobody', typing: true }, { to: bob.user.id, typing: 'yes' }, { to: bob.user.id }]) {
      const ack = await emitAck(alicePhone, 'typing', payload as never);
      expect(ack).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
    }
  });
});
