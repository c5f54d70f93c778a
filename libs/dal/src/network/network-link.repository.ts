import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { pairKey, sortedPair, toObjectId } from '../shared/ids';
import { NetworkLinkRecord } from './network-link.schema';

@Injectable()
export class NetworkLinkRepository implements OnModuleInit {
  constructor(@InjectModel(NetworkLinkRecord.name) private readonly model: Model<NetworkLinkRecord>) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Links the pair; linking an already linked pair changes nothing. Returns whether it was new. */
  async link(userId: string, memberId: string): Promise<boolean> {
    const result = await this.model.updateOne(
      { pairKey: pairKey(userId, memberId) },
      { $setOnInsert: { userIds: sortedPair(userId, memberId) } },
      { upsert: true },
    );
    return result.upsertedCount > 0;
  }

  /** Removes the link; false when there was none. */
  async unlink(userId: string, memberId: string): Promise<boolean> {
    const result = await this.model.deleteOne({ pairKey: pairKey(userId, memberId) });
    return result.deletedCount > 0;
  }

  async areLinked(userId: string, memberId: string): Promise<boolean> {
    return (await this.model.exists({ pairKey: pairKey(userId, memberId) })) !== null;
  }

  /** The ids of the owner's network members, oldest link first. */
  async memberIdsOf(ownerId: string): Promise<string[]> {
    const owner = toObjectId(ownerId);
    const links = await this.model
      .find({ userIds: owner }, { userIds: 1 })
      .sort({ _id: 1 })
      .lean<{ userIds: Types.ObjectId[] }[]>();
    return links.map((link) => link.userIds.find((id) => !id.equals(owner))!.toHexString());
  }
}
