import { MessageRepository } from '@app/dal/messages';
import { VaultRepository } from '@app/dal/vault';
import { createDrfiRequest, createMessage, createUser, linkUsers, setVaultValues } from '@app/testing';
import { MessageCommandsService } from '../../apps/api/src/chat/message-commands.service';
import { ReceiptsService } from '../../apps/api/src/chat/receipts.service';
import { DrfiService } from '../../apps/api/src/drfi/drfi.service';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The chat and DRFI rules, driven on the services themselves over the real database: who may mark
 * read, who may delete, how a DRFI request moves. The e2e specs prove the HTTP and socket wiring.
 */
describe('chat and DRFI rules (services on the real database)', () => {
  let app: TestApp;
  let receipts: ReceiptsService;
  let commands: MessageCommandsService;
  let drfi: DrfiService;
  let messages: MessageRepository;

  beforeAll(async () => {
    app = await startTestApp();
    receipts = app.get(ReceiptsService);
    commands = app.get(MessageCommandsService);
    drfi = app.get(DrfiService);
    messages = app.get(MessageRepository);
  });
  afterAll(() => app.close());

  async function pair() {
    const alice = await createUser(app, { name: 'Alice' });
    const bob = await createUser(app, { name: 'Bob' });
    const mallory = await createUser(app, { name: 'Mallory' });
    const conversationId = await linkUsers(app, alice, bob);
    return { alice, bob, mallory, conversationId };
  }

  describe('mark read', () => {
    it('lets the receiver mark a message seen, once, forward only', async () => {
      const { alice, bob } = await pair();
      const message = await createMessage(app, alice, bob);
      expect((await receipts.markMessageRead(bob.id, message.id)).deliveryStatus).toBe('seen');
      expect((await receipts.markMessageRead(bob.id, message.id)).deliveryStatus).toBe('seen');
      const stored = await messages.findById(message.id);
      expect(stored).toMatchObject({ deliveryStatus: 'seen' });
      expect(stored?.seenAt).toBeInstanceOf(Date);
    });

    it('refuses the sender (403) and hides the message from anyone else (404); nothing changes', async () => {
      const { alice, bob, mallory } = await pair();
      const message = await createMessage(app, alice, bob);
      await expect(receipts.markMessageRead(alice.id, message.id)).rejects.toMatchObject({ code: 'NOT_MESSAGE_RECEIVER' });
      await expect(receipts.markMessageRead(mallory.id, message.id)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
      expect((await messages.findById(message.id))?.deliveryStatus).toBe('sent');
    });

    it('marks only the caller’s incoming messages of a conversation, and only theirs', async () => {
      const { alice, bob, mallory, conversationId } = await pair();
      const incoming = [await createMessage(app, alice, bob), await createMessage(app, alice, bob)];
      const outgoing = await createMessage(app, bob, alice);
      const marked = await receipts.markConversationRead(bob.id, conversationId);
      expect(marked.map((m) => m.id).sort()).toEqual(incoming.map((m) => m.id).sort());
      expect((await messages.findById(outgoing.id))?.deliveryStatus).toBe('sent');
      await expect(receipts.markConversationRead(mallory.id, conversationId)).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    });
  });

  describe('delete', () => {
    it('lets only the sender delete, once; the receiver is refused and the outsider sees nothing', async () => {
      const { alice, bob, mallory, conversationId } = await pair();
      const message = await createMessage(app, alice, bob);
      await expect(commands.delete(bob.id, { conversationId, receiverId: alice.id, messageId: message.id })).rejects.toMatchObject({ code: 'NOT_MESSAGE_SENDER' });
      await expect(commands.delete(mallory.id, { conversationId, receiverId: alice.id, messageId: message.id })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
      expect((await messages.findById(message.id))?.deletedAt).toBeNull();

      const first = await commands.delete(alice.id, { conversationId, receiverId: bob.id, messageId: message.id });
      expect(first.changed).toBe(true);
      const again = await commands.delete(alice.id, { conversationId, receiverId: bob.id, messageId: message.id });
      expect(again).toMatchObject({ changed: false, message: { deletedAt: first.message.deletedAt } });
    });

    it('refuses a receiver id that is not the other member', async () => {
      const { alice, bob, mallory, conversationId } = await pair();
      const message = await createMessage(app, alice, bob);
      await expect(commands.delete(alice.id, { conversationId, receiverId: mallory.id, messageId: message.id })).rejects.toMatchObject({ code: 'RECEIVER_MISMATCH' });
    });
  });

  describe('DRFI transitions', () => {
    it('moves a request sent -> accepted once, writing only newValue fields to the accepter’s vault', async () => {
      const { alice, bob } = await pair();
      await setVaultValues(app, bob, { '.contact.mobile': '6591112222' });
      const request = await createDrfiRequest(app, alice, bob, ['.contact.mobile', '.basicInformation.firstName']);
      const outcome = await drfi.accept(bob.id, request.id, [
        { source: 'vaultCurrentValue', path: '.contact.mobile', value: '6591112222' },
        { source: 'newValue', path: '.basicInformation.firstName', value: 'Bob' },
      ]);
      expect(outcome).toMatchObject({ requestMessageId: request.id, status: 'accepted' });
      expect((await messages.findById(request.id))?.drfi).toMatchObject({ status: 'accepted', responseMessageId: outcome.responseMessageId });
      const vault = await app.get(VaultRepository).valuesOf(bob.id);
      expect(vault.get('.basicInformation.firstName')?.value).toBe('Bob');
      expect(vault.get('.contact.mobile')?.value).toBe('6591112222');
      await expect(drfi.deny(bob.id, request.id)).rejects.toMatchObject({ code: 'DRFI_ALREADY_RESOLVED' });
      expect((await messages.findById(request.id))?.drfi?.status).toBe('accepted');
    });

    it('lets only the receiver answer: the requester gets 403, anyone else 404, a plain message 400', async () => {
      const { alice, bob, mallory } = await pair();
      const request = await createDrfiRequest(app, alice, bob, ['.contact.mobile']);
      await expect(drfi.deny(alice.id, request.id)).rejects.toMatchObject({ code: 'NOT_DRFI_RECEIVER' });
      await expect(drfi.deny(mallory.id, request.id)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
      const plain = await createMessage(app, alice, bob);
      await expect(drfi.deny(bob.id, plain.id)).rejects.toMatchObject({ code: 'NOT_A_DRFI_REQUEST' });
      expect((await messages.findById(request.id))?.drfi?.status).toBe('sent');
    });

    it('resolves exactly once when accept and deny race', async () => {
      const { alice, bob } = await pair();
      const request = await createDrfiRequest(app, alice, bob, ['.contact.mobile']);
      const outcomes = await Promise.allSettled([
        drfi.deny(bob.id, request.id),
        drfi.accept(bob.id, request.id, [{ source: 'newValue', path: '.contact.mobile', value: '6593334444' }]),
        drfi.deny(bob.id, request.id),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const lost of outcomes.filter((o) => o.status === 'rejected')) expect(lost.reason).toMatchObject({ code: 'DRFI_ALREADY_RESOLVED' });
      const status = (await messages.findById(request.id))?.drfi?.status;
      expect(status).toBe((won[0] as PromiseFulfilledResult<{ status: string }>).value.status);
    });
  });
});
