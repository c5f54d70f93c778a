import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError, pairId, pairKey, sortedPair, toObjectId } from '../shared/ids';
import { NetworkLinkRecord } from './network-link.schema';

@Injectable()
export class NetworkLinkRepository implements OnModuleInit {
  constructor(@InjectModel(NetworkLinkRecord.name) private readonly model: Model<NetworkLinkRecord>) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Links the pair; linking an already linked pair changes nothing. Returns whether it was new. */
  async link(userId: string, memberId: string): Promise<boolean> {
    try {
      const result = await this.model.updateOne(
        { _id: pairId(userId, memberId) },
        { $setOnInsert: { pairKey: pairKey(userId, memberId), userIds: sortedPair(userId, memberId) } },
        { upsert: true },
      );
      return result.upsertedCount > 0;
    } catch (err) {
      // A concurrent link of the same pair inserted first: the pair is linked, not by us.
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Removes the link; false when there was none. */
  async unlink(userId: string, memberId: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: pairId(userId, memberId) });
    return result.deletedCount > 0;
  }

  async areLinked(userId: string, memberId: string): Promise<boolean> {
    return (await this.model.findById(pairId(userId, memberId), { _id: 1 }).lean()) !== null;
  }

  /** The ids of the owner's network members, oldest link first. */
  async memberIdsOf(ownerId: string): Promise<string[]> {
    const owner = toObjectId(ownerId);
    const links = await this.model
      .find({ userIds: owner }, { userIds: 1, createdAt: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean<{ userIds: Types.ObjectId[] }[]>();
    return links.map((link) => link.userIds.find((id) => !id.equals(owner))!.toHexString());
  }
}
