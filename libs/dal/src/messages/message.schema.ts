import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { MessageAttachment } from '../attachments/attachment.entity';

export const DELIVERY_STATUSES = ['sent', 'delivered', 'seen'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const MESSAGE_TYPES = ['text', 'drfi', 'drfiresponseaccepted', 'drfiresponsedenied'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const DRFI_REQUEST_STATUSES = ['sent', 'accepted', 'denied'] as const;

/** A field of a DRFI response, as the responder submitted it (personal data: never logged). */
export interface DrfiFieldValue {
  path: string;
  label: string;
  type: string;
  value: string;
  source: 'vaultCurrentValue' | 'newValue';
}

/**
 * The DRFI part of a special message. A request (`type: drfi`) has `paths`, `status` and, once
 * resolved, `responseMessageId`; a response has `requestMessageId` and, when accepted, the
 * submitted `fields` and whether they were written to the vault yet (`vaultApplied`).
 */
export interface DrfiData {
  paths?: string[];
  status?: (typeof DRFI_REQUEST_STATUSES)[number];
  responseMessageId?: string | null;
  requestMessageId?: string;
  fields?: DrfiFieldValue[];
  vaultApplied?: boolean;
}

@Schema({ collection: 'messages', versionKey: false })
export class MessageRecord {
  @Prop({ type: Types.ObjectId, required: true })
  conversationId: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  senderId: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  receiverId: Types.ObjectId;

  /** The sender's id for this message (the client's `uniqueid`, or one we made); unique per sender. */
  @Prop({ required: true })
  uniqueId: string;

  @Prop({ type: String, required: true, enum: MESSAGE_TYPES, default: 'text' })
  type: MessageType;

  /** May be empty: a photo without a caption. */
  @Prop({ type: String, default: '' })
  text: string;

  @Prop({ type: String, default: null })
  fileType: string | null;

  /** The attachment as it was sent (kind, name, size, type, dimensions); its bytes are the attachments module's. */
  @Prop({ type: Object, default: null })
  attachment: MessageAttachment | null;

  @Prop({ type: String, required: true, enum: DELIVERY_STATUSES, default: 'sent' })
  deliveryStatus: DeliveryStatus;

  @Prop({ type: Date, default: null })
  deliveredAt: Date | null;

  @Prop({ type: Date, default: null })
  seenAt: Date | null;

  @Prop({ type: Date, default: null })
  deletedAt: Date | null;

  @Prop({ type: Date, required: true })
  createdAt: Date;

  @Prop({ type: Object, default: null })
  drfi: DrfiData | null;

  /** Its position in its conversation's history, from 1 (null: a message from before issue 13). */
  @Prop({ type: Number, default: null })
  seq: number | null;

  /** The earlier message of the same conversation this one quotes (a reply). Absent on others. */
  @Prop({ type: Types.ObjectId, default: null })
  replyTo?: Types.ObjectId | null;

  /** When its sender last edited its text (null: never). Absent on messages never edited. */
  @Prop({ type: Date, default: null })
  editedAt?: Date | null;

  /** How many times its text was edited (each edit is a change of its own in the parties' sequences). */
  @Prop({ type: Number, default: 0 })
  editCount?: number;

  /** Each member's reaction (at most one each): member id -> {emoji, at}. Absent until someone reacts. */
  @Prop({ type: Object, default: null })
  reactions?: Record<string, { emoji: string; at: Date }> | null;

  /** How many times a reaction was set or removed (each is a change of its own in the parties' sequences). */
  @Prop({ type: Number, default: 0 })
  reactionCount?: number;

  /** When anything about the message last changed (status, delete, edit, reaction). */
  @Prop({ type: Date, required: true })
  changedAt: Date;
}

export const MessageSchema = SchemaFactory.createForClass(MessageRecord);
// The _id is derived from (senderId, uniqueId) (messageIdFor), so a resend finds or collides with
// the original; this index keeps the pair unique on any server all the same.
MessageSchema.index({ senderId: 1, uniqueId: 1 }, { unique: true });
// History by position: the newest before a position, one range read.
MessageSchema.index({ conversationId: 1, seq: 1 });
// Mark a conversation read: the caller's incoming messages since their read floor.
MessageSchema.index({ conversationId: 1, receiverId: 1, seq: 1 });
// History of a conversation from before positions (issue 13), oldest first, and its pages (`before`).
MessageSchema.index({ conversationId: 1, createdAt: 1, _id: 1 });

