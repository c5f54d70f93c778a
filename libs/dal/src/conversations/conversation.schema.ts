import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** The one-to-one conversation of a pair of users; `pairKey` (the two ids sorted) is unique. */
@Schema({ collection: 'conversations', timestamps: true, versionKey: false })
export class ConversationRecord {
  @Prop({ required: true, unique: true })
  pairKey: string;

  @Prop({ type: [Types.ObjectId], required: true, index: true })
  userIds: Types.ObjectId[];

  createdAt: Date;
  updatedAt: Date;
}

export const ConversationSchema = SchemaFactory.createForClass(ConversationRecord);
