import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export class VaultEntry {
  path: string;
  value: string;
  updatedAt: Date;
}

/** A user's information vault: one document per user, `_id` = the user's id (a point read). */
@Schema({ collection: 'vaults', versionKey: false })
export class VaultRecord {
  @Prop({ type: Types.ObjectId })
  _id: Types.ObjectId;

  @Prop({ type: [Object], default: [] })
  entries: VaultEntry[];

  /**
   * Keys of the writes applied with `onceFor` (a DRFI response id), in the same document write as
   * their values: a write is applied to the vault at most once, however often it is retried.
   */
  @Prop({ type: [String], default: [] })
  appliedOnce: string[];

  /** Bumped by every write: writes are compare-and-set on it. */
  @Prop({ default: 0 })
  version: number;
}

export const VaultSchema = SchemaFactory.createForClass(VaultRecord);
