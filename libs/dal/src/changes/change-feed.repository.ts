import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { derivedId, isDuplicateKeyError, toObjectId } from '../shared/ids';
import { UserChangeKeyRecord, UserChangeRecord, UserFeedRecord } from './change-feed.schema';

export interface FeedEntry {
  seq: number;
  kind: string;
  payload: Record<string, unknown>;
  at: Date;
}

export interface FeedPage {
  entries: FeedEntry[];
  /** The position the reader has now passed: pass it back to read on. */
  position: number;
  /** More changes are written after `position` and can be read at once. */
  hasMore: boolean;
  /** The last position handed out for the user. */
  head: number;
}

type LeanChange = UserChangeRecord & { _id: Types.ObjectId };

const changeId = (userId: string, seq: number) => derivedId(`change:${userId.toLowerCase()}:${seq}`);
const keyId = (userId: string, key: string) => derivedId(`change-key:${userId.toLowerCase()}:${key}`);

/**
 * Each user's own change sequence (Matrix's stream positions, XEP-0198's counters): every change
 * that concerns a user gets the next position, and a reader follows positions one by one.
 *
 * Writers take a position with one atomic `$inc` on the user's head, then insert the change at the
 * `_id` derived from (user, position). Concurrent writers may land out of order, so a reader stops
 * at the first position not written yet: it never skips a change that is on its way. A position
 * whose writer died is skipped once it is older than the gap timeout, by inserting a `skip` marker
 * at its `_id`; the unique `_id` decides the race with a late writer, which then takes a new
 * position. Along a chain of positions each change is read exactly once, in order.
 *
 * A change has a key, and its position is recorded under that key before the change is written,
 * so appending the same change again (a resend after a server died part-way) finds its position
 * instead of taking a second one: a change is in a sequence once, whatever was retried.
 */
@Injectable()
export class ChangeFeedRepository {
  constructor(
    @InjectModel(UserFeedRecord.name) private readonly heads: Model<UserFeedRecord>,
    @InjectModel(UserChangeRecord.name) private readonly changes: Model<UserChangeRecord>,
    @InjectModel(UserChangeKeyRecord.name) private readonly keys: Model<UserChangeKeyRecord>,
  ) {}

  /**
   * Appends the change `key` to the user's sequence once; returns its position. `firstAttempt`
   * (the change was just made, so nobody appended it yet) saves the look-up of its key.
   */
  async append(userId: string, key: string, kind: string, payload: Record<string, unknown>, firstAttempt = false): Promise<number> {
    const user = toObjectId(userId);
    const _id = keyId(userId, key);
    let seq = firstAttempt ? undefined : (await this.keys.findById(_id).lean<UserChangeKeyRecord>())?.seq;
    for (;;) {
      if (seq === undefined) {
        const taken = await this.allocate(user);
        try {
          await this.keys.create({ _id, seq: taken });
          seq = taken;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          // Another attempt recorded this change first: ours is a position nobody will write.
          await this.writeAt(userId, taken, 'skip', null);
          seq = (await this.keys.findById(_id).lean<UserChangeKeyRecord>())!.seq;
        }
      }
      const written = await this.writeAt(userId, seq, kind, payload);
      if (written.kind !== 'skip') return seq;
      // A reader gave the position up (this writer took longer than the gap timeout): move the
      // change to a new position, unless another attempt already did.
      const next = await this.allocate(user);
      const moved = await this.keys.findOneAndUpdate({ _id, seq }, { $set: { seq: next } }, { returnDocument: 'after' }).lean<UserChangeKeyRecord>();
      if (!moved) await this.writeAt(userId, next, 'skip', null);
      seq = moved ? next : (await this.keys.findById(_id).lean<UserChangeKeyRecord>())!.seq;
    }
  }

  /** At most `limit` changes after `after`, in order, by point reads. */
  async read(userId: string, after: number, limit: number, gapTimeoutMs: number): Promise<FeedPage> {
    const head = await this.heads.findById(toObjectId(userId)).lean<UserFeedRecord>();
    const headSeq = head?.seq ?? 0;
    const last = Math.min(headSeq, after + limit);
    const seqs = Array.from({ length: Math.max(0, last - after) }, (_, i) => after + 1 + i);
    const docs = await Promise.all(seqs.map((seq) => this.changes.findById(changeId(userId, seq)).lean<LeanChange>()));
    const entries: FeedEntry[] = [];
    let position = after;
    for (const [i, seq] of seqs.entries()) {
      let doc = docs[i];
      if (!doc) {
        const nextAt = docs.slice(i + 1).find((d) => d)?.at ?? head?.allocatedAt;
        const abandoned = nextAt !== undefined && Date.now() - nextAt.getTime() > gapTimeoutMs;
        // Not written yet: its writer is on its way (the change arrives live, or by the next sync).
        if (!abandoned) return { entries, position, hasMore: false, head: headSeq };
        doc = await this.writeAt(userId, seq, 'skip', null);
      }
      position = seq;
      if (doc.kind !== 'skip') entries.push({ seq, kind: doc.kind, payload: doc.payload ?? {}, at: doc.at });
    }
    return { entries, position, hasMore: position < headSeq, head: headSeq };
  }

  private async allocate(user: Types.ObjectId): Promise<number> {
    for (;;) {
      try {
        const head = await this.heads
          .findOneAndUpdate({ _id: user }, { $inc: { seq: 1 }, $set: { allocatedAt: new Date() } }, { upsert: true, returnDocument: 'after' })
          .lean<UserFeedRecord>();
        return head!.seq;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err; // two first changes at once: the other made the head
      }
    }
  }

  /** Writes a change (or a skip marker) at a position once; returns what the position holds. */
  private async writeAt(userId: string, seq: number, kind: string, payload: Record<string, unknown> | null): Promise<LeanChange> {
    const _id = changeId(userId, seq);
    try {
      const doc = await this.changes.create({ _id, userId: toObjectId(userId), seq, kind, payload, at: new Date() });
      return doc.toObject() as LeanChange;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return (await this.changes.findById(_id).lean<LeanChange>())!;
    }
  }
}
