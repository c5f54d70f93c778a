import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';

/**
 * One owner's ids of documents kept elsewhere (network members, device tokens), in the order they
 * were added: `_id` is the owner's id, so a listing is one read by `_id` instead of a query over
 * every document stored. The documents stay the truth: `complete` is set once the roster was
 * built from them; a roster made by an add before that (an owner from before rosters) is built
 * from them on its first read.
 */
@Schema({ versionKey: false })
export class OwnerRosterRecord {
  @Prop({ type: [Types.ObjectId], default: [] })
  ids: Types.ObjectId[];

  @Prop({ default: false })
  complete: boolean;
}

/** Registered once per roster collection (`MongooseModule.forFeature([{ name, schema, collection }])`). */
export const OwnerRosterSchema = SchemaFactory.createForClass(OwnerRosterRecord);

/**
 * Reads and keeps one kind of roster. The owner's repository writes its documents first and the
 * roster second; a crash between leaves the roster short (or long), which doing the write again
 * (idempotent) mends, and readers check what they read against the documents.
 */
export class OwnerRoster {
  constructor(
    private readonly model: Model<OwnerRosterRecord>,
    /**
     * The owner's ids from the documents themselves, in order (a query; once per owner from before
     * rosters). None for a collection born with its rosters: every roster is complete as written.
     */
    private readonly buildFrom?: (owner: Types.ObjectId) => Promise<Types.ObjectId[]>,
  ) {}

  async ids(owner: Types.ObjectId): Promise<Types.ObjectId[]> {
    const roster = await this.model.findById(owner).lean<OwnerRosterRecord>();
    if (!this.buildFrom) return roster?.ids ?? [];
    if (roster?.complete) return roster.ids;
    const ids = await this.buildFrom(owner);
    // Ids an add made meanwhile stay (after these).
    await this.model.updateOne({ _id: owner }, { $addToSet: { ids: { $each: ids } }, $set: { complete: true } }, { upsert: true });
    return ids;
  }

  /** The listed documents of `model`, in roster order: one read of the roster, one by `_id $in` (an id whose document is gone is skipped). */
  async documents<R>(owner: Types.ObjectId, model: Model<R>): Promise<(R & { _id: Types.ObjectId })[]> {
    const ids = await this.ids(owner);
    if (ids.length === 0) return [];
    const docs = await model.find({ _id: { $in: ids } }).lean<(R & { _id: Types.ObjectId })[]>();
    const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
    return ids.flatMap((id) => byId.get(id.toHexString()) ?? []);
  }

  async add(owner: Types.ObjectId, id: Types.ObjectId): Promise<void> {
    await this.model.updateOne({ _id: owner }, { $addToSet: { ids: id } }, { upsert: true });
  }

  async remove(owner: Types.ObjectId, id: Types.ObjectId): Promise<void> {
    await this.model.updateOne({ _id: owner }, { $pull: { ids: id } });
  }

  /** Removes the owner's roster (the owner is erased). */
  async drop(owner: Types.ObjectId): Promise<void> {
    await this.model.deleteOne({ _id: owner });
  }
}
