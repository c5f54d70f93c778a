import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** What an attachment is to a chat client (the seed's `file_type` values). */
export const ATTACHMENT_KINDS = ['image', 'video', 'audio', 'file'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * uploading: bytes arriving (tus); ready: stored and checked, not in a message yet; sent: in a
 * message; deleted: no longer served (its message was deleted, the upload was cancelled, or it was
 * never sent), its bytes removed once `bytesRemoved`.
 */
export const ATTACHMENT_STATES = ['uploading', 'ready', 'sent', 'deleted'] as const;
export type AttachmentState = (typeof ATTACHMENT_STATES)[number];

@Schema({ collection: 'attachments', versionKey: false })
export class AttachmentRecord {
  @Prop({ type: Types.ObjectId, required: true })
  ownerId: Types.ObjectId;

  /** The other member of the conversation it is uploaded for. */
  @Prop({ type: Types.ObjectId, required: true })
  receiverId: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  conversationId: Types.ObjectId;

  @Prop({ type: String, required: true, enum: ATTACHMENT_STATES })
  state: AttachmentState;

  @Prop({ required: true })
  name: string;

  /** What the client said it is (checked against the bytes). */
  @Prop({ type: String, default: null })
  declaredType: string | null;

  @Prop({ required: true })
  size: number;

  /** Sniffed from the bytes once the upload is complete. */
  @Prop({ type: String, default: null })
  mimeType: string | null;

  @Prop({ type: String, default: null })
  kind: AttachmentKind | null;

  @Prop({ type: Number, default: null })
  width: number | null;

  @Prop({ type: Number, default: null })
  height: number | null;

  @Prop({ type: Number, default: null })
  durationMs: number | null;

  /** The storage key served as the file: the upload itself, or its copy without metadata (images). */
  @Prop({ type: String, default: null })
  fileKey: string | null;

  @Prop({ type: String, default: null })
  thumbnailKey: string | null;

  @Prop({ type: Types.ObjectId, default: null })
  messageId: Types.ObjectId | null;

  @Prop({ default: false })
  bytesRemoved: boolean;

  @Prop({ type: Date, required: true })
  createdAt: Date;

  @Prop({ type: Date, required: true })
  changedAt: Date;
}

export const AttachmentSchema = SchemaFactory.createForClass(AttachmentRecord);
// The sweeper: uploads never sent (uploading / ready older than ATTACHMENT_UNSENT_TTL_MS) and
// deleted ones whose bytes are still to be removed. Every other read is by _id.
AttachmentSchema.index({ state: 1, createdAt: 1 });
