import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { PushPlatform } from './device-token.schema';

/** One active token a push goes to. */
export interface PushTarget {
  token: string;
  platform: PushPlatform;
}

/**
 * Whom a push to a user reaches (`_id` = the user's id): their active tokens with platforms, keyed
 * by the token document's `_id` (hex), so that a push reads one document by `_id`. Kept by
 * register, remove and deactivate; `built` once filled from the token documents (a user from
 * before this collection: on the first push).
 */
@Schema({ collection: 'push_targets', versionKey: false })
export class PushTargetsRecord {
  @Prop({ type: Object, default: () => ({}) })
  t: Record<string, PushTarget>;

  @Prop({ default: false })
  built: boolean;
}

export type LeanPushTargets = PushTargetsRecord & { _id: Types.ObjectId };

export const PushTargetsSchema = SchemaFactory.createForClass(PushTargetsRecord);
