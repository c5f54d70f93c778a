import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types, UpdateQuery } from 'mongoose';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationCounts, ZERO_COUNTS } from '../conversations/conversation.schema';
import { compareAndSetAll, conditionalUpdate } from '../shared/conditional-update';
import { GroupCommit } from '../shared/group-commit';
import { toObjectId } from '../shared/ids';
import { Message } from './message.entity';
import { MessageRecord } from './message.schema';

export type LeanMessage = MessageRecord & { _id: Types.ObjectId };

export function toMessage(doc: LeanMessage): Message {
  return {
    id: doc._id.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    senderId: doc.senderId.toHexString(),
    receiverId: doc.receiverId.toHexString(),
    uniqueId: doc.uniqueId,
    type: doc.type,
    text: doc.text,
    fileType: doc.fileType ?? null,
    attachment: doc.attachment ?? null,
    deliveryStatus: doc.deliveryStatus,
    deliveredAt: doc.deliveredAt ?? null,
    seenAt: doc.seenAt ?? null,
    deletedAt: doc.deletedAt ?? null,
    createdAt: doc.createdAt,
    changedAt: doc.changedAt,
    drfi: doc.drfi ?? null,
    seq: doc.seq ?? null,
    replyTo: doc.replyTo?.toHexString() ?? null,
    editedAt: doc.editedAt ?? null,
    editCount: doc.editCount ?? 0,
    reactions: Object.entries(doc.reactions ?? {})
      .map(([userId, r]) => ({ userId, emoji: r.emoji, at: r.at }))
      .sort((a, b) => a.at.getTime() - b.at.getTime()),
    reactionCount: doc.reactionCount ?? 0,
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

export type MessagePatch = Partial<Pick<Message, 'deliveryStatus' | 'deliveredAt' | 'seenAt' | 'deletedAt' | 'changedAt'>>;

export interface Change {
  before: Message;
  after: Message;
}

/** A conditional patch of one message that no count depends on. */
interface UncountedPatch {
  id: Types.ObjectId;
  condition: object;
  patch: MessagePatch;
}

/** Uncounted patches per group-commit batch. */
const PATCH_BATCH = 200;

/**
 * The conditional writes on one message that MessageRepository (delete, DRFI bookkeeping) and
 * MessageStatusRepository (delivery and DRFI status) share: each one atomic conditional write,
 * keeping the conversation's counts.
 *
 * Every write that can change a count is a single conditional write on the message, bracketed by
 * beginWrite/endWrite on the conversation: the count delta is applied only by the writer whose
 * conditional write won, so concurrent requests and retries never count twice. A writer that dies
 * between the two leaves `pendingWrites` above zero, and the counts are recounted.
 */
@Injectable()
export class CountedMessageWrites {
  private readonly uncounted = new GroupCommit<UncountedPatch, Change | undefined>((items) => this.patchBatch(items), { maxBatch: PATCH_BATCH });

  constructor(
    @InjectModel(MessageRecord.name) private readonly model: Model<MessageRecord>,
    private readonly conversations: ConversationRepository,
  ) {}

  /**
   * A conditional change of one message that keeps its conversation's counts. A change that cannot
   * move any count (delivered: the counts know only seen and deleted) skips the conversation.
   */
  async countedChange(
    messageId: string,
    condition: object,
    patch: MessagePatch,
    { countsMayChange }: { countsMayChange: boolean },
  ): Promise<Change | undefined> {
    const id = toObjectId(messageId);
    if (!countsMayChange) return this.uncounted.submit({ id, condition, patch });
    const target = await this.model.findById(id, { conversationId: 1 }).lean<LeanMessage>();
    if (!target) return undefined;
    const conversationId = target.conversationId.toHexString();

    await this.conversations.beginWrite(conversationId);
    const beforeDoc = await conditionalUpdate<MessageRecord, LeanMessage>(this.model, id, condition, { $set: patch });
    if (!beforeDoc) {
      await this.conversations.endWrite(conversationId, { ...ZERO_COUNTS });
      return undefined;
    }
    const change = await this.changed(toMessage(beforeDoc), patch);
    await this.conversations.endWrite(conversationId, difference(contribution(change.after), contribution(change.before)));
    return change;
  }

  /** Removes a message, its contribution taken off its conversation's counts (bracketed like a change). */
  async countedRemove(messageId: string): Promise<Message | undefined> {
    const id = toObjectId(messageId);
    const target = await this.model.findById(id, { conversationId: 1 }).lean<LeanMessage>();
    if (!target) return undefined;
    const conversationId = target.conversationId.toHexString();
    await this.conversations.beginWrite(conversationId);
    const doc = await this.model.findOneAndDelete({ _id: id }).lean<LeanMessage>();
    const removed = doc ? toMessage(doc) : undefined;
    await this.conversations.endWrite(conversationId, removed ? difference({ ...ZERO_COUNTS }, contribution(removed)) : { ...ZERO_COUNTS });
    return removed;
  }

  /**
   * One batch of uncounted patches (the `delivered` receipts of concurrent loops). A lone patch is
   * one findAndModify. Several are two commands: one read of their messages by `_id $in`, then one
   * unordered bulkWrite of compare-and-sets, each holding the patch's own condition and the message
   * as read (its `changedAt`, which every write of a message moves, and `deletedAt`), so that what
   * was read is exactly what the patch changed (compareAndSetAll). A patch whose message changed
   * since the read (or whose condition does not hold), and a second one for the same message in
   * the batch, then goes the findAndModify way, which decides. A message not found is no change.
   */
  private async patchBatch(items: UncountedPatch[]): Promise<(Change | undefined)[]> {
    if (items.length === 1) return [await this.patchAlone(items[0])];
    const docs = await this.model.find({ _id: { $in: [...new Set(items.map((item) => item.id.toHexString()))].map(toObjectId) } }).lean<LeanMessage[]>();
    const read = new Map(docs.map((doc) => [doc._id.toHexString(), doc]));
    const results: (Change | undefined | 'alone')[] = items.map(() => 'alone');
    const slots: number[] = [];
    const claimed = new Set<string>();
    items.forEach((item, i) => {
      const key = item.id.toHexString();
      if (!read.has(key)) results[i] = undefined;
      else if (!claimed.has(key)) {
        claimed.add(key);
        slots.push(i);
      }
    });
    const held = await compareAndSetAll(
      this.model,
      slots.map((i) => {
        const { id, condition, patch } = items[i];
        const doc = read.get(id.toHexString())!;
        return { id, condition: { ...condition, changedAt: doc.changedAt, deletedAt: doc.deletedAt ?? null }, update: { $set: patch } };
      }),
    );
    slots.forEach((i, index) => {
      if (held.has(index)) results[i] = this.changed(toMessage(read.get(items[i].id.toHexString())!), items[i].patch);
    });
    return Promise.all(results.map((result, i) => (result === 'alone' ? this.patchAlone(items[i]) : result)));
  }

  private async patchAlone({ id, condition, patch }: UncountedPatch): Promise<Change | undefined> {
    const beforeDoc = await conditionalUpdate<MessageRecord, LeanMessage>(this.model, id, condition, { $set: patch });
    return beforeDoc ? this.changed(toMessage(beforeDoc), patch) : undefined;
  }

  /**
   * A conditional change that no count depends on (DRFI bookkeeping).
   * Returns the message as it was before, or undefined when the condition did not hold.
   */
  async uncountedChange(messageId: string, condition: object, update: UpdateQuery<MessageRecord>, after?: (before: Message) => Message): Promise<Change | undefined> {
    const beforeDoc = await conditionalUpdate<MessageRecord, LeanMessage>(this.model, toObjectId(messageId), condition, update);
    if (!beforeDoc) return undefined;
    const before = toMessage(beforeDoc);
    return { before, after: after?.(before) ?? before };
  }

  /** The state right after our write: the one before it plus our patch. */
  private changed(before: Message, patch: MessagePatch): Change {
    return { before, after: { ...before, ...patch } };
  }
}
