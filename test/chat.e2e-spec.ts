import { getConnectionToken } from '@nestjs/mongoose';
import { Connection, Types } from 'mongoose';
import { MessageRepository } from '@app/dal/messages';
import { NetworkLinkRepository } from '@app/dal/network';
import { eventually, linkUsers } from '@app/testing';
import { chatAs } from './support/chat-client';
import { connect } from './support/socket-client';
import { conversationFixture, session } from './support/session';
import { startTestApp, TEST_CHAT, TestApp } from './support/test-app';

const ID = /^[0-9a-f]{24}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('Chat REST API (chat-api.md)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  describe('POST /Chat/Message/Add', () => {
    it('creates a message and answers in the documented shape', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const res = await chatAs(app, alice).send(conversationId, bob, 'Hello there').expect(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Message created successfully',
        data: {
          conversationId,
          messageId: expect.stringMatching(ID),
          uniqueid: expect.any(String),
          created: expect.stringMatching(ISO),
        },
      });
      const stored = await app.get(MessageRepository).findById(res.body.data.messageId);
      expect(stored).toMatchObject({ senderId: alice.user.id, receiverId: bob.user.id, text: 'Hello there', deliveryStatus: 'sent' });
    });

    it('returns the original for a retry with the same uniqueid and creates nothing', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const first = await chatAs(app, alice).send(conversationId, bob, 'once', 'u-1').expect(200);
      const retry = await chatAs(app, alice).send(conversationId, bob, 'once', 'u-1').expect(200);
      expect(retry.body.data).toEqual(first.body.data);
      const concurrent = await Promise.all([1, 2, 3, 4, 5].map(() => chatAs(app, alice).send(conversationId, bob, 'racing', 'u-2')));
      expect(new Set(concurrent.map((r) => r.body.data.messageId)).size).toBe(1);
      const list = (await chatAs(app, alice).list().expect(200)).body.data[0];
      expect(list.messagesCount).toBe(2);
    });

    it('lets two senders use the same uniqueid independently', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const a = await chatAs(app, alice).send(conversationId, bob, 'from alice', 'same').expect(200);
      const b = await chatAs(app, bob).send(conversationId, alice, 'from bob', 'same').expect(200);
      expect(a.body.data.messageId).not.toBe(b.body.data.messageId);
    });

    it('refuses a uniqueid already used in another conversation (409)', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const carol = await session(app);
      const other = await linkUsers(app, alice.user, carol.user);
      await chatAs(app, alice).send(conversationId, bob, 'to bob', 'mine').expect(200);
      const res = await chatAs(app, alice).send(other, carol, 'to carol', 'mine').expect(409);
      expect(res.body.error.code).toBe('UNIQUEID_REUSED');
    });

    it.each([
      ['no text', { text: undefined }, 'VALIDATION_FAILED'],
      ['blank text', { text: '   ' }, 'VALIDATION_FAILED'],
      ['text over the configured bound', { text: 'x'.repeat(1001) }, 'VALIDATION_FAILED'],
      ['text that is not a string', { text: 42 }, 'VALIDATION_FAILED'],
      ['a malformed conversationId', { conversationId: 'nope' }, 'VALIDATION_FAILED'],
      ['an operator as conversationId', { conversationId: { $ne: null } }, 'VALIDATION_FAILED'],
      ['a missing ToReceiverId', { ToReceiverId: undefined }, 'VALIDATION_FAILED'],
      ['a bad uniqueid', { uniqueid: 'has spaces in it' }, 'VALIDATION_FAILED'],
      ['an unknown field', { priority: 'high' }, 'VALIDATION_FAILED'],
    ])('refuses %s with 400 and stores nothing', async (_, override, code) => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const res = await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, text: 'hi', ...override }).expect(400);
      expect(res.body).toMatchObject({ success: false, error: { code } });
      expect((await app.get(MessageRepository).history(conversationId)).messages).toEqual([]);
    });

    it('refuses a ToReceiverId that is not the other member (400)', async () => {
      const { alice, outsider, conversationId } = await conversationFixture(app);
      const toSelf = await chatAs(app, alice).add({ conversationId, ToReceiverId: alice.user.id, text: 'hi' }).expect(400);
      expect(toSelf.body.error.code).toBe('RECEIVER_MISMATCH');
      const toOutsider = await chatAs(app, alice).add({ conversationId, ToReceiverId: outsider.user.id, text: 'hi' }).expect(400);
      expect(toOutsider.body.error.code).toBe('RECEIVER_MISMATCH');
    });

    it('refuses a conversation that is not the caller\'s (404) and an unknown one (404)', async () => {
      const { alice, bob, outsider, conversationId } = await conversationFixture(app);
      const res = await chatAs(app, outsider).add({ conversationId, ToReceiverId: bob.user.id, text: 'sneaky' }).expect(404);
      expect(res.body.error.code).toBe('CONVERSATION_NOT_FOUND');
      await chatAs(app, alice).add({ conversationId: '5a216e4005100b3d9029dd71', ToReceiverId: bob.user.id, text: 'x' }).expect(404);
    });

    it('refuses to send once the two are no longer linked (403), but a retry still gets its original', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const sent = await chatAs(app, alice).send(conversationId, bob, 'before', 'kept').expect(200);
      await app.get(NetworkLinkRepository).unlink(alice.user.id, bob.user.id);
      const res = await chatAs(app, alice).send(conversationId, bob, 'after').expect(403);
      expect(res.body.error.code).toBe('RECIPIENT_NOT_IN_NETWORK');
      const retry = await chatAs(app, alice).send(conversationId, bob, 'before', 'kept').expect(200);
      expect(retry.body.data.messageId).toBe(sent.body.data.messageId);
    });
  });

  describe('GET /Chat/Conversations', () => {
    it('returns the bare documented object, one conversation per network member with its messages', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const hello = (await chatAs(app, alice).send(conversationId, bob, 'Hello there').expect(200)).body.data;
      const reply = (await chatAs(app, bob).send(conversationId, alice, 'Hi!').expect(200)).body.data;
      await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: hello.messageId }).expect(200);

      const res = await chatAs(app, alice).conversations().expect(200);
      expect(res.body).toEqual({
        userId: alice.user.id,
        userName: 'Alice',
        conversations: [
          {
            id: conversationId,
            name: 'Bob',
            isGroupChat: false,
            from: { id: bob.user.id, name: 'Bob', avatar: null, online: false },
            userIds: [alice.user.id, bob.user.id].sort(),
            users: [
              { id: bob.user.id, name: 'Bob', avatar: null, online: false },
              { id: alice.user.id, name: 'Alice', avatar: null, online: false },
            ],
            messages: [
              {
                messageid: hello.messageId,
                created: hello.created,
                text: 'Hello there',
                fromMe: true,
                toReceiverId: bob.user.id,
                conversationId,
                isread: false,
                Isdeleted: true,
                Datedeleted: expect.stringMatching(ISO),
                uniqueid: hello.uniqueid,
                deliveryStatus: 'sent',
              },
              {
                messageid: reply.messageId,
                created: reply.created,
                text: 'Hi!',
                fromMe: false,
                toReceiverId: alice.user.id,
                conversationId,
                isread: false,
                Isdeleted: false,
                uniqueid: reply.uniqueid,
                deliveryStatus: 'sent',
              },
            ],
          },
        ],
      });
      expect(res.body.conversations[0].messages[1]).not.toHaveProperty('Datedeleted');
      expect(res.body.conversations[0].messages[1]).not.toHaveProperty('type');
    });

    it('lists only network members, most recently active first', async () => {
      const me = await session(app, { name: 'Me' });
      const [quiet, busy, gone] = [await session(app, { name: 'Quiet' }), await session(app, { name: 'Busy' }), await session(app, { name: 'Gone' })];
      await linkUsers(app, me.user, quiet.user);
      const busyConversation = await linkUsers(app, me.user, busy.user);
      await linkUsers(app, me.user, gone.user);
      await chatAs(app, busy).send(busyConversation, me, 'ping').expect(200);
      await app.get(NetworkLinkRepository).unlink(me.user.id, gone.user.id);
      const res = await chatAs(app, me).conversations().expect(200);
      expect(res.body.conversations.map((c: { name: string }) => c.name)).toEqual(['Busy', 'Quiet']);
    });
  });

  describe('GET /Chat/Conversations/List', () => {
    it('reads the other parties\' profiles once: a second list asks the database for no user profile (profiles never change)', async () => {
      const { alice } = await conversationFixture(app);
      const carol = await session(app, { name: 'Carol' });
      await linkUsers(app, alice.user, carol.user);
      const profileReads: unknown[] = [];
      const client = app.get<Connection>(getConnectionToken()).getClient();
      const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
        // The token check's standing read (sessions, suspension) names its fields; a profile read does not.
        if (event.commandName === 'find' && event.command.find === 'users' && !event.command.projection) profileReads.push(event.command.filter);
      };
      const names = async () => ((await chatAs(app, alice).list().expect(200)).body.data as { fromProfile: { displayName: string } }[]).map((c) => c.fromProfile.displayName).sort();
      expect(await names()).toEqual(['Bob', 'Carol']);
      client.on('commandStarted', listener);
      try {
        expect(await names()).toEqual(['Bob', 'Carol']);
      } finally {
        client.off('commandStarted', listener);
      }
      expect(profileReads).toEqual([]);
    });

    it('returns the documented shape with exact counts from both sides', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const a1 = (await chatAs(app, alice).send(conversationId, bob, 'a1').expect(200)).body.data.messageId;
      await chatAs(app, alice).send(conversationId, bob, 'a2').expect(200);
      const b1 = (await chatAs(app, bob).send(conversationId, alice, 'b1').expect(200)).body.data.messageId;
      await chatAs(app, bob).send(conversationId, alice, 'b2').expect(200);
      await chatAs(app, bob).send(conversationId, alice, 'b3').expect(200);
      await chatAs(app, bob).markRead(a1).expect(200);
      await chatAs(app, bob).delete({ conversationId, ToReceiverId: alice.user.id, messageid: b1 }).expect(200);

      const forAlice = await chatAs(app, alice).list().expect(200);
      expect(forAlice.body).toEqual({
        success: true,
        message: 'List 1 conversations',
        data: [
          {
            conversationId,
            fromAccountId: bob.user.accountId,
            fromProfile: { id: bob.user.id, displayName: 'Bob', avatar: null, online: false },
            messagesCount: 5,
            incomingMessagesCount: 3,
            unreadMessagesCount: 3, // a2, b2, b3 (b1 deleted, a1 seen)
            unreadIncomingMessagesCount: 2, // b2, b3
            deletedMessagesCount: 1,
          },
        ],
      });
      const forBob = (await chatAs(app, bob).list().expect(200)).body.data[0];
      expect(forBob).toMatchObject({
        fromAccountId: alice.user.accountId,
        messagesCount: 5,
        incomingMessagesCount: 2,
        unreadMessagesCount: 3,
        unreadIncomingMessagesCount: 1, // a2
        deletedMessagesCount: 1,
      });
    });

    it('shows the other member online while they have a socket, and offline once it closes', async () => {
      const { alice, bob } = await conversationFixture(app);
      const online = async () => (await chatAs(app, alice).list().expect(200)).body.data[0].fromProfile.online;
      expect(await online()).toBe(false);
      const socket = await connect(app, bob.token);
      expect(await online()).toBe(true);
      socket.close();
      // The server hears the close a moment later.
      await eventually(async () => expect(await online()).toBe(false));
    });

    it('recounts a conversation left half-written by a writer that died between its two writes', async () => {
      const fresh = await startTestApp({ chat: { ...TEST_CHAT, countsRepairAfterMs: 1000 } });
      try {
        const { alice, bob, conversationId } = await conversationFixture(fresh);
        await chatAs(fresh, alice).send(conversationId, bob, 'counted').expect(200);
        // The state a writer leaves when it dies after writing its message and before updating
        // the counts: the message is stored, the conversation has one write pending.
        const db = fresh.get<Connection>(getConnectionToken()).db!;
        const longAgo = new Date(Date.now() - 5000);
        await db.collection('conversations').updateOne(
          { _id: new Types.ObjectId(conversationId) },
          { $inc: { pendingWrites: 1, writeEpoch: 1 }, $set: { lastWriteAt: longAgo } },
        );
        await db.collection('messages').insertOne({
          conversationId: new Types.ObjectId(conversationId),
          senderId: new Types.ObjectId(alice.user.id),
          receiverId: new Types.ObjectId(bob.user.id),
          uniqueId: 'orphan',
          type: 'text',
          text: 'uncounted',
          fileType: null,
          deliveryStatus: 'sent',
          deliveredAt: null,
          seenAt: null,
          deletedAt: null,
          createdAt: longAgo,
          changedAt: longAgo,
        });

        const list = (await chatAs(fresh, bob).list().expect(200)).body.data[0];
        expect(list).toMatchObject({ messagesCount: 2, incomingMessagesCount: 2, unreadIncomingMessagesCount: 2 });
        const after = await db.collection('conversations').findOne({ _id: new Types.ObjectId(conversationId) });
        expect(after?.pendingWrites).toBe(0);
      } finally {
        await fresh.close();
      }
    });
  });
});
