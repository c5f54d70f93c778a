import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** One admin action (libs/dal moderation): written before the admin is answered. */
@Schema({ collection: 'admin_audit', versionKey: false })
export class AdminAuditRecord {
  @Prop({ type: Types.ObjectId, required: true, index: true })
  actorId: Types.ObjectId;

  @Prop({ required: true })
  action: string;

  @Prop({ required: true })
  method: string;

  @Prop({ required: true })
  route: string;

  @Prop({ type: Object, default: {} })
  targets: Record<string, string>;

  /** Every user the action named (for the per-user listing). */
  @Prop({ type: [Types.ObjectId], default: [], index: true })
  userIds: Types.ObjectId[];

  @Prop({ type: String, default: null })
  resolution: string | null;

  @Prop({ type: Date, required: true })
  at: Date;
}

export const AdminAuditSchema = SchemaFactory.createForClass(AdminAuditRecord);
// The admin's audit list, newest first (GET /Admin/Audit without a user).
AdminAuditSchema.index({ at: -1 });
