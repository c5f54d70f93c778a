import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const PUSH_PLATFORMS = ['android', 'ios', 'web'] as const;
export type PushPlatform = (typeof PUSH_PLATFORMS)[number];

/** An FCM registration token. `_id` is derived from the token (a point read; one owner at a time). */
@Schema({ collection: 'device_tokens', timestamps: true, versionKey: false })
export class DeviceTokenRecord {
  @Prop({ required: true })
  token: string;

  @Prop({ type: Types.ObjectId, required: true, index: true })
  userId: Types.ObjectId;

  @Prop({ type: String, required: true, enum: PUSH_PLATFORMS })
  platform: PushPlatform;

  @Prop({ type: String, default: null })
  deviceId: string | null;

  @Prop({ default: true })
  active: boolean;

  /** Why FCM refused it (unregistered, invalid); a deactivated token is never used again until registered again. */
  @Prop({ type: String, default: null })
  deactivatedReason: string | null;

  createdAt: Date;
  updatedAt: Date;
}

export const DeviceTokenSchema = SchemaFactory.createForClass(DeviceTokenRecord);
