import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * What one push says, rendered once (a retry sends the same): FCM data (string values, the seed's
 * `type` and `payload`), the alert, and the conversation whose notification it replaces.
 */
export interface PushContent {
  data: Record<string, string>;
  title: string;
  body: string;
  /** One notification per this id on a device (the conversation): Android tag, APNs collapse id and thread. */
  collapseId: string;
  /** The recipient's unread messages in all, when the push was rendered (the app badge). */
  badge?: number;
  /** A data-only push (read on another device): no alert, no sound; clears `collapseId`'s notification. */
  silent?: boolean;
}

/**
 * A push to one user's tokens, kept until FCM took it (or it failed for good). Written before the
 * first attempt, so a push is never lost to a timeout or a restart: a worker retries it with backoff.
 * `lockedUntil` (with `lockOwner`, the process that holds it) keeps two senders off one entry.
 * Only owed pushes stay here; a finished one moves to `push_log`, so the worker's look for due
 * pushes reads only what is owed.
 */
@Schema({ collection: 'push_outbox', versionKey: false })
export class PushOutboxRecord {
  @Prop({ type: Types.ObjectId, required: true })
  recipientId: Types.ObjectId;

  @Prop({ required: true })
  kind: string;

  @Prop({ type: [String], required: true })
  tokens: string[];

  /** Each token's platform (same order; empty for entries from before: every platform's fields are sent). */
  @Prop({ type: [String], default: [] })
  platforms: string[];

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
  lockOwner: string | null;

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
// The worker's due pushes, oldest first.
PushOutboxSchema.index({ status: 1, nextAttemptAt: 1 });
// An admin's recent pushes (GET /Admin/Push/Recent), of everyone or of one user.
PushOutboxSchema.index({ createdAt: -1 });
PushOutboxSchema.index({ recipientId: 1, createdAt: -1 });

/** Finished pushes (sent, or given up), as they left the outbox: the admins' history. */
@Schema({ collection: 'push_log', versionKey: false })
export class PushLogRecord extends PushOutboxRecord {}

export const PushLogSchema = SchemaFactory.createForClass(PushLogRecord);
PushLogSchema.index({ createdAt: -1 });
PushLogSchema.index({ recipientId: 1, createdAt: -1 });

/**
 * Which process's worker may claim owed pushes, until when (`_id` = "outbox"): one lease for the
 * lot instead of a lock written on every entry, so a claim costs one small write however many
 * pushes it takes. The holder renews it every look; a process that dies loses it when it lapses.
 */
@Schema({ collection: 'push_worker_leases', versionKey: false })
export class PushWorkerLeaseRecord {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true })
  owner: string;

  @Prop({ type: Date, required: true })
  until: Date;
}

export const PushWorkerLeaseSchema = SchemaFactory.createForClass(PushWorkerLeaseRecord);
