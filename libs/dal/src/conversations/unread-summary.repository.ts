import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError, toObjectId } from '../shared/ids';
import { LeanUnreadSummary, UnreadSummaryRecord } from './unread-summary.schema';

/** A user's unread messages: in all, and per conversation (by its id). */
export interface Unread {
  total: number;
  conversations: Record<string, number>;
}

/**
 * Each user's unread counts (`unread_summaries`), kept beside the conversations' own counts by the
 * same writes: after a conversation's count moves, its new value is copied here with the
 * conversation's `countsVersion`, and an older copy never replaces a newer one (two writers'
 * copies may land in either order). A summary exists for the users pushes are made for (opened,
 * from their conversations' counts, on the first), so that nobody else pays its writes.
 */
@Injectable()
export class UnreadSummaryRepository {
  constructor(@InjectModel(UnreadSummaryRecord.name) private readonly model: Model<UnreadSummaryRecord>) {}

  /**
   * `userId` has `unread` unread messages in `conversationId` as of its counts' `version`. Only a
   * user who has a summary (one a push was made for) is written: for anyone else this matches
   * nothing and writes nothing, so users without devices cost the message path no write.
   */
  async record(userId: string, conversationId: string, version: number, unread: number): Promise<void> {
    const field = `c.${conversationId}`;
    await this.model.updateOne({ _id: toObjectId(userId), [`${field}.v`]: { $not: { $gte: version } } }, { $set: { [field]: { v: version, n: Math.max(0, unread) } } });
  }

  /** A user's first summary, from the counts of their conversations (once; a summary already there stays). */
  async open(userId: string, entries: { conversationId: string; version: number; unread: number }[]): Promise<void> {
    try {
      await this.model.create({ _id: toObjectId(userId), c: Object.fromEntries(entries.map((e) => [e.conversationId, { v: e.version, n: Math.max(0, e.unread) }])) });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /** Which of these users have a summary (one read by `_id $in`). */
  async holders(userIds: string[]): Promise<Set<string>> {
    const docs = await this.model.find({ _id: { $in: userIds.map(toObjectId) } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    return new Set(docs.map((d) => d._id.toHexString()));
  }

  /** Removes the user's summary (erasure). */
  async remove(userId: string): Promise<void> {
    await this.model.deleteOne({ _id: toObjectId(userId) });
  }

  /** Drops conversations the user's list no longer shows (a member unlinked): the badge counts what the list counts. */
  async forget(userId: string, conversationIds: string[]): Promise<void> {
    if (conversationIds.length === 0) return;
    await this.model.updateOne({ _id: toObjectId(userId) }, { $unset: Object.fromEntries(conversationIds.map((id) => [`c.${id}`, 1])) });
  }

  /** Several users' unread counts: one read by `_id $in` (a user without a summary is not in the map). */
  async of(userIds: string[]): Promise<Map<string, Unread>> {
    const found = new Map<string, Unread>();
    if (userIds.length === 0) return found;
    const docs = await this.model.find({ _id: { $in: [...new Set(userIds)].map(toObjectId) } }).lean<LeanUnreadSummary[]>();
    for (const doc of docs) {
      const conversations: Record<string, number> = {};
      let total = 0;
      for (const [conversationId, entry] of Object.entries(doc.c ?? {})) {
        conversations[conversationId] = entry.n;
        total += entry.n;
      }
      found.set(doc._id.toHexString(), { total, conversations });
    }
    return found;
  }
}
