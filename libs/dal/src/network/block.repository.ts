import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { derivedId, isDuplicateKeyError, toObjectId } from '../shared/ids';
import { OwnerRoster, OwnerRosterRecord } from '../shared/owner-roster';
import { Block } from './network.entity';
import { BlockRecord } from './block.schema';

/** The model of `block_rosters`: each blocker's blocked users. */
export const BLOCK_ROSTER = 'BlockRoster';

type LeanBlock = BlockRecord & { _id: Types.ObjectId };

const blockId = (blockerId: string, blockedId: string): Types.ObjectId => derivedId(`block:${blockerId}:${blockedId}`);

/** Blocks (one document per blocker and blocked, the truth) and each blocker's roster (what the listing reads). */
@Injectable()
export class BlockRepository {
  private readonly rosters: OwnerRoster;

  constructor(
    @InjectModel(BlockRecord.name) private readonly model: Model<BlockRecord>,
    @InjectModel(BLOCK_ROSTER) rosterModel: Model<OwnerRosterRecord>,
  ) {
    // The collection was born with its rosters: a roster is never built from a query.
    this.rosters = new OwnerRoster(rosterModel);
  }

  /**
   * Records the block (blocking twice keeps the first); returns the block as stored. An unblock
   * racing this one may delete it at any moment: then the block this call made (or found) is
   * answered as it was, the unblock having come after it.
   */
  async block(blockerId: string, blockedId: string, wasLinked: boolean): Promise<Block> {
    const _id = blockId(blockerId, blockedId);
    const fresh: LeanBlock = { _id, blockerId: toObjectId(blockerId), blockedId: toObjectId(blockedId), wasLinked, blockedAt: new Date() };
    let stored: LeanBlock | null = fresh;
    try {
      await this.model.create(fresh);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      stored = await this.model.findById(_id).lean<LeanBlock>();
    }
    await this.rosters.add(toObjectId(blockerId), _id);
    return toBlock(stored ?? fresh);
  }

  /** Removes the block (removing it twice changes nothing). */
  async unblock(blockerId: string, blockedId: string): Promise<void> {
    const _id = blockId(blockerId, blockedId);
    await this.model.deleteOne({ _id });
    await this.rosters.remove(toObjectId(blockerId), _id);
  }

  /** The blocker's block of the other, if any: one read by `_id`. */
  async find(blockerId: string, blockedId: string): Promise<Block | undefined> {
    const doc = await this.model.findById(blockId(blockerId, blockedId)).lean<LeanBlock>();
    return doc ? toBlock(doc) : undefined;
  }

  /** Whether the blocker blocked the other: one read by `_id`. */
  async has(blockerId: string, blockedId: string): Promise<boolean> {
    return (await this.model.findById(blockId(blockerId, blockedId), { _id: 1 }).lean()) !== null;
  }

  /** Removes every block the user made (erasure); blocks of them by others stay (ids only). */
  async removeAllBy(blockerId: string): Promise<void> {
    const blocker = toObjectId(blockerId);
    await this.model.deleteMany({ blockerId: blocker });
    await this.rosters.drop(blocker);
  }

  /** The blocker's blocks, oldest first: one read of the roster, one by `_id $in`. */
  async of(blockerId: string): Promise<Block[]> {
    return (await this.rosters.documents(toObjectId(blockerId), this.model)).map(toBlock);
  }
}

function toBlock(d: LeanBlock): Block {
  return { blockerId: d.blockerId.toHexString(), blockedId: d.blockedId.toHexString(), wasLinked: d.wasLinked, blockedAt: d.blockedAt };
}
