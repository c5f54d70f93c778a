import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { conditionalUpdate } from '../shared/conditional-update';
import { isDuplicateKeyError, pairId, pairKey, sortedPair, toObjectId } from '../shared/ids';
import { Conversation } from './conversation.entity';
import { ConversationCounts, ConversationRecord, ZERO_COUNTS } from './conversation.schema';

type LeanConversation = ConversationRecord & { _id: Types.ObjectId };

function toConversation(doc: LeanConversation): Conversation {
  const [a, b] = doc.userIds.map((id) => id.toHexString());
  return {
    id: doc._id.toHexString(),
    userIds: [a, b],
    counts: { ...ZERO_COUNTS, ...doc.counts },
    lastMessageAt: doc.lastMessageAt ?? null,
    createdAt: doc.createdAt,
    pendingWrites: doc.pendingWrites ?? 0,
    writeEpoch: doc.writeEpoch ?? 0,
    lastWriteAt: doc.lastWriteAt ?? null,
    messageSeq: doc.messageSeq ?? 0,
    pagedFromStart: doc.pagedFromStart ?? false,
    readFloor: { a: doc.readFloor?.a ?? 0, b: doc.readFloor?.b ?? 0 },
  };
}

/**
 * Conversations. A pair's conversation has an `_id` derived from the pair (pairId), so there can
 * never be two, and finding it is a point read.
 */
@Injectable()
export class ConversationRepository implements OnModuleInit {
  constructor(
    @InjectModel(ConversationRecord.name) private readonly model: Model<ConversationRecord>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** The pair's conversation, created on first use. */
  async ensureForPair(a: string, b: string): Promise<Conversation> {
    const _id = pairId(a, b);
    try {
      const doc = await this.model
        .findOneAndUpdate(
          { _id },
          { $setOnInsert: { pairKey: pairKey(a, b), userIds: sortedPair(a, b), counts: { ...ZERO_COUNTS }, messageSeq: 0, pagedFromStart: true } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<LeanConversation>();
      return toConversation(doc!);
    } catch (err) {
      // Two concurrent upserts: one inserted, the other hit the _id index. Read the winner.
      if (!isDuplicateKeyError(err)) throw err;
      return toConversation((await this.model.findById(_id).lean<LeanConversation>())!);
    }
  }

  async findById(conversationId: string): Promise<Conversation | undefined> {
    const doc = await this.model.findById(toObjectId(conversationId)).lean<LeanConversation>();
    return doc ? toConversation(doc) : undefined;
  }

  async findForPair(a: string, b: string): Promise<Conversation | undefined> {
    const doc = await this.model.findById(pairId(a, b)).lean<LeanConversation>();
    return doc ? toConversation(doc) : undefined;
  }

  /** The conversation if the user is one of its two members; undefined otherwise (not found or not theirs). */
  async findForMember(conversationId: string, memberId: string): Promise<Conversation | undefined> {
    const doc = await this.model.findById(toObjectId(conversationId)).lean<LeanConversation>();
    const member = toObjectId(memberId);
    return doc && doc.userIds.some((id) => id.equals(member)) ? toConversation(doc) : undefined;
  }

  /**
   * The owner's conversations with these members (those that exist), oldest first: one read by
   * `_id`s, derived from the pairs, whatever the number of conversations stored.
   */
  async listWith(ownerId: string, memberIds: string[]): Promise<Conversation[]> {
    if (memberIds.length === 0) return [];
    const docs = await this.model.find({ _id: { $in: memberIds.map((memberId) => pairId(ownerId, memberId)) } }).lean<LeanConversation[]>();
    return docs.map(toConversation).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  }

  // --- counted writes: MessageRepository brackets every message write with these ---

  async beginWrite(conversationId: string): Promise<void> {
    await this.model.updateOne(
      { _id: toObjectId(conversationId) },
      { $inc: { pendingWrites: 1, writeEpoch: 1 }, $set: { lastWriteAt: new Date() } },
    );
  }

  /** beginWrite for a new message: also hands it the conversation's next position (undefined: no such conversation). */
  async beginInsert(conversationId: string): Promise<number | undefined> {
    const doc = await this.model
      .findOneAndUpdate(
        { _id: toObjectId(conversationId) },
        { $inc: { pendingWrites: 1, writeEpoch: 1, messageSeq: 1 }, $set: { lastWriteAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean<LeanConversation>();
    return doc?.messageSeq;
  }

  /** Every incoming message of `memberId` up to `position` is seen (never lowered). */
  async raiseReadFloor(conversationId: string, memberId: string, position: number): Promise<void> {
    const doc = await this.model.findById(toObjectId(conversationId), { userIds: 1 }).lean<LeanConversation>();
    if (!doc) return;
    const side = doc.userIds[0].equals(toObjectId(memberId)) ? 'a' : 'b';
    await this.model.updateOne({ _id: doc._id }, { $max: { [`readFloor.${side}`]: position } });
  }

  async endWrite(conversationId: string, delta: ConversationCounts, lastMessageAt?: Date): Promise<void> {
    const inc: Record<string, number> = { pendingWrites: -1 };
    for (const [key, value] of Object.entries(delta)) if (value !== 0) inc[`counts.${key}`] = value;
    await this.model.updateOne({ _id: toObjectId(conversationId) }, { $inc: inc, ...(lastMessageAt ? { $max: { lastMessageAt } } : {}) });
  }

  /** Replaces the counts by a recount, unless a counted write began since `writeEpoch` was read. */
  async replaceCounts(conversationId: string, writeEpoch: number, counts: ConversationCounts): Promise<boolean> {
    const before = await conditionalUpdate<ConversationRecord, LeanConversation>(this.model, toObjectId(conversationId), { writeEpoch }, { $set: { counts, pendingWrites: 0 } });
    return before !== null;
  }
}
