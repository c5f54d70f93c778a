import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { startTestApp, TestApp } from './support/test-app';

type Role = 'sender' | 'receiver' | 'outsider';

/**
 * Every Chat endpoint, called by the two members and by an outsider, with the status each gets.
 * "sender" sent the message the calls act on; "receiver" is the other member.
 */
describe('Chat access matrix', () => {
  let app: TestApp;
  let who: Record<Role, Session>;
  let conversationId: string;
  let messageId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const fixture = await conversationFixture(app);
    who = { sender: fixture.alice, receiver: fixture.bob, outsider: fixture.outsider };
    conversationId = fixture.conversationId;
  });
  beforeEach(async () => {
    messageId = (await chatAs(app, who.sender).send(conversationId, who.receiver, 'subject of the call').expect(200)).body.data.messageId;
  });
  afterAll(() => app.close());

  const other = (role: Role) => (role === 'sender' ? who.receiver : role === 'receiver' ? who.sender : who.sender);

  const calls: Record<string, (role: Role) => ReturnType<ReturnType<typeof chatAs>['list']>> = {
    'GET /Chat/Conversation': (role) => chatAs(app, who[role]).conversation(`withUserId=${other(role).user.id}`),
    'POST /Chat/Message/Add': (role) => chatAs(app, who[role]).add({ conversationId, ToReceiverId: other(role).user.id, text: 'hi' }),
    'POST /Chat/Message/MarkRead': (role) => chatAs(app, who[role]).markRead(messageId),
    'POST /Chat/Conversation/MarkRead': (role) => chatAs(app, who[role]).markConversationRead(conversationId),
    'POST /Chat/Message/Delete': (role) =>
      chatAs(app, who[role]).delete({ conversationId, ToReceiverId: role === 'receiver' ? who.sender.user.id : who.receiver.user.id, messageid: messageId }),
  };

  const expected: [string, Role, number][] = [
    ['GET /Chat/Conversation', 'sender', 200],
    ['GET /Chat/Conversation', 'receiver', 200],
    ['GET /Chat/Conversation', 'outsider', 404],
    ['POST /Chat/Message/Add', 'sender', 200],
    ['POST /Chat/Message/Add', 'receiver', 200],
    ['POST /Chat/Message/Add', 'outsider', 404],
    ['POST /Chat/Message/MarkRead', 'sender', 403],
    ['POST /Chat/Message/MarkRead', 'receiver', 200],
    ['POST /Chat/Message/MarkRead', 'outsider', 404],
    ['POST /Chat/Conversation/MarkRead', 'sender', 200],
    ['POST /Chat/Conversation/MarkRead', 'receiver', 200],
    ['POST /Chat/Conversation/MarkRead', 'outsider', 404],
    ['POST /Chat/Message/Delete', 'sender', 200],
    ['POST /Chat/Message/Delete', 'receiver', 403],
    ['POST /Chat/Message/Delete', 'outsider', 404],
  ];

  it.each(expected)('%s by the %s: %i', async (endpoint, role, status) => {
    const res = await calls[endpoint](role);
    expect(res.status).toBe(status);
    expect(res.body.success).toBe(status === 200);
  });

  it.each(['sender', 'receiver', 'outsider'] as Role[])('the listings show the conversation to members only (%s)', async (role) => {
    const member = role !== 'outsider';
    const all = await chatAs(app, who[role]).conversations().expect(200);
    expect(all.body.conversations.some((c: { id: string }) => c.id === conversationId)).toBe(member);
    const list = await chatAs(app, who[role]).list().expect(200);
    expect(list.body.data.some((c: { conversationId: string }) => c.conversationId === conversationId)).toBe(member);
  });

  it('an outsider never sees the text of the conversation anywhere', async () => {
    const responses = await Promise.all([
      chatAs(app, who.outsider).conversations(),
      chatAs(app, who.outsider).list(),
      ...Object.values(calls).map((call) => call('outsider')),
    ]);
    for (const res of responses) expect(JSON.stringify(res.body)).not.toContain('subject of the call');
  });
});
