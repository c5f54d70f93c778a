import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError, pairKey, sortedPair, toObjectId } from '../shared/ids';
import { documentLocks } from '../shared/keyed-mutex';
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
  };
}

export interface WriteTicket {
  conversationId: string;
}

@Injectable()
export class ConversationRepository implements OnModuleInit {
  constructor(@InjectModel(ConversationRecord.name) private readonly model: Model<ConversationRecord>) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** The pair's conversation, created on first use; the unique pairKey makes a second one impossible. */
  async ensureForPair(a: string, b: string): Promise<Conversation> {
    const key = pairKey(a, b);
    try {
      const doc = await this.model
        .findOneAndUpdate(
          { pairKey: key },
          { $setOnInsert: { pairKey: key, userIds: sortedPair(a, b), counts: { ...ZERO_COUNTS } } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<LeanConversation>();
      return toConversation(doc!);
    } catch (err) {
      // Two concurrent upserts: one inserted, the other hit the unique index. Read the winner.
      if (!isDuplicateKeyError(err)) throw err;
      const doc = await this.model.findOne({ pairKey: key }).lean<LeanConversation>();
      return toConversation(doc!);
    }
  }

  async findForPair(a: string, b: string): Promise<Conversation | undefined> {
    const doc = await this.model.findOne({ pairKey: pairKey(a, b) }).lean<LeanConversation>();
    return doc ? toConversation(doc) : undefined;
  }

  /** The conversation if the user is one of its two members; undefined otherwise (not found or not theirs). */
  async findForMember(conversationId: string, memberId: string): Promise<Conversation | undefined> {
    const doc = await this.model
      .findOne({ _id: toObjectId(conversationId), userIds: toObjectId(memberId) })
      .lean<LeanConversation>();
    return doc ? toConversation(doc) : undefined;
  }

  /** The owner's conversations; a user can only ever list their own. */
  async listForMember(ownerId: string): Promise<Conversation[]> {
    const docs = await this.model.find({ userIds: toObjectId(ownerId) }).sort({ _id: 1 }).lean<LeanConversation[]>();
    return docs.map(toConversation);
  }

  // --- counted writes: see MessageRepository, which brackets every message write with these ---

  async beginWrite(conversationId: string): Promise<void> {
    await this.locked(conversationId, () =>
      this.model.updateOne(
        { _id: toObjectId(conversationId) },
        { $inc: { pendingWrites: 1, writeEpoch: 1 }, $set: { lastWriteAt: new Date() } },
      ),
    );
  }

  async endWrite(conversationId: string, delta: ConversationCounts, lastMessageAt?: Date): Promise<void> {
    const inc: Record<string, number> = { pendingWrites: -1 };
    for (const [key, value] of Object.entries(delta)) if (value !== 0) inc[`counts.${key}`] = value;
    await this.locked(conversationId, () =>
      this.model.updateOne({ _id: toObjectId(conversationId) }, { $inc: inc, ...(lastMessageAt ? { $max: { lastMessageAt } } : {}) }),
    );
  }

  /**
   * Conversations of this member whose counted writes have been pending since before `staleBefore`
   * (a writer died between its two writes). Writes finish in well under that bound.
   */
  async findStale(memberId: string, staleBefore: Date): Promise<{ conversationId: string; writeEpoch: number }[]> {
    const docs = await this.model
      .find(
        { userIds: toObjectId(memberId), pendingWrites: { $gt: 0 }, lastWriteAt: { $lt: staleBefore } },
        { writeEpoch: 1 },
      )
      .lean<{ _id: Types.ObjectId; writeEpoch: number }[]>();
    return docs.map((d) => ({ conversationId: d._id.toHexString(), writeEpoch: d.writeEpoch }));
  }

  /** Replaces the counts by a recount, unless a counted write began since `writeEpoch` was read. */
  async replaceCounts(conversationId: string, writeEpoch: number, counts: ConversationCounts): Promise<boolean> {
    const result = await this.locked(conversationId, () =>
      this.model.updateOne({ _id: toObjectId(conversationId), writeEpoch }, { $set: { counts, pendingWrites: 0 } }),
    );
    return result.modifiedCount > 0;
  }

  /** Updates of one conversation document run one at a time (see KeyedMutex for why). */
  private locked<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return documentLocks.run(`conversations:${conversationId}`, work);
  }
}
