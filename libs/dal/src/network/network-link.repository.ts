import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { GroupCommit } from '../shared/group-commit';
import { isDuplicateKeyError, pairId, pairKey, sortedPair, toObjectId } from '../shared/ids';
import { OwnerRoster, OwnerRosterRecord } from '../shared/owner-roster';
import { NetworkLinkRecord } from './network-link.schema';

/** The model of `network_rosters` (an OwnerRoster: each owner's members). */
export const NETWORK_ROSTER = 'NetworkRoster';

/**
 * Network links (one document per pair, the truth) and each owner's roster of members (one
 * document per owner, what listings read). A link is made, then added to both rosters; a crash
 * between leaves a roster short, which linking the pair again (idempotent) mends.
 */
@Injectable()
export class NetworkLinkRepository implements OnModuleInit {
  private readonly rosters: OwnerRoster;
  /** Up to the embedded database's 1,000 ids answered from the index per read. */
  private readonly linkReads = new GroupCommit<Types.ObjectId, boolean>((ids) => this.readLinks(ids), { maxBatch: 500 });

  constructor(
    @InjectModel(NetworkLinkRecord.name) private readonly model: Model<NetworkLinkRecord>,
    @InjectModel(NETWORK_ROSTER) rosterModel: Model<OwnerRosterRecord>,
  ) {
    this.rosters = new OwnerRoster(rosterModel, (owner) => this.membersFromLinks(owner));
  }

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
    const [a, b] = [toObjectId(userId), toObjectId(memberId)];
    await Promise.all([this.rosters.add(a, b), this.rosters.add(b, a)]);
    return created;
  }

  /** Removes the link; false when there was none. */
  async unlink(userId: string, memberId: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: pairId(userId, memberId) });
    const [a, b] = [toObjectId(userId), toObjectId(memberId)];
    await Promise.all([this.rosters.remove(a, b), this.rosters.remove(b, a)]);
    return result.deletedCount > 0;
  }

  /** One `_id` read; concurrent callers' reads go together in one `_id $in` (group commit). */
  areLinked(userId: string, memberId: string): Promise<boolean> {
    return this.linkReads.submit(pairId(userId, memberId));
  }

  private async readLinks(ids: Types.ObjectId[]): Promise<boolean[]> {
    const docs = await this.model.find({ _id: { $in: ids } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    const found = new Set(docs.map((doc) => doc._id.toHexString()));
    return ids.map((id) => found.has(id.toHexString()));
  }

  /** The ids of the owner's network members, oldest link first: one read of the owner's roster. */
  async memberIdsOf(ownerId: string): Promise<string[]> {
    return (await this.rosters.ids(toObjectId(ownerId))).map((id) => id.toHexString());
  }

  /** The owner's members from the links themselves, in link order (an owner from before rosters, once). */
  private async membersFromLinks(owner: Types.ObjectId): Promise<Types.ObjectId[]> {
    const links = await this.model
      .find({ userIds: owner }, { userIds: 1, createdAt: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .lean<{ userIds: Types.ObjectId[] }[]>();
    return links.map((link) => link.userIds.find((id) => !id.equals(owner))!);
  }
}
