import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AppConfig } from '@app/common';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationCounts, ZERO_COUNTS } from '../conversations/conversation.schema';
import { compareAndSet, Condition, DatabaseFlavor } from '../shared/database-flavor';
import { isDuplicateKeyError, messageIdFor, toObjectId } from '../shared/ids';
import { documentLocks } from '../shared/keyed-mutex';
import { DeliveryStatus, Message, NewMessage } from './message.entity';
import { MessageRecord } from './message.schema';

type LeanMessage = MessageRecord & { _id: Types.ObjectId };

function toMessage(doc: LeanMessage): Message {
  return {
    id: doc._id.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    senderId: doc.senderId.toHexString(),
    receiverId: doc.receiverId.toHexString(),
    uniqueId: doc.uniqueId,
    type: doc.type,
    text: doc.text,
    fileType: doc.fileType ?? null,
    deliveryStatus: doc.deliveryStatus,
    deliveredAt: doc.deliveredAt ?? null,
    seenAt: doc.seenAt ?? null,
    deletedAt: doc.deletedAt ?? null,
    createdAt: doc.createdAt,
    changedAt: doc.changedAt,
    drfi: doc.drfi ?? null,
  };
}

/** What one message adds to its conversation's counts; "a" is the member with the smaller id. */
export function contribution(message: Pick<Message, 'senderId' | 'receiverId' | 'deliveryStatus' | 'deletedAt'>): ConversationCounts {
  const senderIsA = message.senderId < message.receiverId;
  const unread = !message.deletedAt && message.deliveryStatus !== 'seen' ? 1 : 0;
  return {
    total: 1,
    deleted: message.deletedAt ? 1 : 0,
    sentA: senderIsA ? 1 : 0,
    sentB: senderIsA ? 0 : 1,
    unreadA: senderIsA ? unread : 0,
    unreadB: senderIsA ? 0 : unread,
  };
}

function difference(after: ConversationCounts, before: ConversationCounts): ConversationCounts {
  const delta = { ...ZERO_COUNTS };
  for (const key of Object.keys(delta) as (keyof ConversationCounts)[]) delta[key] = after[key] - before[key];
  return delta;
}

type MessagePatch = Partial<Pick<Message, 'deliveryStatus' | 'deliveredAt' | 'seenAt' | 'deletedAt' | 'changedAt'>>;

export interface InsertResult {
  message: Message;
  /** false when the sender had already sent a message with this uniqueid: that one is returned. */
  created: boolean;
}

export interface Change {
  before: Message;
  after: Message;
}

/**
 * Messages, and the counts of their conversation kept in step with them.
 *
 * Every write that can change a count is a single conditional write on the message, bracketed by
 * beginWrite/endWrite on the conversation: the count delta is applied only by the writer whose
 * conditional write won, so concurrent requests and retries never count twice. A writer that dies
 * between the two leaves `pendingWrites` above zero, and the counts are recounted (repairCounts).
 */
@Injectable()
export class MessageRepository implements OnModuleInit {
  constructor(
    @InjectModel(MessageRecord.name) private readonly model: Model<MessageRecord>,
    private readonly conversations: ConversationRepository,
    private readonly flavor: DatabaseFlavor,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /**
   * Stores a message once per (sender, uniqueid): its `_id` is derived from the two, so a resend,
   * even racing the original, finds or collides with it and gets the original back.
   */
  async insert(message: NewMessage): Promise<InsertResult> {
    const _id = messageIdFor(message.senderId, message.uniqueId);
    const existing = await this.findById(_id.toHexString());
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
    await documentLocks.run(`messages:${created.id}`, () => this.keepVisibleToSync(created));
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

  /**
   * Moves the delivery status of a message the receiver owns, only from one of `from` (the state
   * machine decides which). Returns the change, or undefined when the condition did not hold
   * (already there or beyond, or not this receiver's message).
   */
  async changeStatus(messageId: string, receiverId: string, from: DeliveryStatus[], to: DeliveryStatus): Promise<Change | undefined> {
    const now = new Date();
    const patch: MessagePatch = { deliveryStatus: to, changedAt: now };
    if (to === 'delivered') patch.deliveredAt = now;
    if (to === 'seen') patch.seenAt = now;
    const receiver = toObjectId(receiverId);
    return this.countedChange(
      messageId,
      {
        filter: { receiverId: receiver, deliveryStatus: { $in: from } },
        holds: (doc) => doc.receiverId.equals(receiver) && from.includes(doc.deliveryStatus),
      },
      patch,
      { countsMayChange: to === 'seen' || from.includes('seen') },
    );
  }

  /** Soft-deletes the sender's message once; undefined when it was already deleted (or not theirs). */
  async markDeleted(messageId: string, senderId: string): Promise<Change | undefined> {
    const now = new Date();
    const sender = toObjectId(senderId);
    return this.countedChange(
      messageId,
      { filter: { senderId: sender, deletedAt: null }, holds: (doc) => doc.senderId.equals(sender) && !doc.deletedAt },
      { deletedAt: now, changedAt: now },
      { countsMayChange: true },
    );
  }

  /**
   * Resolves a DRFI request once: only from `sent`, only by its receiver (the DRFI machine's
   * condition). Counts do not change. Returns the change, or undefined if the condition did not hold.
   */
  async resolveDrfi(requestId: string, receiverId: string, status: 'accepted' | 'denied', responseMessageId: string): Promise<Change | undefined> {
    const receiver = toObjectId(receiverId);
    return documentLocks.run(`messages:${requestId}`, async () => {
      const now = new Date();
      const beforeDoc = await compareAndSet(
        this.flavor,
        this.model,
        toObjectId(requestId),
        {
          filter: { receiverId: receiver, type: 'drfi', 'drfi.status': 'sent' },
          holds: (doc: LeanMessage) => doc.receiverId.equals(receiver) && doc.type === 'drfi' && doc.drfi?.status === 'sent',
        },
        { $set: { 'drfi.status': status, 'drfi.responseMessageId': responseMessageId, changedAt: now } },
      );
      if (!beforeDoc) return undefined;
      const before = toMessage(beforeDoc);
      const after: Message = { ...before, drfi: { ...before.drfi, status, responseMessageId }, changedAt: now };
      await this.keepVisibleToSync(after);
      return { before, after };
    });
  }

  /** Records that an accepted response's new values are in the vault; false if it already was. */
  async markVaultApplied(responseId: string): Promise<boolean> {
    return documentLocks.run(`messages:${responseId}`, async () => {
      const before = await compareAndSet(
        this.flavor,
        this.model,
        toObjectId(responseId),
        { filter: { 'drfi.vaultApplied': false }, holds: (doc: LeanMessage) => doc.drfi?.vaultApplied === false },
        { $set: { 'drfi.vaultApplied': true } },
      );
      return before !== null;
    });
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

  /**
   * A sync cursor trails the newest change by SYNC_CURSOR_LAG_MS, so a change whose write landed
   * within that time of its `changedAt` is always seen. A write that took longer (a stalled
   * database) is stamped again now, after it landed, so the next sync sees it (docs/protocol.md).
   * The caller holds the message's lock.
   */
  private async keepVisibleToSync(message: Message): Promise<void> {
    if (Date.now() - message.changedAt.getTime() <= this.config.chat.syncCursorLagMs / 2) return;
    await this.model.updateOne({ _id: toObjectId(message.id) }, { $max: { changedAt: new Date() } });
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

  /**
   * A conditional change of one message that keeps its conversation's counts. A change that cannot
   * move any count (delivered: the counts know only seen and deleted) skips the conversation.
   */
  private countedChange(
    messageId: string,
    condition: Condition<LeanMessage>,
    patch: MessagePatch,
    { countsMayChange }: { countsMayChange: boolean },
  ): Promise<Change | undefined> {
    return documentLocks.run(`messages:${messageId}`, async () => {
      const id = toObjectId(messageId);
      if (!countsMayChange) {
        const beforeDoc = await compareAndSet(this.flavor, this.model, id, condition, { $set: patch });
        return beforeDoc ? this.changed(toMessage(beforeDoc), patch) : undefined;
      }
      const target = await this.model.findById(id, { conversationId: 1 }).lean<LeanMessage>();
      if (!target) return undefined;
      const conversationId = target.conversationId.toHexString();

      await this.conversations.beginWrite(conversationId);
      const beforeDoc = await compareAndSet(this.flavor, this.model, id, condition, { $set: patch });
      if (!beforeDoc) {
        await this.conversations.endWrite(conversationId, { ...ZERO_COUNTS });
        return undefined;
      }
      const change = await this.changed(toMessage(beforeDoc), patch);
      await this.conversations.endWrite(conversationId, difference(contribution(change.after), contribution(change.before)));
      return change;
    });
  }

  /** The state right after our write: the one before it plus our patch. The caller holds the lock. */
  private async changed(before: Message, patch: MessagePatch): Promise<Change> {
    const after: Message = { ...before, ...patch };
    await this.keepVisibleToSync(after);
    return { before, after };
  }
}
