import { ConversationRepository, MessageRepository } from '@app/dal/messages';
import { chatAs } from './support/chat-client';
import { conversationFixture, Session } from './support/session';
import { startTestApp, TestApp } from './support/test-app';

/** A small deterministic PRNG, so a failing sequence can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('Conversation counts under a random mix of adds, reads and deletes', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it.each([1, 2, 3])('match a recount from the stored messages (seed %i)', async (seed) => {
    const random = prng(seed);
    const { alice, bob, conversationId } = await conversationFixture(app);
    const parties: [Session, Session][] = [
      [alice, bob],
      [bob, alice],
    ];
    const sent: { id: string; sender: Session; receiver: Session }[] = [];
    let uniq = 0;

    const step = async (): Promise<unknown> => {
      const [me, them] = parties[Math.floor(random() * 2)];
      const roll = random();
      if (roll < 0.45 || sent.length === 0) {
        // Add, sometimes retried (same uniqueid) and sometimes with the retry racing the original.
        const uniqueid = `s${seed}-${uniq++}`;
        const send = () => chatAs(app, me).send(conversationId, them, `text ${uniqueid}`, uniqueid);
        const results = random() < 0.3 ? await Promise.all([send(), send()]) : [await send()];
        if (random() < 0.2) results.push(await send());
        for (const res of results) expect(res.status).toBe(200);
        if (!sent.some((m) => m.id === results[0].body.data.messageId)) sent.push({ id: results[0].body.data.messageId, sender: me, receiver: them });
        return;
      }
      const target = sent[Math.floor(random() * sent.length)];
      if (roll < 0.65) return chatAs(app, target.receiver).markRead(target.id).expect(200);
      if (roll < 0.8) return chatAs(app, me).markConversationRead(conversationId).expect(200);
      const times = random() < 0.3 ? 2 : 1;
      const del = () =>
        chatAs(app, target.sender).delete({ conversationId, ToReceiverId: target.receiver.user.id, messageid: target.id }).expect(200);
      return Promise.all(Array.from({ length: times }, del));
    };

    for (let i = 0; i < 40; i++) {
      // Sometimes three operations at once, from both parties.
      if (random() < 0.25) await Promise.all([step(), step(), step()]);
      else await step();
    }

    const conversation = (await app.get(ConversationRepository).findForMember(conversationId, alice.user.id))!;
    const truth = await app.get(MessageRepository).recount(conversationId, ...conversation.userIds);
    const aliceIsA = conversation.userIds[0] === alice.user.id;
    const sentBy = (s: Session) => ((s === alice) === aliceIsA ? truth.sentA : truth.sentB);
    const unreadBy = (s: Session) => ((s === alice) === aliceIsA ? truth.unreadA : truth.unreadB);

    for (const [me, them] of parties) {
      const listed = (await chatAs(app, me).list().expect(200)).body.data[0];
      expect(listed).toEqual(
        expect.objectContaining({
          messagesCount: truth.total,
          incomingMessagesCount: sentBy(them),
          unreadMessagesCount: truth.unreadA + truth.unreadB,
          unreadIncomingMessagesCount: unreadBy(them),
          deletedMessagesCount: truth.deleted,
        }),
      );
    }
    expect(truth.total).toBe(sent.length);
    expect(conversation.counts).toEqual(truth);
  });
});
