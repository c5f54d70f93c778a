import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * One user blocking another. Its `_id` is derived from (blocker, blocked), so "has B blocked A?"
 * is a point read and blocking twice keeps one.
 */
@Schema({ collection: 'blocks', versionKey: false })
export class BlockRecord {
  @Prop({ type: Types.ObjectId, required: true })
  blockerId: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  blockedId: Types.ObjectId;

  /** Whether the pair was linked when the block was made (unblocking links them again). */
  @Prop({ required: true })
  wasLinked: boolean;

  @Prop({ type: Date, required: true })
  blockedAt: Date;
}

export const BlockSchema = SchemaFactory.createForClass(BlockRecord);
// Erasure: every block a user made (listings read the roster by `_id`).
BlockSchema.index({ blockerId: 1 });
