import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError, pairKey, sortedPair, toObjectId } from '../shared/ids';
import { Conversation } from './conversation.entity';
import { ConversationRecord } from './conversation.schema';

type LeanConversation = ConversationRecord & { _id: Types.ObjectId };

function toConversation(doc: LeanConversation): Conversation {
  const [a, b] = doc.userIds.map((id) => id.toHexString());
  return { id: doc._id.toHexString(), userIds: [a, b], createdAt: doc.createdAt };
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
          { $setOnInsert: { pairKey: key, userIds: sortedPair(a, b) } },
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

  /** The owner's conversations; a user can only ever list their own. */
  async listForMember(ownerId: string): Promise<Conversation[]> {
    const docs = await this.model.find({ userIds: toObjectId(ownerId) }).sort({ _id: 1 }).lean<LeanConversation[]>();
    return docs.map(toConversation);
  }
}
