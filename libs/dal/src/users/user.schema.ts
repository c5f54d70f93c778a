import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

@Schema({ collection: 'users', timestamps: true, versionKey: false })
export class UserRecord {
  /** The account id (UUID v4) other systems know the user by. */
  @Prop({ required: true, unique: true })
  accountId: string;

  @Prop({ required: true })
  name: string;

  /** Cell number in E.164; socket stanzas name users by it. */
  @Prop({ required: true, unique: true })
  phone: string;

  @Prop({ type: String, default: null })
  avatar: string | null;

  /** Tokens issued before this moment are refused (an admin revoked the user's sessions). */
  @Prop({ type: Date, default: null })
  sessionsValidFrom: Date | null;

  /** Set while the user is suspended: every token of theirs is refused. */
  @Prop({ type: Date, default: null })
  suspendedAt: Date | null;

  /** Set once the user is erased: the record stays as a stub (a name for others, ids), nothing of theirs. */
  @Prop({ type: Date, default: null })
  erasedAt: Date | null;

  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<UserRecord>;
export const UserSchema = SchemaFactory.createForClass(UserRecord);
