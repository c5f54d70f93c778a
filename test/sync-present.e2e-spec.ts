import { randomUUID } from 'node:crypto';
import { chatAs } from './support/chat-client';
import { voiceNote } from './support/media';
import { conversationFixture } from './support/session';
import { syncFromStart } from './support/sync';
import { startTestApp, TestApp } from './support/test-app';

/** Sync shows the present (issue 34): each object once per change not superseded, as it is when the page is read. */
describe('sync shows the present', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("a message deleted while the recipient's devices were away reaches each of them as a tombstone, never its text or file", async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const texts = Array.from({ length: 30 }, (_, i) => `message ${i} ${randomUUID()}`);
    const ids: string[] = [];
    for (const text of texts) ids.push((await chatAs(app, alice).send(conversationId, bob, text).expect(200)).body.data.messageId);
    const upload = await app.http().post('/Chat/Attachments').set(alice.auth).field('receiverId', bob.user.id).attach('file', voiceNote(), { filename: 'regret.wav', contentType: 'audio/wav' }).expect(201);
    const file = (await chatAs(app, alice).add({ conversationId, ToReceiverId: bob.user.id, attachmentId: upload.body.data.id }).expect(200)).body.data.messageId as string;
    for (const messageid of [ids[12], file]) await chatAs(app, alice).delete({ conversationId, ToReceiverId: bob.user.id, messageid }).expect(200);

    // Bob's two devices, one syncing over REST and one over the socket, and Alice's other device (her `sent`).
    for (const [who, over, list] of [[bob, 'rest', 'messages'], [bob, 'socket', 'messages'], [alice, 'rest', 'sent']] as const) {
      const sync = await syncFromStart(app, who, over);
      expect({ over, leaked: sync.raw.includes(texts[12]) || sync.raw.includes('regret.wav') }).toEqual({ over, leaked: false });
      const stanzas = sync.list(list);
      expect(stanzas.map((m) => m.messageid)).toEqual([...ids, file]);
      for (const gone of [ids[12], file]) {
        const tombstone = stanzas.find((m) => m.messageid === gone)!;
        expect(tombstone).toMatchObject({ msg: '', isDeleted: true, deletedAt: expect.any(String), file_type: null });
        expect(tombstone.attachment).toBeUndefined();
      }
      expect(stanzas.find((m) => m.messageid === ids[13])).toMatchObject({ msg: texts[13], isDeleted: false });
      expect(sync.list('deletes').map((d) => d.messageid)).toEqual([ids[12], file]);
    }
  });

  it('1,000 messages each delivered and then seen while their sender was away: her sync carries 1,000 status entries, each at its latest', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const sent: { messageid: string; uniqueid: string }[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const acks = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const uniqueid = randomUUID();
          const res = await chatAs(app, alice).send(conversationId, bob, `hello ${uniqueid}`, uniqueid).expect(200);
          return { messageid: res.body.data.messageId as string, uniqueid };
        }),
      );
      sent.push(...acks);
    }
    // Bob's phone reports each delivered (in sync, 500 at a time), then he reads the conversation.
    for (let from = 0; from < sent.length; from += 500) {
      const statuses = sent.slice(from, from + 500).map((m) => ({ status: 'delivered', uniqueid: m.uniqueid, sender: alice.user.id }));
      const res = await app.http().post('/Chat/Sync').set(bob.auth).send({ statuses }).expect(200);
      expect(res.body.data.acks.statuses.every((a: { status: string }) => a.status === 'statusUpdated')).toBe(true);
    }
    await chatAs(app, bob).markConversationRead(conversationId).expect(200);

    for (const who of [alice, bob]) {
      const sync = await syncFromStart(app, who, 'rest');
      const statusUpdates = sync.list('statusUpdates');
      expect(statusUpdates).toHaveLength(1000);
      expect(new Set(statusUpdates.map((s) => s.messageid)).size).toBe(1000);
      expect(statusUpdates.every((s) => s.status === 'seen')).toBe(true);
    }
    // And a message comes at its status now.
    const aliceSync = await syncFromStart(app, alice, 'rest');
    expect(aliceSync.list('sent')).toHaveLength(1000);
    expect(aliceSync.list('sent').every((m) => m.status === 'seen')).toBe(true);
  }, 120_000);
});
