import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const DRFI_AUDIT_EVENTS = ['requested', 'accepted', 'denied'] as const;
export type DrfiAuditEvent = (typeof DRFI_AUDIT_EVENTS)[number];

/**
 * One DRFI event: who asked whom for which paths, who accepted or denied, which paths were shared
 * and which were written to the vault, when. Never a value. `_id` is derived from (request, event),
 * so recording an event twice (a retry finishing a resolution) keeps one.
 */
@Schema({ collection: 'drfi_audit', versionKey: false })
export class DrfiAuditRecord {
  @Prop({ type: Types.ObjectId, required: true })
  requestMessageId: Types.ObjectId;

  @Prop({ type: String, required: true, enum: DRFI_AUDIT_EVENTS })
  event: DrfiAuditEvent;

  /** Who did it (the requester for `requested`, the receiver otherwise). */
  @Prop({ type: Types.ObjectId, required: true, index: true })
  actorId: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true, index: true })
  counterpartId: Types.ObjectId;

  /** requested: the paths asked for; accepted: the paths shared. */
  @Prop({ type: [String], default: [] })
  paths: string[];

  /** accepted: the paths written to the accepting user's vault (source newValue). */
  @Prop({ type: [String], default: [] })
  vaultUpdatedPaths: string[];

  @Prop({ type: Date, required: true })
  at: Date;
}

export const DrfiAuditSchema = SchemaFactory.createForClass(DrfiAuditRecord);
// The admin's audit list, newest first (GET /Admin/Drfi/Audit without a user).
DrfiAuditSchema.index({ at: -1 });
