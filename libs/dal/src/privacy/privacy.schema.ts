import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const EXPORT_STATES = ['queued', 'running', 'ready', 'failed', 'expired'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

export const ERASURE_STATES = ['scheduled', 'running', 'done', 'cancelled'] as const;
export type ErasureState = (typeof ERASURE_STATES)[number];

/** How far a job has come: `done` of `total` steps, the step it is at. */
export interface JobProgress {
  step: string;
  done: number;
  total: number;
}

/**
 * One copy of a user's data asked for (by the user, or an admin for them), made in the background:
 * queued, running (its progress), then ready (the archive in attachment storage until
 * `expiresAt`) or failed. A worker holds a job by `lockedUntil`; one that dies, another resumes.
 */
@Schema({ collection: 'data_exports', versionKey: false })
export class DataExportRecord {
  @Prop({ type: Types.ObjectId, required: true })
  userId: Types.ObjectId;

  /** Who asked: the user themselves, or the admin's id. */
  @Prop({ type: Types.ObjectId, required: true })
  requestedBy: Types.ObjectId;

  @Prop({ type: String, required: true, enum: EXPORT_STATES })
  state: ExportState;

  @Prop({ type: Object, required: true })
  progress: JobProgress;

  /** The archive's key in attachment storage, once ready. */
  @Prop({ type: String, default: null })
  archiveKey: string | null;

  @Prop({ type: Number, default: null })
  size: number | null;

  /** Why it failed (a code, never data). */
  @Prop({ type: String, default: null })
  error: string | null;

  @Prop({ type: Number, default: 0 })
  attempts: number;

  @Prop({ type: Date, default: null })
  lockedUntil: Date | null;

  @Prop({ type: Date, required: true })
  createdAt: Date;

  @Prop({ type: Date, default: null })
  finishedAt: Date | null;

  /** When a ready archive is removed. */
  @Prop({ type: Date, default: null })
  expiresAt: Date | null;
}

export const DataExportSchema = SchemaFactory.createForClass(DataExportRecord);
// The worker's next job (and expired archives), oldest first.
DataExportSchema.index({ state: 1, createdAt: 1 });
// A user's exports (the one in progress is reused; erasure removes them all).
DataExportSchema.index({ userId: 1, createdAt: -1 });

/**
 * A user's erasure, at `_id` = the user's id (one per user): scheduled for `dueAt` (the grace
 * period, which an admin may skip), then run by a worker, then done. It keeps ids and times only.
 */
@Schema({ collection: 'erasures', versionKey: false })
export class ErasureRecord {
  /** Who asked: the user, or the admin's id. */
  @Prop({ type: Types.ObjectId, required: true })
  requestedBy: Types.ObjectId;

  @Prop({ type: String, required: true, enum: ERASURE_STATES })
  state: ErasureState;

  @Prop({ type: Date, required: true })
  requestedAt: Date;

  @Prop({ type: Date, required: true })
  dueAt: Date;

  @Prop({ type: Object, required: true })
  progress: JobProgress;

  @Prop({ type: Date, default: null })
  lockedUntil: Date | null;

  @Prop({ type: Date, default: null })
  completedAt: Date | null;

  @Prop({ type: Number, default: 0 })
  attempts: number;
}

export const ErasureSchema = SchemaFactory.createForClass(ErasureRecord);
// The worker's due erasures.
ErasureSchema.index({ state: 1, dueAt: 1 });
