import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationCounts, ZERO_COUNTS } from '../conversations/conversation.schema';
import { isDuplicateKeyError, messageIdFor, toObjectId } from '../shared/ids';
import { Change, contribution, CountedMessageWrites, LeanMessage, toMessage } from './counted-writes';
import { DeliveryStatus, Message, NewMessage } from './message.entity';
import { MessageRecord } from './message.schema';

export interface InsertResult {
  message: Message;
  /** false when the sender had already sent a message with this uniqueid: that one is returned. */
  created: boolean;
}

export type { Change };
export { contribution };

/**
 * Messages, and the counts of their conversation kept in step with them (CountedMessageWrites).
 * Status changes are MessageStatusRepository's, which only libs/status may use.
 */
@Injectable()
export class MessageRepository implements OnModuleInit {
  constructor(
    @InjectModel(MessageRecord.name) private readonly model: Model<MessageRecord>,
    private readonly conversations: ConversationRepository,
    private readonly writes: CountedMessageWrites,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /**
   * Stores a message once per (sender, uniqueid): its `_id` is derived from the two, so a resend,
   * even racing the original, finds or collides with it and gets the original back.
   */
  async insert(message: NewMessage, options: { knownNew?: boolean } = {}): Promise<InsertResult> {
    const _id = messageIdFor(message.senderId, message.uniqueId);
    // A caller that has just looked (knownNew) skips this read; a racing resend still hits the _id index.
    const existing = options.knownNew ? undefined : await this.findById(_id.toHexString());
    if (existing) return { message: existing, created: false };

    await this.conversations.beginWrite(message.conversationId);
    const now = new Date();
    let created: Message;
    try {
      const doc = await this.model.create({
        _id,
        conversationId: toObjectId(message.conversationId),
        senderId: toObjectId(message.senderId),
        receiverId: toObjectId(message.receiverId),
        uniqueId: message.uniqueId,
        type: message.type,
        text: message.text,
        fileType: message.fileType ?? null,
        drfi: message.drfi ?? null,
        deliveryStatus: 'sent',
        createdAt: now,
        changedAt: now,
      });
      created = toMessage(doc.toObject());
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // A concurrent resend won: nothing was written here.
      await this.conversations.endWrite(message.conversationId, { ...ZERO_COUNTS });
      return { message: (await this.findById(_id.toHexString()))!, created: false };
    }
    await this.conversations.endWrite(message.conversationId, contribution(created), created.createdAt);
    await this.writes.inserted(created);
    return { message: created, created: true };
  }

  async findById(id: string): Promise<Message | undefined> {
    const doc = await this.model.findById(toObjectId(id)).lean<LeanMessage>();
    return doc ? toMessage(doc) : undefined;
  }

  /** The message if the user is its sender or receiver; undefined otherwise. */
  async findForParticipant(messageId: string, userId: string): Promise<Message | undefined> {
    const message = await this.findById(messageId);
    return message && (message.senderId === userId || message.receiverId === userId) ? message : undefined;
  }

  async findBySenderAndUniqueId(senderId: string, uniqueId: string): Promise<Message | undefined> {
    return this.findById(messageIdFor(senderId, uniqueId).toHexString());
  }

  /**
   * A conversation's messages in ascending creation order: all of them, or the `limit` newest
   * before the `before` message. `hasMore` says whether older ones exist.
   */
  async history(
    conversationId: string,
    page: { limit?: number; before?: Message } = {},
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const filter: Record<string, unknown> = { conversationId: toObjectId(conversationId) };
    if (page.before) {
      const { createdAt, id } = page.before;
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: toObjectId(id) } }];
    }
    if (page.limit === undefined) {
      const docs = await this.model.find(filter).sort({ createdAt: 1, _id: 1 }).lean<LeanMessage[]>();
      return { messages: docs.map(toMessage), hasMore: false };
    }
    const docs = await this.model
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(page.limit + 1)
      .lean<LeanMessage[]>();
    const hasMore = docs.length > page.limit;
    return { messages: docs.slice(0, page.limit).reverse().map(toMessage), hasMore };
  }

  /** Ids of the receiver's messages in the conversation whose status is one of `statuses`. */
  async idsForReceiver(conversationId: string, receiverId: string, statuses: DeliveryStatus[]): Promise<string[]> {
    const docs = await this.model
      .find(
        { conversationId: toObjectId(conversationId), receiverId: toObjectId(receiverId), deliveryStatus: { $in: statuses } },
        { _id: 1 },
      )
      .sort({ createdAt: 1, _id: 1 })
      .lean<{ _id: Types.ObjectId }[]>();
    return docs.map((d) => d._id.toHexString());
  }

  /** Soft-deletes the sender's message once; undefined when it was already deleted (or not theirs). */
  async markDeleted(messageId: string, senderId: string): Promise<Change | undefined> {
    const now = new Date();
    const sender = toObjectId(senderId);
    return this.writes.countedChange(
      messageId,
      { senderId: sender, deletedAt: null },
      { deletedAt: now, changedAt: now },
      { countsMayChange: true },
    );
  }

  /** Records that an accepted response's new values are in the vault; false if it already was. */
  async markVaultApplied(responseId: string): Promise<boolean> {
    const change = await this.writes.uncountedChange(
      responseId,
      { 'drfi.vaultApplied': false },
      { $set: { 'drfi.vaultApplied': true } },
    );
    return change !== undefined;
  }

  /**
   * The messages the user sent or received that changed at or after `since` (and after
   * `afterId` among those changed exactly at `since`), oldest change first, at most `limit`.
   */
  async changedSince(userId: string, since: Date, afterId: string | undefined, limit: number): Promise<{ messages: Message[]; hasMore: boolean }> {
    const user = toObjectId(userId);
    const position = afterId
      ? { $or: [{ changedAt: { $gt: since } }, { changedAt: since, _id: { $gt: toObjectId(afterId) } }] }
      : { changedAt: { $gte: since } };
    const docs = await this.model
      .find({ $and: [{ $or: [{ receiverId: user }, { senderId: user }] }, position] })
      .sort({ changedAt: 1, _id: 1 })
      .limit(limit + 1)
      .lean<LeanMessage[]>();
    return { messages: docs.slice(0, limit).map(toMessage), hasMore: docs.length > limit };
  }

  /** Counts recomputed from the stored messages (the truth the kept counts must equal). */
  async recount(conversationId: string, memberA: string, memberB: string): Promise<ConversationCounts> {
    const conversation = toObjectId(conversationId);
    const [a, b] = [toObjectId(memberA), toObjectId(memberB)];
    const unread = { deletedAt: null, deliveryStatus: { $ne: 'seen' } };
    const count = (filter: object) => this.model.countDocuments({ conversationId: conversation, ...filter });
    const [total, deleted, sentA, sentB, unreadA, unreadB] = await Promise.all([
      count({}),
      count({ deletedAt: { $ne: null } }),
      count({ senderId: a }),
      count({ senderId: b }),
      count({ senderId: a, ...unread }),
      count({ senderId: b, ...unread }),
    ]);
    return { total, deleted, sentA, sentB, unreadA, unreadB };
  }
}
