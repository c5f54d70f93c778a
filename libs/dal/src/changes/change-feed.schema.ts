import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

/**
 * Where one user's change sequence about ends: `_id` is the user's id, `seq` a position that holds a
 * change (raised every few positions, never lowered). A writer that does not know the user's next
 * position reads on from here to the first free one.
 */
@Schema({ collection: 'user_feeds', versionKey: false })
export class UserFeedRecord {
  @Prop({ type: Number, required: true, default: 0 })
  seq: number;

  /** When the hint was last raised. */
  @Prop({ type: Date, required: true })
  allocatedAt: Date;
}

export const UserFeedSchema = SchemaFactory.createForClass(UserFeedRecord);

/**
 * One change in one user's sequence, at `_id` = derivedId(`change:<user>:<seq>`): every read is by
 * `_id`, the one lookup FerretDB answers from an index and MongoDB's own. `kind: 'skip'` marks a
 * position whose writer never wrote it (the writer, if it comes back, takes the next position).
 */
@Schema({ collection: 'user_changes', versionKey: false })
export class UserChangeRecord {
  @Prop({ type: Types.ObjectId, required: true })
  userId: Types.ObjectId;

  @Prop({ required: true })
  seq: number;

  @Prop({ required: true })
  kind: string;

  /** The change's key (`m:<message>`, ...): the writer that finds the position taken tells its own change from another's. */
  @Prop({ type: String, default: null })
  key?: string | null;

  /**
   * What the client gets for this change (a stanza), as it was when the change happened, as JSON
   * text: the server never looks inside, and FerretDB decodes one string far faster than the
   * nested document (measured: a sync page of 50 changes is most of its cost). Changes written
   * before hold the object itself; both are read.
   */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  payload: string | Record<string, unknown> | null;

  @Prop({ type: Date, required: true })
  at: Date;
}

export const UserChangeSchema = SchemaFactory.createForClass(UserChangeRecord);

/**
 * Which position a change has in a user's sequence: `_id` = derivedId(`change-key:<user>:<key>`),
 * where the key names the change (`m:<message>`, `s:<message>:<status>`, ...). It makes appending a
 * change idempotent: a resend after a crash finds the position instead of taking a second one.
 * Key records live in `user_changes` beside the changes (their `_id`s never meet), so a change's
 * keys and entries for both parties are one insert.
 */
@Schema({ collection: 'user_changes', versionKey: false })
export class UserChangeKeyRecord {
  @Prop({ required: true })
  seq: number;
}

export const UserChangeKeySchema = SchemaFactory.createForClass(UserChangeKeyRecord);
