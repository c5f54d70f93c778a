import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** Messages per history page document. */
export const PAGE_SIZE = 64;

/**
 * One page of a conversation's history: the ids of its messages at positions
 * [n * PAGE_SIZE, (n + 1) * PAGE_SIZE), at `_id` = derivedId(`page:<conversation>:<n>`). A history
 * page, or marking a conversation read, reads these by `_id` and then each message by `_id`: the
 * cost is the page's, whatever the size of the collection (FerretDB's one index use; MongoDB's own).
 */
@Schema({ collection: 'conversation_pages', versionKey: false })
export class ConversationPageRecord {
  /** `id` null: the position was taken by an insert that found a resend (no message there). */
  @Prop({ type: [{ _id: false, s: Number, id: Types.ObjectId }], default: [] })
  entries: { s: number; id: Types.ObjectId | null }[];
}

export const ConversationPageSchema = SchemaFactory.createForClass(ConversationPageRecord);
