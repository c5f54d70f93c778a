import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A mutual link between two users: one document per pair, so a link is never half-made.
 * `pairKey` (the two ids sorted) is unique.
 */
@Schema({ collection: 'network_links', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class NetworkLinkRecord {
  @Prop({ required: true, unique: true })
  pairKey: string;

  @Prop({ type: [Types.ObjectId], required: true, index: true })
  userIds: Types.ObjectId[];

  createdAt: Date;
}

export const NetworkLinkSchema = SchemaFactory.createForClass(NetworkLinkRecord);
