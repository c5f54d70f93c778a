import type { Session } from './session';
import type { TestApp } from './test-app';

/** The customer's Chat REST API, called as a given user: thin helpers over supertest. */
export function chatAs(app: TestApp, who: Session) {
  const http = () => app.http();
  return {
    add: (body: object) => http().post('/Chat/Message/Add').set(who.auth).send(body),
    send: (conversationId: string, to: Session, text: string, uniqueid?: string) =>
      http()
        .post('/Chat/Message/Add')
        .set(who.auth)
        .send({ conversationId, ToReceiverId: to.user.id, text, ...(uniqueid ? { uniqueid } : {}) }),
    conversations: () => http().get('/Chat/Conversations').set(who.auth),
    list: () => http().get('/Chat/Conversations/List').set(who.auth),
    conversation: (query: string) => http().get(`/Chat/Conversation?${query}`).set(who.auth),
    markRead: (messageId: string) => http().post(`/Chat/Message/MarkRead/${messageId}`).set(who.auth),
    markConversationRead: (conversationId: string) => http().post(`/Chat/Conversation/MarkRead/${conversationId}`).set(who.auth),
    delete: (body: object) => http().post('/Chat/Message/Delete').set(who.auth).send(body),
  };
}
