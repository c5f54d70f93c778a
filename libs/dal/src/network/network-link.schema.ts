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

/**
 * One owner's network members, in the order they were linked: `_id` is the owner's id, so listing a
 * network (and a conversation list) is one read by `_id` instead of a query over every link.
 * The links stay the truth: `complete` is set once the roster was built from them; a roster made
 * by a link before that (an owner from before rosters) is rebuilt from the links on first read.
 */
@Schema({ collection: 'network_rosters', versionKey: false })
export class NetworkRosterRecord {
  @Prop({ type: [Types.ObjectId], default: [] })
  members: Types.ObjectId[];

  @Prop({ default: false })
  complete: boolean;
}

export const NetworkRosterSchema = SchemaFactory.createForClass(NetworkRosterRecord);
