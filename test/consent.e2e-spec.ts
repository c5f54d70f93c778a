import { randomUUID } from 'node:crypto';
import { createMessage, createUser, linkUsers, uniquePhone } from '@app/testing';
import { chatAs } from './support/chat-client';
import { session, Session } from './support/session';
import { connect, emitAck } from './support/socket-client';
import { startTestApp, TestApp, testConfig } from './support/test-app';

/**
 * Consent and safety in the personal network (docs/decisions.md, "Invitations" and "Block"):
 * adding someone sends an invitation they accept or decline, the inviter's answer never tells a
 * known number from an unknown one, and a block closes every path between the two.
 */
describe('Invitations and blocks', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ rest: { ...testConfig().rest, invitationsPerDay: 5 } });
  });
  afterAll(() => app.close());

  const invite = (from: Session, to: object) => app.http().post('/Network/Members').set(from.auth).send(to);
  const invitations = async (who: Session) => (await app.http().get('/Network/Invitations').set(who.auth).expect(200)).body.data;
  const memberIds = async (who: Session) =>
    ((await app.http().get('/Network/Members').set(who.auth).expect(200)).body.data as { id: string }[]).map((m) => m.id);
  const accept = (who: Session, id: string) => app.http().post(`/Network/Invitations/${id}/Accept`).set(who.auth);
  const decline = (who: Session, id: string) => app.http().post(`/Network/Invitations/${id}/Decline`).set(who.auth);
  /** The parts of an answer that could tell a known number from an unknown one. */
  const shape = (res: { status: number; body: { success: boolean; message: string; data: Record<string, unknown> } }) => ({
    status: res.status,
    message: res.body.message,
    keys: Object.keys(res.body.data).sort(),
    status_: res.body.data.status,
  });

  describe('invitations', () => {
    it('invites by phone; the invitee sees who invited them and accepts: the pair is linked with one conversation', async () => {
      const [ann, ben] = [await session(app, { name: 'Ann' }), await session(app, { name: 'Ben' })];
      const sent = await invite(ann, { phone: ben.user.phone }).expect(202);
      expect(sent.body).toEqual({
        success: true,
        message: 'Invitation sent',
        data: { invitationId: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'pending', sentAt: expect.any(String) },
      });
      const { invitationId } = sent.body.data;
      // Not linked until Ben says yes.
      expect(await memberIds(ann)).toEqual([]);
      expect(await memberIds(ben)).toEqual([]);
      expect(await invitations(ben)).toEqual({
        received: [{ invitationId, from: { id: ann.user.id, name: 'Ann', phone: ann.user.phone, avatar: null }, sentAt: sent.body.data.sentAt }],
        sent: [],
      });
      expect(await invitations(ann)).toEqual({
        received: [],
        sent: [{ invitationId, phone: ben.user.phone, accountId: null, status: 'pending', sentAt: sent.body.data.sentAt }],
      });

      const accepted = await accept(ben, invitationId).expect(200);
      expect(accepted.body).toEqual({
        success: true,
        message: 'Invitation accepted',
        data: expect.objectContaining({ id: ann.user.id, conversationId: expect.stringMatching(/^[0-9a-f]{24}$/) }),
      });
      expect(await memberIds(ann)).toEqual([ben.user.id]);
      expect(await memberIds(ben)).toEqual([ann.user.id]);
      expect(await invitations(ann)).toEqual({ received: [], sent: [] });
      expect(await invitations(ben)).toEqual({ received: [], sent: [] });
      // Accepting again (a retry) returns the same member and changes nothing.
      expect((await accept(ben, invitationId).expect(200)).body.data.conversationId).toBe(accepted.body.data.conversationId);
      // They can chat now.
      await chatAs(app, ann).send(accepted.body.data.conversationId, ben, 'hello Ben').expect(200);
    });

    it('invites by account id too', async () => {
      const [ann, ben] = [await session(app), await session(app)];
      const sent = await invite(ann, { accountId: ben.user.accountId }).expect(202);
      expect((await invitations(ben)).received).toEqual([expect.objectContaining({ invitationId: sent.body.data.invitationId })]);
      expect((await invitations(ann)).sent).toEqual([expect.objectContaining({ accountId: ben.user.accountId, phone: null })]);
    });

    it('answers an unknown number exactly as a known one, and delivers the invitation once someone holds that number', async () => {
      const [ann, known] = [await session(app), await session(app)];
      const unknownPhone = uniquePhone();
      const toKnown = await invite(ann, { phone: known.user.phone });
      const toUnknown = await invite(ann, { phone: unknownPhone });
      const toUnknownAccount = await invite(ann, { accountId: randomUUID() });
      expect(shape(toUnknown)).toEqual(shape(toKnown));
      expect(shape(toUnknownAccount)).toEqual(shape(toKnown));
      expect(toUnknown.body.data.status).toBe('pending');

      // The number's holder joins later and finds the invitation waiting.
      const user = await createUser(app, { phone: unknownPhone });
      const late: Session = { user, token: app.tokenFor(user.id), auth: { Authorization: `Bearer ${app.tokenFor(user.id)}` } };
      expect((await invitations(late)).received).toEqual([expect.objectContaining({ invitationId: toUnknown.body.data.invitationId, from: expect.objectContaining({ id: ann.user.id }) })]);
      await accept(late, toUnknown.body.data.invitationId).expect(200);
      expect(await memberIds(ann)).toEqual([late.user.id]);
    });

    it('declines without telling the inviter: inviting again still reads pending and is not delivered again', async () => {
      const [ann, ben] = [await session(app), await session(app)];
      const first = await invite(ann, { phone: ben.user.phone }).expect(202);
      const declined = await decline(ben, first.body.data.invitationId).expect(200);
      expect(declined.body).toEqual({ success: true, message: 'Invitation declined', data: { invitationId: first.body.data.invitationId } });
      expect((await invitations(ben)).received).toEqual([]);
      const again = await invite(ann, { phone: ben.user.phone }).expect(202);
      expect(again.body.data).toEqual(first.body.data);
      expect((await invitations(ann)).sent).toEqual([expect.objectContaining({ invitationId: first.body.data.invitationId, status: 'pending' })]);
      expect((await invitations(ben)).received).toEqual([]);
      // A declined invitation cannot be accepted later; Ben can invite Ann instead.
      expect((await accept(ben, first.body.data.invitationId).expect(404)).body.error.code).toBe('INVITATION_NOT_FOUND');
      const back = await invite(ben, { phone: ann.user.phone }).expect(202);
      await accept(ann, back.body.data.invitationId).expect(200);
      expect(await memberIds(ben)).toEqual([ann.user.id]);
    });

    it('links at once when the invitee had invited the inviter too', async () => {
      const [ann, ben] = [await session(app), await session(app)];
      await invite(ann, { phone: ben.user.phone }).expect(202);
      const mutual = await invite(ben, { phone: ann.user.phone }).expect(202);
      expect(mutual.body).toMatchObject({ message: 'Member added', data: { status: 'accepted', member: { id: ann.user.id } } });
      expect(await memberIds(ann)).toEqual([ben.user.id]);
      expect(await invitations(ben)).toEqual({ received: [], sent: [] });
    });

    it('a member removed is not re-added by their own say: re-inviting needs a new yes, and the old conversation is reused', async () => {
      const [ann, ben] = [await session(app), await session(app)];
      const conversationId = await linkUsers(app, ann.user, ben.user);
      await createMessage(app, ann.user, ben.user, { text: 'before' });
      await app.http().delete(`/Network/Members/${ann.user.id}`).set(ben.auth).expect(200);
      const again = await invite(ann, { phone: ben.user.phone }).expect(202);
      expect(again.body.data.status).toBe('pending');
      expect(await memberIds(ann)).toEqual([]);
      const accepted = await accept(ben, again.body.data.invitationId).expect(200);
      expect(accepted.body.data.conversationId).toBe(conversationId);
      const history = await chatAs(app, ben).conversation(`withUserId=${ann.user.id}`).expect(200);
      expect(JSON.stringify(history.body)).toContain('before');
    });

    it("the inviter withdraws; only the invitee answers, only the inviter withdraws, nobody else sees it", async () => {
      const [ann, ben, eve] = [await session(app), await session(app), await session(app)];
      const { invitationId } = (await invite(ann, { phone: ben.user.phone }).expect(202)).body.data;
      for (const res of [await accept(eve, invitationId), await decline(eve, invitationId), await accept(ann, invitationId), await app.http().delete(`/Network/Invitations/${invitationId}`).set(ben.auth)]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('INVITATION_NOT_FOUND');
      }
      expect(await invitations(eve)).toEqual({ received: [], sent: [] });
      const withdrawn = await app.http().delete(`/Network/Invitations/${invitationId}`).set(ann.auth).expect(200);
      expect(withdrawn.body.data).toEqual({ invitationId });
      expect(await invitations(ben)).toEqual({ received: [], sent: [] });
      await accept(ben, invitationId).expect(404);
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const me = await session(app);
      expect((await invite(me, { phone: me.user.phone }).expect(400)).body.error.code).toBe('CANNOT_LINK_SELF');
      expect((await app.http().post('/Network/Invitations/not-an-id/Accept').set(me.auth).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect(await invitations(me)).toEqual({ received: [], sent: [] });
    });

    it('limits invitations per user per day (INVITATIONS_PER_DAY), known or unknown numbers alike', async () => {
      const [greedy, other] = [await session(app), await session(app)];
      for (let i = 0; i < 5; i++) await invite(greedy, { phone: uniquePhone() }).expect(202);
      const refused = await invite(greedy, { phone: other.user.phone }).expect(429);
      expect(refused.body).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
      expect(refused.body.message).toContain('5 invitations a day');
      expect((await invitations(other)).received).toEqual([]);
      // Someone else's budget is their own.
      await invite(other, { phone: greedy.user.phone }).expect(202);
    });
  });

  describe('blocks', () => {
    it('a block unlinks the pair: the blocked one can no longer message (REST or socket), sees no presence, and cannot tell it from a removal', async () => {
      const [ann, ben] = [await session(app, { name: 'Ann' }), await session(app, { name: 'Ben' })];
      const conversationId = await linkUsers(app, ann.user, ben.user);
      const annSocket = await connect(app, ann.token);
      const benSocket = await connect(app, ben.token);
      try {
        // Before: Ben sees Ann online in his list.
        const before = await chatAs(app, ben).list().expect(200);
        expect(JSON.stringify(before.body)).toContain(ann.user.id);

        const blocked = await app.http().post('/Network/Blocks').set(ann.auth).send({ userId: ben.user.id }).expect(201);
        expect(blocked.body).toEqual({ success: true, message: 'User blocked', data: { id: ben.user.id, name: 'Ben', avatar: null, blockedAt: expect.any(String) } });
        expect((await app.http().get('/Network/Blocks').set(ann.auth).expect(200)).body.data).toEqual([blocked.body.data]);

        // Ben: the same answers a removal gives.
        const rest = await chatAs(app, ben).send(conversationId, ann, 'are you there?').expect(403);
        expect(rest.body.error.code).toBe('RECIPIENT_NOT_IN_NETWORK');
        const ack = await emitAck(benSocket, 'im', { to: ann.user.id, from: ben.user.id, msg: 'hello?', uniqueid: randomUUID() });
        expect(ack).toMatchObject({ status: 'error', error: { code: 'NOT_A_NETWORK_MEMBER' } });
        expect(await memberIds(ben)).toEqual([]);
        const list = await chatAs(app, ben).list().expect(200);
        expect(JSON.stringify(list.body)).not.toContain(ann.user.id);
        expect((await chatAs(app, ben).conversation(`withUserId=${ann.user.id}`).expect(404)).body.error.code).toBe('NOT_A_NETWORK_MEMBER');
        // His invitation is taken and never delivered.
        const sent = await invite(ben, { phone: ann.user.phone }).expect(202);
        expect(sent.body.data.status).toBe('pending');
        expect((await invitations(ann)).received).toEqual([]);

        // Ann blocked him, so she is told why she cannot invite him.
        expect((await invite(ann, { phone: ben.user.phone }).expect(409)).body.error.code).toBe('USER_BLOCKED');
        // Blocking again changes nothing.
        expect((await app.http().post('/Network/Blocks').set(ann.auth).send({ userId: ben.user.id }).expect(201)).body.data).toEqual(blocked.body.data);
      } finally {
        annSocket.close();
        benSocket.close();
      }
    });

    it('unblock restores the link the block removed (and the conversation); an unlinked pair stays unlinked', async () => {
      const [ann, ben, cat] = [await session(app), await session(app), await session(app)];
      const conversationId = await linkUsers(app, ann.user, ben.user);
      await app.http().post('/Network/Blocks').set(ann.auth).send({ userId: ben.user.id }).expect(201);
      await app.http().post('/Network/Blocks').set(ann.auth).send({ userId: cat.user.id }).expect(201);
      const unblocked = await app.http().delete(`/Network/Blocks/${ben.user.id}`).set(ann.auth).expect(200);
      expect(unblocked.body).toEqual({ success: true, message: 'User unblocked', data: { userId: ben.user.id } });
      expect(await memberIds(ben)).toEqual([ann.user.id]);
      await chatAs(app, ben).send(conversationId, ann, 'back again').expect(200);
      await app.http().delete(`/Network/Blocks/${cat.user.id}`).set(ann.auth).expect(200);
      expect(await memberIds(cat)).toEqual([]);
      expect((await app.http().get('/Network/Blocks').set(ann.auth).expect(200)).body.data).toEqual([]);
      expect((await app.http().delete(`/Network/Blocks/${cat.user.id}`).set(ann.auth).expect(404)).body.error.code).toBe('NOT_BLOCKED');
    });

    it('a block declines their pending invitation and withdraws mine', async () => {
      const [ann, ben, cat] = [await session(app), await session(app), await session(app)];
      const fromBen = (await invite(ben, { phone: ann.user.phone }).expect(202)).body.data.invitationId;
      const toCat = (await invite(ann, { phone: cat.user.phone }).expect(202)).body.data.invitationId;
      await app.http().post('/Network/Blocks').set(ann.auth).send({ userId: ben.user.id }).expect(201);
      await app.http().post('/Network/Blocks').set(ann.auth).send({ userId: cat.user.id }).expect(201);
      expect(await invitations(ann)).toEqual({ received: [], sent: [] });
      await accept(ann, fromBen).expect(404);
      await accept(cat, toCat).expect(404);
      // To Ben, his invitation still reads pending.
      expect((await invitations(ben)).sent).toEqual([expect.objectContaining({ invitationId: fromBen, status: 'pending' })]);
    });

    it('answers a block and an unblock racing each other consistently: never a 5xx, and the pair ends blocked and unlinked or unblocked and linked', async () => {
      const [ann, ben] = [await session(app), await session(app)];
      await linkUsers(app, ann.user, ben.user);
      const block = () => app.http().post('/Network/Blocks').set(ann.auth).send({ userId: ben.user.id });
      const unblock = () => app.http().delete(`/Network/Blocks/${ben.user.id}`).set(ann.auth);
      const blockedNow = async () => ((await app.http().get('/Network/Blocks').set(ann.auth).expect(200)).body.data as unknown[]).length === 1;
      for (let round = 0; round < 30; round++) {
        // From blocked (even rounds) or not (odd ones), both at once.
        if (round % 2 === 0) await block().expect(201);
        const [blocked, unblocked] = await Promise.all([block(), unblock()]);
        expect(blocked.status).toBe(201);
        expect([200, 404]).toContain(unblocked.status);
        if (unblocked.status === 404) expect(unblocked.body.error.code).toBe('NOT_BLOCKED');
        const isBlocked = await blockedNow();
        expect({ round, isBlocked, members: await memberIds(ann) }).toEqual({ round, isBlocked, members: isBlocked ? [] : [ben.user.id] });
        if (isBlocked) await unblock().expect(200);
      }
    });

    it('refuses blocking myself, a user who does not exist and a malformed id; nothing changes', async () => {
      const me = await session(app);
      expect((await app.http().post('/Network/Blocks').set(me.auth).send({ userId: me.user.id }).expect(400)).body.error.code).toBe('CANNOT_ACT_ON_SELF');
      expect((await app.http().post('/Network/Blocks').set(me.auth).send({ userId: '0123456789abcdef01234567' }).expect(404)).body.error.code).toBe('MEMBER_NOT_FOUND');
      expect((await app.http().post('/Network/Blocks').set(me.auth).send({ userId: 'nope' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect((await app.http().get('/Network/Blocks').set(me.auth).expect(200)).body.data).toEqual([]);
    });
  });
});
