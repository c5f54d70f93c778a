import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A mutual link between two users: one document per pair, so a link is never half-made. Its `_id`
 * is derived from the pair (pairId), which makes it unique and a point read.
 */
@Schema({ collection: 'network_links', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class NetworkLinkRecord {
  /** The two ids sorted and joined by ':' (for people reading the data; the _id is derived from it). */
  @Prop({ required: true })
  pairKey: string;

  @Prop({ type: [Types.ObjectId], required: true, index: true })
  userIds: Types.ObjectId[];

  createdAt: Date;
}

export const NetworkLinkSchema = SchemaFactory.createForClass(NetworkLinkRecord);
