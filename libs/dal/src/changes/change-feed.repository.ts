import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { GroupCommit } from '../shared/group-commit';
import { derivedId, isDuplicateKeyError, toObjectId, writeErrorsOf } from '../shared/ids';
import { UserChangeKeyRecord, UserChangeRecord, UserFeedRecord } from './change-feed.schema';


export interface FeedEntry {
  seq: number;
  kind: string;
  /** What the change is about (`m:<message>`, `s:<message>:<status>`, ...); null for a change from before keys. */
  key: string | null;
  payload: Record<string, unknown>;
  at: Date;
}

export interface FeedPage {
  entries: FeedEntry[];
  /** The position the reader has now passed: pass it back to read on. */
  position: number;
  /** More changes are written after `position` and can be read at once. */
  hasMore: boolean;
  /** `after` is a position of the user's sequence (0, or one that holds a change or a skip). */
  known: boolean;
}

type LeanChange = UserChangeRecord & { _id: Types.ObjectId };

const changeId = (userId: string, seq: number) => derivedId(`change:${userId.toLowerCase()}:${seq}`);
const keyId = (userId: string, key: string) => derivedId(`change-key:${userId.toLowerCase()}:${key}`);
/** A change's payload as stored: JSON text (a change written before that: the object itself). */
const storedPayload = (stored: string | Record<string, unknown> | null): Record<string, unknown> =>
  typeof stored === 'string' ? (JSON.parse(stored) as Record<string, unknown>) : (stored ?? {});
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** Positions looked at per read when finding the end of a sequence. */
const PROBE = 32;
/**
 * The head hint is made at a user's first position and raised at every HINT_EVERY-th (so finding
 * the end reads about one PROBE, and a user without one has no changes: nothing to read).
 */
const HINT_EVERY = 16;
/** Positions a sync page reads first (then twice as many each time, up to the page). */
const FIRST_CHUNK = 32;
/** First-attempt appends per group-commit batch (each a few documents). */
const APPENDS_PER_BATCH = 200;
/** Users whose next position this process remembers. */
const REMEMBERED_USERS = 100_000;

/**
 * Each user's own change sequence (Matrix's stream positions, XEP-0198's counters): every change
 * that concerns a user gets the next position, and a reader follows positions one by one.
 *
 * A writer claims a position by inserting the change at the `_id` derived from (user, position):
 * the unique `_id` makes two writers never share one, so there is no counter to update. A process
 * remembers each user's next position; when it does not know it (a cold start, another process
 * wrote meanwhile: its insert collides), it reads on from the head hint (`user_feeds`, raised now
 * and then) to the first free position. Concurrent writers may land out of order, so a reader
 * stops at the first position not written yet: it never skips a change that is on its way. A
 * position whose writer died is skipped once a later change is older than the gap timeout, by
 * inserting a `skip` marker there; the unique `_id` decides the race with a late writer, which then
 * takes another position. Along a chain of positions each change is read exactly once, in order.
 *
 * A change has a key, recorded with its position before the change is written, so appending the
 * same change again (a resend after a server died part-way) finds its position instead of taking a
 * second one: a change is in a sequence once, whatever was retried.
 */
@Injectable()
export class ChangeFeedRepository {
  /** Each user's next position as this process knows it (a guess: the insert decides). */
  private readonly nextPositions = new Map<string, number>();
  /** The look for a user's first free position, while one runs. */
  private readonly lookups = new Map<string, Promise<number>>();
  /** First attempts' appends, together in one insert per batch. */
  private readonly firstAppends = new GroupCommit<Record<string, unknown>[], number>((appends) => this.insertAppends(appends), { maxBatch: APPENDS_PER_BATCH });

  constructor(
    @InjectModel(UserFeedRecord.name) private readonly heads: Model<UserFeedRecord>,
    @InjectModel(UserChangeRecord.name) private readonly changes: Model<UserChangeRecord>,
    @InjectModel(UserChangeKeyRecord.name) private readonly keys: Model<UserChangeKeyRecord>,
  ) {}

  /**
   * Appends the change `key` to each user's sequence once. A fresh change (`fresh`: nobody can
   * have appended it yet; apps/api/src/messages/freshness.ts) takes the fast path: one ordered insert of every user's key record, then
   * every change (key records live in the changes' collection, so this is one command). A repeat,
   * or a position taken meanwhile, goes user by user (appendOne). Returns the users in whose
   * sequence the change was not yet: for a fresh change, all of them unless a repeat racing it
   * appended it somewhere first (that attempt tells those users).
   */
  async append(userIds: string[], key: string, kind: string, payload: Record<string, unknown>, fresh: boolean): Promise<string[]> {
    if (!fresh) {
      const added = await Promise.all(userIds.map((userId) => this.appendOne(userId, key, kind, payload)));
      return userIds.filter((_, i) => added[i]);
    }
    const seqs = await Promise.all(userIds.map((userId) => this.takePosition(userId)));
    const at = new Date();
    // Keys first: an ordered insert stops at the first that fails, so no change is written without its key.
    const inserted = await this.firstAppends.submit([
      ...userIds.map((userId, i) => ({ _id: keyId(userId, key), seq: seqs[i] })),
      ...userIds.map((userId, i) => ({ _id: changeId(userId, seqs[i]), userId: toObjectId(userId), seq: seqs[i], key, kind, payload: JSON.stringify(payload), at })),
    ]);
    const added = await Promise.all(
      userIds.map(async (userId, i) => {
        if (inserted > userIds.length + i) {
          await this.written(userId, seqs[i]);
          return true;
        }
        // The position was taken meanwhile (another process, a reader's skip), or our key was
        // there already (a repeat that raced us, an attempt we did not know of): finish it the
        // careful way, at our position if it is still free. A key that was there is not ours to tell.
        return this.appendOne(userId, key, kind, payload, seqs[i]);
      }),
    );
    return userIds.filter((_, i) => added[i]);
  }

  /**
   * Appends one user's change, looking its key up first (a retry); false if it was there already.
   * `preferred`: a position this attempt took and may still write (else it would stay a gap).
   */
  private async appendOne(userId: string, key: string, kind: string, payload: Record<string, unknown>, preferred?: number): Promise<boolean> {
    const _id = keyId(userId, key);
    let seq = (await this.keys.findById(_id).lean<UserChangeKeyRecord>())?.seq;
    for (;;) {
      if (seq === undefined) {
        const taken = preferred ?? (await this.takePosition(userId));
        preferred = undefined;
        try {
          await this.keys.create({ _id, seq: taken });
          seq = taken;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          // Another attempt recorded this change first.
          seq = (await this.keys.findById(_id).lean<UserChangeKeyRecord>())!.seq;
        }
      }
      const { doc, created } = await this.writeAt(userId, seq, { key, kind, payload });
      if (created) {
        await this.written(userId, seq);
        return true;
      }
      if (doc.key === key) return false; // an earlier attempt wrote it
      // Someone else's change, or a reader's skip, is at the position: move ours to a free one,
      // unless another attempt already did.
      const next = await this.takePosition(userId, seq);
      const moved = await this.keys.findOneAndUpdate({ _id, seq }, { $set: { seq: next } }, { returnDocument: 'after' }).lean<UserChangeKeyRecord>();
      seq = moved ? next : (await this.keys.findById(_id).lean<UserChangeKeyRecord>())!.seq;
    }
  }

  /**
   * A position after `after` to write the user's next change at: the one this process remembers
   * (each caller gets its own), or the first free one found from the head hint.
   */
  private async takePosition(userId: string, after = 0): Promise<number> {
    for (;;) {
      const remembered = this.nextPositions.get(userId);
      if (remembered !== undefined && remembered > after) {
        this.remember(userId, remembered + 1);
        return remembered;
      }
      const free = await this.firstFree(userId, after);
      // Callers that waited on the same look may have taken positions from it already.
      const now = this.nextPositions.get(userId);
      if (now === undefined || now < free) this.remember(userId, free);
    }
  }

  /** The first position after `after` (and the head hint) that holds nothing; one look per user at a time. */
  private firstFree(userId: string, after: number): Promise<number> {
    const running = this.lookups.get(userId);
    if (running) return running;
    const lookup = (async () => {
      const hint = await this.heads.findById(toObjectId(userId)).lean<UserFeedRecord>();
      if (!hint && after === 0) return 1; // nothing written yet
      let from = Math.max(after, hint?.seq ?? 0) + 1;
      for (;;) {
        const seqs = range(from, PROBE);
        const docs = await this.changes.find({ _id: { $in: seqs.map((seq) => changeId(userId, seq)) } }, { seq: 1 }).lean<{ seq: number }[]>();
        const taken = new Set(docs.map((d) => d.seq));
        const free = seqs.find((seq) => !taken.has(seq));
        if (free !== undefined) return free;
        from += PROBE;
      }
    })().finally(() => this.lookups.delete(userId));
    this.lookups.set(userId, lookup);
    return lookup;
  }

  /** After a change is written at `seq`: now and then, raise the head hint that cold writers start from. */
  private async written(userId: string, seq: number): Promise<void> {
    if (seq === 1 || seq % HINT_EVERY === 0) await this.heads.updateOne({ _id: toObjectId(userId) }, { $max: { seq }, $set: { allocatedAt: new Date() } }, { upsert: true });
  }

  private remember(userId: string, next: number): void {
    this.nextPositions.delete(userId);
    this.nextPositions.set(userId, next);
    // The least recently written user goes first (a Map keeps insertion order).
    if (this.nextPositions.size > REMEMBERED_USERS) this.nextPositions.delete(this.nextPositions.keys().next().value!);
  }

  /**
   * First attempts' documents, batch after batch (group commit): each append's documents in order,
   * the appends one after another, in one ordered insert. Answers how many of each append's
   * documents went in before the first that already existed; the appends after it in the batch
   * went in not at all and finish the careful way, like a collision of their own.
   */
  private async insertAppends(appends: Record<string, unknown>[][]): Promise<number[]> {
    const inserted = await this.insertInOrder(appends.flat());
    let offset = 0;
    return appends.map((docs) => {
      const mine = Math.min(Math.max(inserted - offset, 0), docs.length);
      offset += docs.length;
      return mine;
    });
  }

  /** Inserts the documents in order, in one command; returns how many went in before the first that already existed. */
  private async insertInOrder(docs: Record<string, unknown>[]): Promise<number> {
    try {
      await this.changes.collection.insertMany(docs, { ordered: true });
      return docs.length;
    } catch (err) {
      const first = writeErrorsOf(err)?.[0];
      if (first?.code !== 11000) throw err;
      return first.index;
    }
  }

  /**
   * At most `limit` changes after `after`, in order, by reads of `_id`s in chunks (FIRST_CHUNK
   * positions, then twice as many each time): a page costs what it holds, not the page size. The
   * position `after` itself is read too (it tells the cursor is the user's), and the one after the
   * page (whether more follow).
   */
  async read(userId: string, after: number, limit: number, gapTimeoutMs: number): Promise<FeedPage> {
    const last = after + limit + 1;
    const bySeq = new Map<number, LeanChange>();
    let loadedTo = Math.max(after, 1) - 1;
    let chunk = FIRST_CHUNK;
    /** Reads the next chunk of positions; false when there is nothing left to read or it held nothing. */
    const loadMore = async (): Promise<boolean> => {
      if (loadedTo >= last) return false;
      const seqs = range(loadedTo + 1, Math.min(chunk, last - loadedTo));
      const docs = await this.changes.find({ _id: { $in: seqs.map((seq) => changeId(userId, seq)) } }).lean<LeanChange[]>();
      for (const doc of docs) bySeq.set(doc.seq, doc);
      loadedTo = seqs[seqs.length - 1];
      chunk *= 2;
      return docs.length > 0;
    };
    /** The position, reading on when it is beyond what was read. */
    const at = async (seq: number): Promise<LeanChange | undefined> => {
      while (seq > loadedTo && (await loadMore()));
      return bySeq.get(seq);
    };

    await loadMore();
    if (after > 0 && !bySeq.has(after)) return { entries: [], position: after, hasMore: false, known: false };
    const entries: FeedEntry[] = [];
    let position = after;
    for (let seq = after + 1; seq <= after + limit; seq++) {
      let doc = await at(seq);
      if (!doc) {
        // A later change already written makes this a gap; none means the end of the sequence.
        if (![...bySeq.keys()].some((s) => s > seq) && loadedTo < last) await loadMore();
        const later = [...bySeq.values()].filter((d) => d.seq > seq).map((d) => d.at.getTime());
        const abandoned = later.length > 0 && Date.now() - Math.min(...later) > gapTimeoutMs;
        // Not written yet: its writer is on its way (the change arrives live, or by the next sync).
        if (!abandoned) return { entries, position, hasMore: false, known: true };
        doc = (await this.writeAt(userId, seq, { kind: 'skip', payload: null })).doc;
      }
      position = seq;
      if (doc.kind !== 'skip') entries.push({ seq, kind: doc.kind, key: doc.key ?? null, payload: storedPayload(doc.payload), at: doc.at });
    }
    return { entries, position, hasMore: (await at(position + 1)) !== undefined, known: true };
  }

  /** The positions the changes with these keys hold in the user's sequence (those that exist): one read by `_id $in`. */
  async positionsOf(userId: string, keys: string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const byId = new Map(keys.map((key) => [keyId(userId, key).toHexString(), key]));
    const found = await this.keys.find({ _id: { $in: keys.map((key) => keyId(userId, key)) } }).lean<(UserChangeKeyRecord & { _id: Types.ObjectId })[]>();
    return new Map(found.map((doc) => [byId.get(doc._id.toHexString())!, doc.seq]));
  }

  /**
   * Replaces what the user's changes with these keys carry (a message erased: its `im` becomes its
   * tombstone), so a device that syncs later never receives what was erased. One read of the keys
   * by `_id $in`, one write per change found; keys without a change are skipped.
   */
  async rewrite(userId: string, payloads: Map<string, Record<string, unknown>>): Promise<number> {
    const keys = [...payloads.keys()];
    let rewritten = 0;
    for (let from = 0; from < keys.length; from += PROBE * 8) {
      const chunk = keys.slice(from, from + PROBE * 8);
      const found = await this.keys.find({ _id: { $in: chunk.map((key) => keyId(userId, key)) } }).lean<(UserChangeKeyRecord & { _id: Types.ObjectId })[]>();
      const seqByKeyId = new Map(found.map((doc) => [doc._id.toHexString(), doc.seq]));
      const writes = chunk.flatMap((key) => {
        const seq = seqByKeyId.get(keyId(userId, key).toHexString());
        return seq === undefined ? [] : [{ updateOne: { filter: { _id: changeId(userId, seq), key }, update: { $set: { payload: JSON.stringify(payloads.get(key)) } } } }];
      });
      if (writes.length > 0) rewritten += (await this.changes.bulkWrite(writes)).modifiedCount;
    }
    return rewritten;
  }

  /**
   * Removes the user's whole sequence (erasure), by `_id` a chunk of positions at a time: positions
   * are dense (a gap holds a skip marker) up to the end, which lies a little past the head hint.
   * Its key records hold positions only and stay.
   */
  async forget(userId: string): Promise<void> {
    const head = await this.heads.findById(toObjectId(userId)).lean<UserFeedRecord>();
    const hint = head?.seq ?? 0;
    for (let from = 1; ; from += PROBE * 8) {
      const ids = range(from, PROBE * 8).map((seq) => changeId(userId, seq));
      const { deletedCount } = await this.changes.deleteMany({ _id: { $in: ids } });
      if (deletedCount === 0 && from > hint) break;
    }
    await this.heads.deleteOne({ _id: toObjectId(userId) });
    this.nextPositions.delete(userId);
  }

  /** Writes a change (or a skip marker) at a position once; returns what the position holds, and whether we wrote it. */
  private async writeAt(userId: string, seq: number, change: { key?: string; kind: string; payload: Record<string, unknown> | null }): Promise<{ doc: LeanChange; created: boolean }> {
    const _id = changeId(userId, seq);
    try {
      const payload = change.payload === null ? null : JSON.stringify(change.payload);
      const doc = await this.changes.create({ _id, userId: toObjectId(userId), seq, ...change, payload, at: new Date() });
      return { doc: doc.toObject() as LeanChange, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return { doc: (await this.changes.findById(_id).lean<LeanChange>())!, created: false };
    }
  }
}
