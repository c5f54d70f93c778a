import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationCounts, ZERO_COUNTS } from '../conversations/conversation.schema';
import { Conversation } from '../conversations/conversation.entity';
import { GroupCommit } from '../shared/group-commit';
import { conditionalUpdate } from '../shared/conditional-update';
import { messageIdFor, toObjectId, writeErrorsOf } from '../shared/ids';
import { dropRetiredIndexes } from '../shared/retired-indexes';
import { Change, contribution, CountedMessageWrites, LeanMessage, toMessage } from './counted-writes';
import { DeliveryStatus, Message, NewMessage } from './message.entity';
import { MessageRecord } from './message.schema';

/** Messages per group-commit batch. */
const BATCH = 200;

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
  private readonly inserts = new GroupCommit<LeanMessage, 'inserted' | 'duplicate'>((records) => this.insertBatch(records), { maxBatch: BATCH });

  constructor(
    @InjectModel(MessageRecord.name) private readonly model: Model<MessageRecord>,
    private readonly conversations: ConversationRepository,
    private readonly writes: CountedMessageWrites,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
    // Mark-read's index before positions (issue 32): replaced by {conversationId, receiverId, seq}.
    await dropRetiredIndexes(this.model.collection, [{ conversationId: 1, receiverId: 1, deliveryStatus: 1 }]);
  }

  /**
   * Stores a message once per (sender, uniqueid): its `_id` is derived from the two, so a resend,
   * even racing the original, collides with it and gets the original back. (No look first: the
   * insert is the look, and a resend, the rare case, pays for the position it took.) Concurrent
   * messages share their commands (group commit): the positions of one batch are one `bulkWrite`
   * (ConversationRepository.beginInsert), its inserts one `insertMany`, and its counts one more
   * (ConversationRepository.endInsert).
   */
  async insert(message: NewMessage): Promise<InsertResult> {
    const _id = messageIdFor(message.senderId, message.uniqueId);
    let begun = await this.conversations.beginInsert(message.conversationId);
    if (begun === undefined) {
      // The pair's first message: make the conversation, then take its position.
      await this.conversations.ensureForPair(message.senderId, message.receiverId);
      begun = await this.conversations.beginInsert(message.conversationId);
      if (begun === undefined) throw new Error(`conversation ${message.conversationId} is not the pair's`);
    }
    const { seq } = begun;
    const now = new Date();
    const record: LeanMessage = {
      _id,
      conversationId: toObjectId(message.conversationId),
      senderId: toObjectId(message.senderId),
      receiverId: toObjectId(message.receiverId),
      uniqueId: message.uniqueId,
      type: message.type,
      text: message.text ?? '',
      fileType: message.fileType ?? null,
      attachment: message.attachment ?? null,
      drfi: message.drfi ?? null,
      // Only a reply carries the field (every other message's document stays as it was).
      ...(message.replyTo ? { replyTo: toObjectId(message.replyTo) } : {}),
      deliveryStatus: 'sent',
      deliveredAt: null,
      seenAt: null,
      deletedAt: null,
      seq,
      createdAt: now,
      changedAt: now,
    };
    if ((await this.inserts.submit(record)) === 'duplicate') {
      // A resend (or a concurrent one won): nothing was written here, and the position taken stays
      // empty (history reads positions as a range, so a gap costs nothing).
      await this.conversations.endWrite(message.conversationId, { ...ZERO_COUNTS });
      return { message: (await this.findById(_id.toHexString()))!, created: false };
    }
    const created = toMessage(record);
    await this.conversations.endInsert(begun, contribution(created), created.createdAt);
    return { message: created, created: true };
  }

  /** One batch of new messages in one unordered insert; each learns whether it was a duplicate. */
  private async insertBatch(records: LeanMessage[]): Promise<('inserted' | 'duplicate')[]> {
    const outcomes = records.map(() => 'inserted' as 'inserted' | 'duplicate');
    try {
      // (Fields a producer left undefined are left out, as mongoose's create left them out.)
      await this.model.collection.insertMany(records, { ordered: false, ignoreUndefined: true });
    } catch (err) {
      const failures = writeErrorsOf(err);
      if (!failures || failures.some((f) => f.code !== 11000)) throw err;
      for (const failure of failures) outcomes[failure.index] = 'duplicate';
    }
    return outcomes;
  }

  async findById(id: string): Promise<Message | undefined> {
    const doc = await this.model.findById(toObjectId(id)).lean<LeanMessage>();
    return doc ? toMessage(doc) : undefined;
  }

  /** The message if the user is its sender or receiver; undefined otherwise. */
  /** The messages with these ids that exist: one read by `_id $in`. */
  async findByIds(ids: string[]): Promise<Message[]> {
    if (ids.length === 0) return [];
    const docs = await this.model.find({ _id: { $in: [...new Set(ids)].map(toObjectId) } }).lean<LeanMessage[]>();
    return docs.map(toMessage);
  }

  async findForParticipant(messageId: string, userId: string): Promise<Message | undefined> {
    const message = await this.findById(messageId);
    return message && (message.senderId === userId || message.receiverId === userId) ? message : undefined;
  }

  async findBySenderAndUniqueId(senderId: string, uniqueId: string): Promise<Message | undefined> {
    return this.findById(messageIdFor(senderId, uniqueId).toHexString());
  }

  /**
   * A conversation's messages in ascending order: all of them, or the `limit` newest before the
   * `before` message. `hasMore` says whether older ones exist. Read by position from the
   * `{conversationId, seq}` index (one range read, whatever the size of the history or of the
   * collection), or, for a conversation from before positions, by `{conversationId, createdAt}`.
   */
  async history(of: Conversation | string, page: { limit?: number; before?: Message } = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    const conversation = typeof of === 'string' ? await this.conversations.findById(of) : of;
    if (!conversation) return { messages: [], hasMore: false };
    if (conversation.pagedFromStart && (!page.before || page.before.seq !== null)) return this.positionedHistory(conversation, page);
    return this.indexedHistory(conversation.id, page);
  }

  private async positionedHistory(conversation: Conversation, page: { limit?: number; before?: Message }): Promise<{ messages: Message[]; hasMore: boolean }> {
    const filter = { conversationId: toObjectId(conversation.id), seq: { $lt: page.before ? page.before.seq! : conversation.messageSeq + 1 } };
    if (page.limit === undefined) {
      const docs = await this.model.find(filter).sort({ seq: 1 }).lean<LeanMessage[]>();
      return { messages: docs.map(toMessage), hasMore: false };
    }
    const docs = await this.model
      .find(filter)
      .sort({ seq: -1 })
      .limit(page.limit + 1)
      .lean<LeanMessage[]>();
    return { messages: docs.slice(0, page.limit).reverse().map(toMessage), hasMore: docs.length > page.limit };
  }

  private async indexedHistory(conversationId: string, page: { limit?: number; before?: Message }): Promise<{ messages: Message[]; hasMore: boolean }> {
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

  /**
   * Ids of the receiver's messages in the conversation whose status is one of `statuses`, and the
   * position up to which all were looked at (so the next look may start after it; 0 if unknown).
   * Conversations with positions are read from the receiver's read floor on, by the
   * `{conversationId, receiverId, seq}` index: the cost is that of the messages since the last
   * time, not of the history. The floor may rise to the conversation's last position only when no
   * write was in flight as it was read (`pendingWrites` 0): a position handed out is then either
   * stored or empty for good.
   */
  async idsForReceiver(conversation: Conversation, receiverId: string, statuses: DeliveryStatus[]): Promise<{ ids: string[]; upTo: number }> {
    if (!conversation.pagedFromStart) return { ids: await this.indexedIdsForReceiver(conversation.id, receiverId, statuses), upTo: 0 };
    const floor = conversation.userIds[0] === receiverId ? conversation.readFloor.a : conversation.readFloor.b;
    const docs = await this.model
      .find(
        { conversationId: toObjectId(conversation.id), receiverId: toObjectId(receiverId), seq: { $gt: floor }, deliveryStatus: { $in: statuses } },
        { _id: 1 },
      )
      .sort({ seq: 1 })
      .lean<{ _id: Types.ObjectId }[]>();
    return { ids: docs.map((d) => d._id.toHexString()), upTo: conversation.pendingWrites === 0 ? conversation.messageSeq : 0 };
  }

  private async indexedIdsForReceiver(conversationId: string, receiverId: string, statuses: DeliveryStatus[]): Promise<string[]> {
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

  /** The sender's messages in the conversation, oldest first (erasure). */
  async sentIn(conversationId: string, senderId: string): Promise<Message[]> {
    const docs = await this.model
      .find({ conversationId: toObjectId(conversationId), senderId: toObjectId(senderId) })
      .sort({ createdAt: 1, _id: 1 })
      .lean<LeanMessage[]>();
    return docs.map(toMessage);
  }

  /** Up to `limit` of the conversation's messages created before the cutoff, oldest first (retention). */
  async createdBefore(conversationId: string, cutoff: Date, limit: number): Promise<Message[]> {
    const docs = await this.model
      .find({ conversationId: toObjectId(conversationId), createdAt: { $lt: cutoff } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<LeanMessage[]>();
    return docs.map(toMessage);
  }

  /**
   * Replaces a text message's text, once per new text: only its sender's, not deleted, not DRFI,
   * sent after `notBefore` (the edit window). One conditional write. Returns the message after,
   * with `changed` false when the text was already this (a resend of the edit); undefined when a
   * condition did not hold (the caller tells which from the message).
   */
  async editText(messageId: string, senderId: string, text: string, notBefore: Date): Promise<{ message: Message; changed: boolean } | undefined> {
    const now = new Date();
    const before = await conditionalUpdate<MessageRecord, LeanMessage>(
      this.model,
      toObjectId(messageId),
      { senderId: toObjectId(senderId), deletedAt: null, type: 'text', createdAt: { $gte: notBefore }, text: { $ne: text } },
      { $set: { text, editedAt: now, changedAt: now }, $inc: { editCount: 1 } },
    );
    if (before) return { message: { ...toMessage(before), text, editedAt: now, changedAt: now, editCount: (before.editCount ?? 0) + 1 }, changed: true };
    const current = await this.findById(messageId);
    if (current && current.senderId === senderId && !current.deletedAt && current.type === 'text' && current.text === text) return { message: current, changed: false };
    return undefined;
  }

  /**
   * Sets (an emoji) or removes (null) the member's reaction to a message of their conversation, once
   * per change: one conditional write (a participant's, not deleted, not already so). Returns the
   * message after, `changed` false when it already was so (a resend); undefined when the message is
   * not the member's or is deleted (the caller tells which).
   */
  async react(messageId: string, userId: string, emoji: string | null): Promise<{ message: Message; changed: boolean } | undefined> {
    const user = toObjectId(userId);
    const field = `reactions.${user.toHexString()}`;
    const now = new Date();
    const condition = { deletedAt: null, $or: [{ senderId: user }, { receiverId: user }], ...(emoji === null ? { [field]: { $exists: true } } : { [`${field}.emoji`]: { $ne: emoji } }) };
    const update = emoji === null ? { $unset: { [field]: 1 }, $set: { changedAt: now }, $inc: { reactionCount: 1 } } : { $set: { [field]: { emoji, at: now }, changedAt: now }, $inc: { reactionCount: 1 } };
    const before = await conditionalUpdate<MessageRecord, LeanMessage>(this.model, toObjectId(messageId), condition, update);
    const after = await this.findById(messageId);
    if (before && after) return { message: after, changed: true };
    const mine = after && (after.senderId === userId || after.receiverId === userId) && !after.deletedAt;
    const already = after?.reactions.find((r) => r.userId === userId)?.emoji ?? null;
    return mine && already === emoji ? { message: after, changed: false } : undefined;
  }

  /**
   * Erases a message's content, for good: text, attachment and DRFI answer values go; ids, times
   * and status stay (a tombstone). Deleting it (markDeleted) is separate and counted.
   */
  async eraseContent(messageId: string): Promise<void> {
    await this.model.updateOne(
      { _id: toObjectId(messageId) },
      { $set: { text: '', attachment: null, fileType: null, reactions: null, changedAt: new Date() }, $unset: { 'drfi.fields': 1 } },
    );
  }

  /** Removes a message, keeping its conversation's counts (retention). Undefined: it was gone. */
  remove(messageId: string): Promise<Message | undefined> {
    return this.writes.countedRemove(messageId);
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
