import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError, toObjectId } from '../shared/ids';
import { LeanUnreadSummary, UnreadSummaryRecord } from './unread-summary.schema';

/** A user's unread messages: in all, and per conversation (by its id). */
export interface Unread {
  total: number;
  conversations: Record<string, number>;
}

export const NO_UNREAD: Unread = { total: 0, conversations: {} };

/**
 * Each user's unread counts (`unread_summaries`), kept beside the conversations' own counts by the
 * same writes: after a conversation's count moves, its new value is copied here with the
 * conversation's `countsVersion`, and an older copy never replaces a newer one (two writers'
 * copies may land in either order).
 */
@Injectable()
export class UnreadSummaryRepository {
  constructor(@InjectModel(UnreadSummaryRecord.name) private readonly model: Model<UnreadSummaryRecord>) {}

  /** `userId` has `unread` unread messages in `conversationId` as of its counts' `version`. */
  async record(userId: string, conversationId: string, version: number, unread: number): Promise<void> {
    const field = `c.${conversationId}`;
    try {
      await this.model.updateOne(
        { _id: toObjectId(userId), [`${field}.v`]: { $not: { $gte: version } } },
        { $set: { [field]: { v: version, n: Math.max(0, unread) } } },
        { upsert: true },
      );
    } catch (err) {
      // The summary exists and holds a copy as new or newer: the upsert's insert collided.
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /** Drops conversations the user's list no longer shows (a member unlinked): the badge counts what the list counts. */
  async forget(userId: string, conversationIds: string[]): Promise<void> {
    if (conversationIds.length === 0) return;
    await this.model.updateOne({ _id: toObjectId(userId) }, { $unset: Object.fromEntries(conversationIds.map((id) => [`c.${id}`, 1])) });
  }

  /** Several users' unread counts: one read by `_id $in` (a user with none: NO_UNREAD). */
  async of(userIds: string[]): Promise<Map<string, Unread>> {
    const found = new Map<string, Unread>(userIds.map((id) => [id, NO_UNREAD]));
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
