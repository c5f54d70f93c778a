import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const REPORT_KINDS = ['message', 'user'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_REASONS = ['spam', 'harassment', 'inappropriate', 'impersonation', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const REPORT_STATUSES = ['open', 'closed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/**
 * A user's report of a message or a user. Its `_id` is derived from (reporter, what), so reporting
 * the same thing again is the same report (reopened if an admin had closed it).
 */
@Schema({ collection: 'reports', versionKey: false })
export class ReportRecord {
  @Prop({ type: Types.ObjectId, required: true })
  reporterId: Types.ObjectId;

  @Prop({ type: String, required: true, enum: REPORT_KINDS })
  kind: ReportKind;

  @Prop({ type: Types.ObjectId, required: true })
  userId: Types.ObjectId;

  @Prop({ type: Types.ObjectId, default: null })
  messageId: Types.ObjectId | null;

  @Prop({ type: String, required: true, enum: REPORT_REASONS })
  reason: ReportReason;

  @Prop({ type: String, default: null })
  note: string | null;

  @Prop({ type: String, default: null })
  messageText: string | null;

  @Prop({ type: String, default: null })
  messageType: string | null;

  @Prop({ type: String, required: true, enum: REPORT_STATUSES })
  status: ReportStatus;

  @Prop({ type: String, default: null })
  resolution: string | null;

  @Prop({ type: Types.ObjectId, default: null })
  closedBy: Types.ObjectId | null;

  @Prop({ type: Date, default: null })
  closedAt: Date | null;

  @Prop({ type: Date, required: true })
  reportedAt: Date;
}

export const ReportSchema = SchemaFactory.createForClass(ReportRecord);
// The admin's queue: one status, oldest first, a page at a time.
ReportSchema.index({ status: 1, reportedAt: 1, _id: 1 });
// Data rights: the reports a user filed (an export; erasure), and those about them (erasure).
ReportSchema.index({ reporterId: 1, reportedAt: 1 });
ReportSchema.index({ userId: 1 });
