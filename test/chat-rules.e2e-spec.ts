import { MessageRepository } from '@app/dal/messages';
import { chatAs } from './support/chat-client';
import { conversationFixture } from './support/session';
import { startTestApp, TestApp } from './support/test-app';

describe('Chat REST API: reading, marking read, deleting', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  describe('GET /Chat/Conversation', () => {
    it('returns the documented shape, by withUserId or withAccountId', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const sent = (await chatAs(app, alice).send(conversationId, bob, 'Hello').expect(200)).body.data;
      const byId = await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200);
      expect(byId.body).toEqual({
        success: true,
        message: 'Conversation details',
        data: {
          id: conversationId,
          from: { id: alice.user.id, name: 'Alice', avatar: null, online: false },
          userIds: [alice.user.id, bob.user.id].sort(),
          messages: [
            {
              messageid: sent.messageId,
              created: sent.created,
              text: 'Hello',
              fromMe: false,
              toReceiverId: bob.user.id,
              conversationId,
              isread: false,
              Isdeleted: false,
              uniqueid: sent.uniqueid,
              deliveryStatus: 'sent',
            },
          ],
          hasMore: false,
        },
      });
      const byAccount = await chatAs(app, bob).conversation(`withAccountId=${alice.user.accountId}`).expect(200);
      expect(byAccount.body).toEqual(byId.body);
    });

    it('pages the history with limit and before, oldest first, saying whether more exist', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) ids.push((await chatAs(app, alice).send(conversationId, bob, `m${i}`).expect(200)).body.data.messageId);

      const newest = (await chatAs(app, alice).conversation(`withUserId=${bob.user.id}&limit=2`).expect(200)).body.data;
      expect(newest.messages.map((m: { text: string }) => m.text)).toEqual(['m4', 'm5']);
      expect(newest.hasMore).toBe(true);
      const older = (await chatAs(app, alice).conversation(`withUserId=${bob.user.id}&limit=2&before=${ids[3]}`).expect(200)).body.data;
      expect(older.messages.map((m: { text: string }) => m.text)).toEqual(['m2', 'm3']);
      expect(older.hasMore).toBe(true);
      const oldest = (await chatAs(app, alice).conversation(`withUserId=${bob.user.id}&limit=2&before=${ids[1]}`).expect(200)).body.data;
      expect(oldest.messages.map((m: { text: string }) => m.text)).toEqual(['m1']);
      expect(oldest.hasMore).toBe(false);
      const all = (await chatAs(app, alice).conversation(`withUserId=${bob.user.id}`).expect(200)).body.data;
      expect(all.messages.map((m: { text: string }) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(all.hasMore).toBe(false);
    });

    it('refuses a before message from another conversation (404)', async () => {
      const one = await conversationFixture(app);
      const two = await conversationFixture(app);
      const foreign = (await chatAs(app, two.alice).send(two.conversationId, two.bob, 'x').expect(200)).body.data.messageId;
      const res = await chatAs(app, one.alice).conversation(`withUserId=${one.bob.user.id}&limit=5&before=${foreign}`).expect(404);
      expect(res.body.error.code).toBe('MESSAGE_NOT_FOUND');
    });

    it('gives the same 404 for a stranger, an unknown user and myself', async () => {
      const { alice, outsider } = await conversationFixture(app);
      for (const query of [`withUserId=${outsider.user.id}`, 'withUserId=5a216e4005100b3d9029dd71', `withUserId=${alice.user.id}`, 'withAccountId=3f1c8a8e-8d7a-4c1e-9f43-6f1a2b3c4d5e']) {
        const res = await chatAs(app, alice).conversation(query).expect(404);
        expect(res.body.error.code).toBe('NOT_A_NETWORK_MEMBER');
      }
    });

    it.each(['', 'withUserId=nope', 'withAccountId=nope', 'limit=0', 'limit=201', 'before=nope', 'withUserId[$ne]=x'])(
      'refuses the query "%s" with 400',
      async (query) => {
        const { alice, bob } = await conversationFixture(app);
        const full = query.startsWith('limit') || query.startsWith('before') ? `withUserId=${bob.user.id}&${query}` : query;
        const res = await chatAs(app, alice).conversation(full).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      },
    );
  });

  describe('POST /Chat/Message/MarkRead/{messageId}', () => {
    it('marks an incoming message read for the receiver; again is harmless', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const { messageId } = (await chatAs(app, alice).send(conversationId, bob, 'read me').expect(200)).body.data;
      const res = await chatAs(app, bob).markRead(messageId).expect(200);
      expect(res.body).toEqual({ success: true, message: 'Message marked read', data: { messageId, conversationId, isRead: true } });
      await chatAs(app, bob).markRead(messageId).expect(200);
      const stored = await app.get(MessageRepository).findById(messageId);
      expect(stored).toMatchObject({ deliveryStatus: 'seen', seenAt: expect.any(Date) });
      const list = (await chatAs(app, bob).list().expect(200)).body.data[0];
      expect(list).toMatchObject({ unreadMessagesCount: 0, unreadIncomingMessagesCount: 0 });
    });

    it('refuses the sender (403) and an outsider (404), changing nothing', async () => {
      const { alice, bob, outsider, conversationId } = await conversationFixture(app);
      const { messageId } = (await chatAs(app, alice).send(conversationId, bob, 'mine').expect(200)).body.data;
      expect((await chatAs(app, alice).markRead(messageId).expect(403)).body.error.code).toBe('NOT_MESSAGE_RECEIVER');
      expect((await chatAs(app, outsider).markRead(messageId).expect(404)).body.error.code).toBe('MESSAGE_NOT_FOUND');
      expect((await app.get(MessageRepository).findById(messageId))?.deliveryStatus).toBe('sent');
    });

    it('moves the counts exactly once when many mark-reads of one message race', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const { messageId } = (await chatAs(app, alice).send(conversationId, bob, 'raced').expect(200)).body.data;
      await chatAs(app, alice).send(conversationId, bob, 'stays unread').expect(200);
      const results = await Promise.all(Array.from({ length: 20 }, () => chatAs(app, bob).markRead(messageId)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      const list = (await chatAs(app, bob).list().expect(200)).body.data[0];
      expect(list).toMatchObject({ messagesCount: 2, unreadMessagesCount: 1, unreadIncomingMessagesCount: 1 });
    });

    it('gives 400 for a malformed id and 404 for an unknown one', async () => {
      const { bob } = await conversationFixture(app);
      await chatAs(app, bob).markRead('not-an-id').expect(400);
      await chatAs(app, bob).markRead('5a216e4005100b3d9029dd71').expect(404);
    });
  });

  describe('POST /Chat/Conversation/MarkRead/{conversationId}', () => {
    it('marks only incoming unread messages and says how many', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      for (const text of ['b1', 'b2', 'b3']) await chatAs(app, bob).send(conversationId, alice, text).expect(200);
      await chatAs(app, alice).send(conversationId, bob, 'a1').expect(200);
      const res = await chatAs(app, alice).markConversationRead(conversationId).expect(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Conversation messages marked read',
        data: { conversationId, isRead: true, messagesMarkedRead: 3 },
      });
      expect((await chatAs(app, alice).markConversationRead(conversationId).expect(200)).body.data.messagesMarkedRead).toBe(0);
      const list = (await chatAs(app, alice).list().expect(200)).body.data[0];
      expect(list).toMatchObject({ unreadIncomingMessagesCount: 0, unreadMessagesCount: 1 });
    });

    it('refuses an outsider with 404', async () => {
      const { outsider, conversationId } = await conversationFixture(app);
      expect((await chatAs(app, outsider).markConversationRead(conversationId).expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
    });
  });

  describe('POST /Chat/Message/Delete', () => {
    it('soft-deletes for the sender, keeps it in history, and deleting twice is harmless', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const { messageId } = (await chatAs(app, alice).send(conversationId, bob, 'oops').expect(200)).body.data;
      const body = { conversationId, ToReceiverId: bob.user.id, messageid: messageId };
      const res = await chatAs(app, alice).delete(body).expect(200);
      expect(res.body).toEqual({ success: true, message: 'Message deleted successfully', data: { conversationId, messageId } });
      const first = await app.get(MessageRepository).findById(messageId);
      await chatAs(app, alice).delete(body).expect(200);
      expect((await app.get(MessageRepository).findById(messageId))?.deletedAt).toEqual(first?.deletedAt);
      const seenByBob = (await chatAs(app, bob).conversation(`withUserId=${alice.user.id}`).expect(200)).body.data.messages[0];
      expect(seenByBob).toMatchObject({ messageid: messageId, Isdeleted: true, Datedeleted: first?.deletedAt?.toISOString() });
      const list = (await chatAs(app, alice).list().expect(200)).body.data[0];
      expect(list).toMatchObject({ messagesCount: 1, deletedMessagesCount: 1, unreadMessagesCount: 0 });
    });

    it('refuses the receiver (403) and an outsider (404)', async () => {
      const { alice, bob, outsider, conversationId } = await conversationFixture(app);
      const { messageId } = (await chatAs(app, alice).send(conversationId, bob, 'keep').expect(200)).body.data;
      const byBob = await chatAs(app, bob).delete({ conversationId, ToReceiverId: alice.user.id, messageid: messageId }).expect(403);
      expect(byBob.body.error.code).toBe('NOT_MESSAGE_SENDER');
      await chatAs(app, outsider).delete({ conversationId, ToReceiverId: alice.user.id, messageid: messageId }).expect(404);
      expect((await app.get(MessageRepository).findById(messageId))?.deletedAt).toBeNull();
    });

    it('refuses parameters that do not agree (400/404)', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const other = await conversationFixture(app);
      const { messageId } = (await chatAs(app, alice).send(conversationId, bob, 'x').expect(200)).body.data;
      const wrongReceiver = await chatAs(app, alice).delete({ conversationId, ToReceiverId: alice.user.id, messageid: messageId }).expect(400);
      expect(wrongReceiver.body.error.code).toBe('RECEIVER_MISMATCH');
      const foreign = (await chatAs(app, other.alice).send(other.conversationId, other.bob, 'y').expect(200)).body.data.messageId;
      const wrongMessage = await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid: foreign }).expect(404);
      expect(wrongMessage.body.error.code).toBe('MESSAGE_NOT_FOUND');
      await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id }).expect(400);
    });
  });
});
