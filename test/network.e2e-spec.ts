import { getConnectionToken } from '@nestjs/mongoose';
import { Types, type Connection } from 'mongoose';
import { ConversationRepository } from '@app/dal/messages';
import { NetworkLinkRepository } from '@app/dal/network';
import { createUser, linkUsers } from '@app/testing';
import { session, Session } from './support/session';
import { startTestApp, TestApp } from './support/test-app';

describe('Personal network', () => {
  let app: TestApp;
  let admin: Session;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await session(app, { admin: true });
  });
  afterAll(() => app.close());

  /** How many conversations the database holds with the user in them (all of them, not a listing). */
  const conversationsOf = (userId: string) =>
    app.app.get<Connection>(getConnectionToken()).collection('conversations').countDocuments({ userIds: new Types.ObjectId(userId) });
  const members = async (who: Session) => (await app.http().get('/Network/Members').set(who.auth).expect(200)).body.data;

  describe('admin links (POST/DELETE /Admin/Network)', () => {
    it('links two users both ways, with one conversation for the pair', async () => {
      const [a, b] = [await session(app, { name: 'Ann' }), await session(app, { name: 'Ben' })];
      const res = await app.http().post('/Admin/Network').set(admin.auth).send({ userId: a.user.id, memberId: b.user.id }).expect(201);
      expect(res.body).toEqual({
        success: true,
        message: 'Users linked',
        data: { userId: a.user.id, memberId: b.user.id, conversationId: expect.stringMatching(/^[0-9a-f]{24}$/), created: true },
      });
      const { conversationId } = res.body.data;
      expect(await members(a)).toEqual([
        { id: b.user.id, accountId: b.user.accountId, name: 'Ben', phone: b.user.phone, avatar: null, conversationId },
      ]);
      expect(await members(b)).toEqual([expect.objectContaining({ id: a.user.id, conversationId })]);
    });

    it('is idempotent: linking again (either way round) keeps the same conversation', async () => {
      const [a, b] = [await createUser(app), await createUser(app)];
      const first = await app.http().post('/Admin/Network').set(admin.auth).send({ userId: a.id, memberId: b.id }).expect(201);
      const again = await app.http().post('/Admin/Network').set(admin.auth).send({ userId: b.id, memberId: a.id }).expect(201);
      expect(again.body.data).toMatchObject({ created: false, conversationId: first.body.data.conversationId });
    });

    it('never makes two conversations for one pair, even under concurrent links', async () => {
      const [a, b] = [await createUser(app), await createUser(app)];
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          app.http().post('/Admin/Network').set(admin.auth).send(i % 2 ? { userId: a.id, memberId: b.id } : { userId: b.id, memberId: a.id }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.body.data.conversationId)).size).toBe(1);
      expect(await conversationsOf(a.id)).toBe(1);
      expect(await app.get(NetworkLinkRepository).memberIdsOf(a.id)).toEqual([b.id]);
    });

    it('refuses to link a user to themselves', async () => {
      const a = await createUser(app);
      const res = await app.http().post('/Admin/Network').set(admin.auth).send({ userId: a.id, memberId: a.id }).expect(400);
      expect(res.body.error.code).toBe('CANNOT_LINK_SELF');
    });

    it('gives 404 for an unknown user and creates nothing', async () => {
      const a = await createUser(app);
      const res = await app.http().post('/Admin/Network').set(admin.auth).send({ userId: a.id, memberId: '5a216e4005100b3d9029dd71' }).expect(404);
      expect(res.body.error.code).toBe('MEMBER_NOT_FOUND');
      expect(await conversationsOf(a.id)).toBe(0);
    });

    it.each([{ userId: 'abc', memberId: '5a216e4005100b3d9029dd71' }, { userId: { $ne: null }, memberId: '5a216e4005100b3d9029dd71' }, {}])(
      'refuses malformed ids %j with 400',
      async (body) => {
        const res = await app.http().post('/Admin/Network').set(admin.auth).send(body).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      },
    );

    it('unlinks a pair, keeping the conversation', async () => {
      const [a, b] = [await session(app), await session(app)];
      await app.http().post('/Admin/Network').set(admin.auth).send({ userId: a.user.id, memberId: b.user.id }).expect(201);
      await app.http().delete(`/Admin/Network?userId=${b.user.id}&memberId=${a.user.id}`).set(admin.auth).expect(200);
      expect(await members(a)).toEqual([]);
      expect(await members(b)).toEqual([]);
      expect(await app.get(ConversationRepository).findForPair(a.user.id, b.user.id)).toBeDefined();
      const again = await app.http().delete(`/Admin/Network?userId=${b.user.id}&memberId=${a.user.id}`).set(admin.auth).expect(404);
      expect(again.body.error.code).toBe('NOT_A_NETWORK_MEMBER');
    });
  });

  describe('my network (/Network/Members)', () => {
    it('lists a network linked before rosters existed (its roster is built from the links once), and one a crash left short', async () => {
      const [me, old, later] = [await session(app), await session(app, { name: 'Old' }), await session(app, { name: 'Later' })];
      await app.http().post('/Admin/Network').set(admin.auth).send({ userId: me.user.id, memberId: old.user.id }).expect(201);
      await app.http().post('/Admin/Network').set(admin.auth).send({ userId: me.user.id, memberId: later.user.id }).expect(201);
      const rosters = app.app.get<Connection>(getConnectionToken()).collection('network_rosters');
      // Before rosters: no roster at all for me. A crash between the link and the roster: later's is short.
      await rosters.deleteOne({ _id: new Types.ObjectId(me.user.id) });
      await rosters.updateOne({ _id: new Types.ObjectId(later.user.id) }, { $set: { ids: [], complete: true } });
      expect((await members(me)).map((m: { id: string }) => m.id)).toEqual([old.user.id, later.user.id]);
      expect(await members(later)).toEqual([]);
      // Linking the pair again (idempotent) mends the short roster.
      await app.http().post('/Admin/Network').set(admin.auth).send({ userId: later.user.id, memberId: me.user.id }).expect(201);
      expect((await members(later)).map((m: { id: string }) => m.id)).toEqual([me.user.id]);
    });

    it.each([
      ['neither accountId nor phone', {}],
      ['both accountId and phone', { accountId: '3f1c8a8e-8d7a-4c1e-9f43-6f1a2b3c4d5e', phone: '+6591234567' }],
      ['a phone that is not E.164', { phone: '12345' }],
      ['an account id that is not a UUID', { accountId: 'nope' }],
      ['an operator instead of a phone', { phone: { $gt: '' } }],
    ])('refuses %s with 400', async (_, body) => {
      const me = await session(app);
      const res = await app.http().post('/Network/Members').set(me.auth).send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(await members(me)).toEqual([]);
    });

    it('removes a member for both sides; removing a non-member is 404', async () => {
      const [me, friend, stranger] = [await session(app), await session(app), await session(app)];
      await linkUsers(app, me.user, friend.user);
      const res = await app.http().delete(`/Network/Members/${friend.user.id}`).set(me.auth).expect(200);
      expect(res.body).toEqual({ success: true, message: 'Member removed', data: { userId: friend.user.id } });
      expect(await members(me)).toEqual([]);
      expect(await members(friend)).toEqual([]);
      const missing = await app.http().delete(`/Network/Members/${stranger.user.id}`).set(me.auth).expect(404);
      expect(missing.body.error.code).toBe('NOT_A_NETWORK_MEMBER');
    });

    it('cannot remove a link between two other people', async () => {
      const [a, b, me] = [await session(app), await session(app), await session(app)];
      await linkUsers(app, a.user, b.user);
      await app.http().delete(`/Network/Members/${b.user.id}`).set(me.auth).expect(404);
      expect((await members(a)).map((m: { id: string }) => m.id)).toEqual([b.user.id]);
    });

    it('gives 400 for a malformed member id', async () => {
      const me = await session(app);
      const res = await app.http().delete('/Network/Members/not-an-id').set(me.auth).expect(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'VALIDATION_FAILED', details: [{ field: 'userId' }] } });
    });
  });
});
