import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * An invitation to join someone's network, addressed to an inbox: `phone:<E.164>` (whoever holds or
 * will hold that number) or `account:<uuid>`. Its `_id` is derived from (inviter, inbox), so
 * inviting again is a point read of the same invitation, never a second one.
 */
@Schema({ collection: 'invitations', versionKey: false })
export class InvitationRecord {
  @Prop({ type: Types.ObjectId, required: true })
  inviterId: Types.ObjectId;

  @Prop({ required: true })
  inbox: string;

  /** As the inviter gave it: exactly one of phone or accountId. */
  @Prop({ type: String, default: null })
  toPhone: string | null;

  @Prop({ type: String, default: null })
  toAccountId: string | null;

  @Prop({ type: String, required: true, enum: INVITATION_STATUSES })
  status: InvitationStatus;

  /** Who accepted or declined it. */
  @Prop({ type: Types.ObjectId, default: null })
  answeredBy: Types.ObjectId | null;

  /** When it was (last) sent: inviting again after a removal sends it anew. */
  @Prop({ type: Date, required: true })
  sentAt: Date;

  @Prop({ type: Date, default: null })
  answeredAt: Date | null;
}

export const InvitationSchema = SchemaFactory.createForClass(InvitationRecord);
// Erasure: every invitation a user sent, and every one to their inboxes, whatever its state
// (rosters list only the open ones). Invitations are rare writes; reads stay by `_id`.
InvitationSchema.index({ inviterId: 1 });
InvitationSchema.index({ inbox: 1 });
