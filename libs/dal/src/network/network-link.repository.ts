import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError, pairId, pairKey, sortedPair, toObjectId } from '../shared/ids';
import { NetworkLinkRecord, NetworkRosterRecord } from './network-link.schema';

/**
 * Network links (one document per pair, the truth) and each owner's roster of members (one
 * document per owner, what listings read). A link is made, then added to both rosters; a crash
 * between leaves a roster short, which linking the pair again (idempotent) mends.
 */
@Injectable()
export class NetworkLinkRepository implements OnModuleInit {
  constructor(
    @InjectModel(NetworkLinkRecord.name) private readonly model: Model<NetworkLinkRecord>,
    @InjectModel(NetworkRosterRecord.name) private readonly rosters: Model<NetworkRosterRecord>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Links the pair; linking an already linked pair changes nothing (but mends the rosters). Returns whether it was new. */
  async link(userId: string, memberId: string): Promise<boolean> {
    let created = false;
    try {
      const result = await this.model.updateOne(
        { _id: pairId(userId, memberId) },
        { $setOnInsert: { pairKey: pairKey(userId, memberId), userIds: sortedPair(userId, memberId) } },
        { upsert: true },
      );
      created = result.upsertedCount > 0;
    } catch (err) {
      // A concurrent link of the same pair inserted first: the pair is linked, not by us.
      if (!isDuplicateKeyError(err)) throw err;
    }
    await Promise.all([this.addToRoster(userId, memberId), this.addToRoster(memberId, userId)]);
    return created;
  }

  /** Removes the link; false when there was none. */
  async unlink(userId: string, memberId: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: pairId(userId, memberId) });
    await Promise.all([this.removeFromRoster(userId, memberId), this.removeFromRoster(memberId, userId)]);
    return result.deletedCount > 0;
  }

  async areLinked(userId: string, memberId: string): Promise<boolean> {
    return (await this.model.findById(pairId(userId, memberId), { _id: 1 }).lean()) !== null;
  }

  /** The ids of the owner's network members, oldest link first: one read of the owner's roster. */
  async memberIdsOf(ownerId: string): Promise<string[]> {
    const roster = await this.rosters.findById(toObjectId(ownerId)).lean<NetworkRosterRecord>();
    if (roster?.complete) return roster.members.map((id) => id.toHexString());
    return this.buildRoster(ownerId);
  }

  private async addToRoster(ownerId: string, memberId: string): Promise<void> {
    await this.rosters.updateOne({ _id: toObjectId(ownerId) }, { $addToSet: { members: toObjectId(memberId) } }, { upsert: true });
  }

  private async removeFromRoster(ownerId: string, memberId: string): Promise<void> {
    await this.rosters.updateOne({ _id: toObjectId(ownerId) }, { $pull: { members: toObjectId(memberId) } });
  }

  /**
   * The roster from the links themselves (an owner from before rosters, once): their members in
   * link order, then any the roster has that a concurrent link just added.
   */
  private async buildRoster(ownerId: string): Promise<string[]> {
    const owner = toObjectId(ownerId);
    const links = await this.model
      .find({ userIds: owner }, { userIds: 1, createdAt: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean<{ userIds: Types.ObjectId[] }[]>();
    const members = links.map((link) => link.userIds.find((id) => !id.equals(owner))!);
    await this.rosters.updateOne({ _id: owner }, { $addToSet: { members: { $each: members } }, $set: { complete: true } }, { upsert: true });
    return members.map((id) => id.toHexString());
  }
}
