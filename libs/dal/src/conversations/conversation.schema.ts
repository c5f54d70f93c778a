import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * Message counts of a conversation, kept by the writes. "a" is the member with the smaller id
 * (userIds[0]), "b" the other. Unread counts exclude deleted messages (CONTRACT section 3).
 */
export class ConversationCounts {
  total: number;
  deleted: number;
  sentA: number;
  sentB: number;
  unreadA: number;
  unreadB: number;
}

export const ZERO_COUNTS: ConversationCounts = { total: 0, deleted: 0, sentA: 0, sentB: 0, unreadA: 0, unreadB: 0 };

/** The one-to-one conversation of a pair of users; its `_id` is derived from the pair (pairId). */
@Schema({ collection: 'conversations', timestamps: true, versionKey: false })
export class ConversationRecord {
  /** The two ids sorted and joined by ':' (for people reading the data; the _id is derived from it). */
  @Prop({ required: true })
  pairKey: string;

  @Prop({ type: [Types.ObjectId], required: true, index: true })
  userIds: Types.ObjectId[];

  @Prop({ type: Object, default: () => ({ ...ZERO_COUNTS }) })
  counts: ConversationCounts;

  /**
   * Counted writes begun and not yet ended. Above zero for long means a writer died between
   * its message write and its count update: the counts are then recounted (see
   * ConversationRepository.repairCounts).
   */
  @Prop({ default: 0 })
  pendingWrites: number;

  /** Bumped by every counted write that begins, so a recount can tell nobody began meanwhile. */
  @Prop({ default: 0 })
  writeEpoch: number;

  @Prop({ type: Date, default: null })
  lastWriteAt: Date | null;

  @Prop({ type: Date, default: null })
  lastMessageAt: Date | null;

  /** Bumped by every write that moves an unread count: orders the copies in `unread_summaries`. */
  @Prop({ default: 0 })
  countsVersion: number;

  /** The last position handed to a message of this conversation (its history pages follow positions). */
  @Prop({ default: 0 })
  messageSeq: number;

  /**
   * Every message of the conversation has a position in its pages (conversations made since
   * issue 13). A conversation from before reads its history by the `{conversationId, createdAt}` index.
   */
  @Prop({ default: false })
  pagedFromStart: boolean;

  /** Per member ("a", "b"): the member has an unread summary, which this conversation's count writes keep (unread-summary.repository.ts). */
  @Prop({ type: Object, default: null })
  badged: { a?: boolean; b?: boolean } | null;

  /** Per member ("a", "b"): every incoming message up to this position is seen (mark-read starts after it). */
  @Prop({ type: Object, default: null })
  readFloor: { a?: number; b?: number } | null;

  createdAt: Date;
  updatedAt: Date;
}

export const ConversationSchema = SchemaFactory.createForClass(ConversationRecord);
