import { Injectable } from '@nestjs/common';
import { Conversation, ERASED_USER_NAME, Message, otherMember, User } from '@app/dal';
import { ChangeFeedRepository, ConversationRepository, MessageRepository, UnreadSummaryRepository } from '@app/dal/messages';
import { AttachmentLinks } from '@app/storage';
import { AttachmentsService } from '../attachments/attachments.service';
import { editedStanza, presentImStanza, tombstoneOf } from '../messages/stanzas';
import { UsersService } from '../users/users.service';
import { MessageCommandsService } from './message-commands.service';

/** A conversation of the user's, as a data export holds it. */
export interface ConversationExport {
  conversation: Conversation;
  /** The other member (an erased one is their stub). */
  other: User | undefined;
  messages: Message[];
}

/** Conversations walked per retention page, and expired messages taken per read. */
const RETENTION_CONVERSATIONS = 100;
const RETENTION_MESSAGES = 200;

/**
 * The chat domain's part of a user's data rights (docs/security.md, "Data rights"): their
 * conversations for an export; their messages erased (tombstones for the other party, in history,
 * live and in sync); and message retention (MESSAGE_RETENTION_DAYS).
 */
@Injectable()
export class ConversationPersonalData {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly feed: ChangeFeedRepository,
    private readonly unread: UnreadSummaryRepository,
    private readonly commands: MessageCommandsService,
    private readonly attachments: AttachmentsService,
    private readonly users: UsersService,
    private readonly links: AttachmentLinks,
  ) {}

  /** The user's conversations, oldest first. */
  conversationsOf(userId: string): Promise<Conversation[]> {
    return this.conversations.listForMember(userId);
  }

  /** One conversation with all its messages, oldest first. */
  async exportOne(userId: string, conversation: Conversation): Promise<ConversationExport> {
    const [other] = await this.users.findMany([otherMember(conversation, userId)]);
    const { messages } = await this.messages.history(conversation);
    return { conversation, other, messages };
  }

  /**
   * Erases every message the user sent, conversation by conversation: each is deleted for everyone
   * (both parties' devices hear `messageDeleted`, as for a sender's delete), its content and
   * attachment go for good, and the other party's change sequence carries its tombstone instead of
   * its `im`, so a device that syncs later never receives it. Then the user's own sequence goes.
   * Returns, per other party, the conversations (what their pushes are filed under). Idempotent:
   * an erasure that died part-way is run again.
   */
  async eraseSentBy(userId: string, progress: (done: number, total: number) => Promise<void>): Promise<Map<string, string[]>> {
    const carried = new Map<string, string[]>();
    const conversations = await this.conversations.listForMember(userId);
    const [stub] = await this.users.findMany([userId]);
    const sender: User = stub ?? { id: userId, accountId: '', name: ERASED_USER_NAME, phone: '', avatar: null, createdAt: new Date(0), erased: true };
    for (const [i, conversation] of conversations.entries()) {
      const otherId = otherMember(conversation, userId);
      carried.set(otherId, [...(carried.get(otherId) ?? []), conversation.id]);
      const now = new Date();
      const tombstones = new Map<string, Record<string, unknown>>();
      for (const message of await this.messages.sentIn(conversation.id, userId)) {
        if (!message.deletedAt) await this.commands.deleteForEveryone(message.id);
        if (message.attachment) await this.attachments.discard(message.attachment.id);
        await this.messages.eraseContent(message.id);
        this.tombstonesOf(tombstones, message, sender, now);
      }
      await this.feed.rewrite(otherId, tombstones);
      await progress(i + 1, conversations.length);
    }
    await this.feed.forget(userId);
    await this.unread.remove(userId);
    return carried;
  }

  /**
   * Message retention: every message created before the cutoff is removed (its conversation's
   * counts kept), its attachment's bytes with it, and both parties' change sequences carry its
   * tombstone instead of its `im`. Walks every conversation a page at a time, one indexed range
   * read each (`{conversationId, createdAt}`): nothing on the send path. Returns how many went.
   */
  async expireBefore(cutoff: Date): Promise<number> {
    let removed = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.conversations.page(after, RETENTION_CONVERSATIONS);
      if (page.length === 0) return removed;
      for (const conversation of page) removed += await this.expireIn(conversation, cutoff);
      after = page[page.length - 1].id;
    }
  }

  private async expireIn(conversation: Conversation, cutoff: Date): Promise<number> {
    let removed = 0;
    const members = new Map((await this.users.findMany([...conversation.userIds])).map((u) => [u.id, u]));
    for (;;) {
      const expired = await this.messages.createdBefore(conversation.id, cutoff, RETENTION_MESSAGES);
      if (expired.length === 0) return removed;
      const now = new Date();
      const tombstones = new Map<string, Record<string, unknown>>();
      for (const message of expired) {
        const sender = members.get(message.senderId);
        if (sender) this.tombstonesOf(tombstones, message, sender, now);
      }
      // The sequences first: a crash after leaves messages that the next sweep takes again.
      for (const memberId of conversation.userIds) await this.feed.rewrite(memberId, tombstones);
      for (const message of expired) {
        if (message.attachment) await this.attachments.discard(message.attachment.id);
        if (await this.messages.remove(message.id)) removed++;
      }
    }
  }

  /** What each of a message's changes becomes once its content is gone: its `im` and every edit (their stored texts). */
  private tombstonesOf(into: Map<string, Record<string, unknown>>, message: Message, sender: User, at: Date): void {
    const gone = tombstoneOf(message, at);
    into.set(`m:${message.id}`, { ...presentImStanza(gone, sender, this.links) });
    for (let n = 1; n <= message.editCount; n++) into.set(`e:${message.id}:${n}`, { ...editedStanza(gone) });
  }
}
