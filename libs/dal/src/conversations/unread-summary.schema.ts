import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** One conversation's unread count for its member, as of the conversation's `countsVersion` `v`. */
export interface UnreadEntry {
  v: number;
  n: number;
}

/**
 * A user's unread counts (`_id` = the user's id), one entry per conversation (key: its id), each a
 * copy of the count the conversation list shows, set after every write that moved it. The app
 * badge is their sum: one read by `_id`, never a recount.
 */
@Schema({ collection: 'unread_summaries', versionKey: false })
export class UnreadSummaryRecord {
  @Prop({ type: Object, default: () => ({}) })
  c: Record<string, UnreadEntry>;
}

export type LeanUnreadSummary = UnreadSummaryRecord & { _id: Types.ObjectId };

export const UnreadSummarySchema = SchemaFactory.createForClass(UnreadSummaryRecord);
