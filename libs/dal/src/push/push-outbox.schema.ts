import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** What to send: FCM data (string values), a notification, and the message's id for collapsing. */
export interface PushContent {
  data: Record<string, string>;
  title: string;
  body: string;
  collapseId: string;
}

/**
 * A push to one user's tokens, kept until FCM took it (or it failed for good). Written before the
 * first attempt, so a push is never lost to a timeout or a restart: a worker retries it with backoff.
 * `lockedUntil` keeps two senders (the request and the worker, or two processes) off one entry.
 */
@Schema({ collection: 'push_outbox', versionKey: false })
export class PushOutboxRecord {
  @Prop({ type: Types.ObjectId, required: true })
  recipientId: Types.ObjectId;

  @Prop({ required: true })
  kind: string;

  @Prop({ type: [String], required: true })
  tokens: string[];

  @Prop({ type: Object, required: true })
  content: PushContent;

  @Prop({ type: String, required: true, enum: OUTBOX_STATUSES })
  status: OutboxStatus;

  @Prop({ default: 0 })
  attempts: number;

  @Prop({ type: Date, required: true })
  nextAttemptAt: Date;

  @Prop({ type: Date, required: true })
  lockedUntil: Date;

  @Prop({ type: String, default: null })
  provider: string | null;

  @Prop({ type: String, default: null })
  lastError: string | null;

  /** Per token: the FCM message id, or the error code. */
  @Prop({ type: [Object], default: [] })
  results: { token: string; messageId?: string; error?: string }[];

  @Prop({ type: Date, required: true })
  createdAt: Date;

  @Prop({ type: Date, required: true })
  updatedAt: Date;
}

export const PushOutboxSchema = SchemaFactory.createForClass(PushOutboxRecord);
PushOutboxSchema.index({ status: 1, nextAttemptAt: 1 });
PushOutboxSchema.index({ createdAt: -1 });
// An admin's recent pushes of one user (GET /Admin/Push/Recent?userId=).
PushOutboxSchema.index({ recipientId: 1, createdAt: -1 });
