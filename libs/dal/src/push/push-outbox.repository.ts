import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model, Types } from 'mongoose';
import { isDuplicateKeyError, toObjectId } from '../shared/ids';
import { NewOutboxEntry, OutboxEntry, OutboxOutcome, PushContent } from './push-outbox.entity';
import { PushLogRecord, PushOutboxRecord, PushWorkerLeaseRecord } from './push-outbox.schema';

export type { NewOutboxEntry, OutboxEntry, OutboxOutcome, PushContent };

type LeanEntry = PushOutboxRecord & { _id: Types.ObjectId };

function toEntry(doc: LeanEntry): OutboxEntry {
  const { _id, recipientId, lockOwner: _owner, ...rest } = doc;
  return { ...rest, id: _id.toHexString(), recipientId: recipientId.toHexString(), platforms: rest.platforms ?? [], results: rest.results ?? [] };
}

function toRecord(entry: OutboxEntry): LeanEntry {
  const { id, recipientId, ...rest } = entry;
  return { ...rest, _id: toObjectId(id), recipientId: toObjectId(recipientId), lockOwner: null };
}

/**
 * The push outbox (`push_outbox`: pushes owed) and its history (`push_log`: pushes finished). Every
 * write takes a batch: one insert for the pushes of many messages, one write per outcome kind.
 */
@Injectable()
export class PushOutboxRepository {
  constructor(
    @InjectModel(PushOutboxRecord.name) private readonly model: Model<PushOutboxRecord>,
    @InjectModel(PushLogRecord.name) private readonly log: Model<PushLogRecord>,
    @InjectModel(PushWorkerLeaseRecord.name) private readonly leases: Model<PushWorkerLeaseRecord>,
  ) {}

  /** New pending pushes, locked by `lockOwner` (their first sender) for `lockMs`: one insert. */
  async createMany(entries: NewOutboxEntry[], lock: { ms: number; owner: string }): Promise<OutboxEntry[]> {
    if (entries.length === 0) return [];
    const now = new Date();
    const docs: LeanEntry[] = entries.map((entry) => ({
      _id: new Types.ObjectId(),
      recipientId: toObjectId(entry.recipientId),
      kind: entry.kind,
      tokens: entry.tokens,
      platforms: entry.platforms,
      content: entry.content,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: new Date(now.getTime() + lock.ms),
      lockOwner: lock.owner,
      provider: null,
      lastError: null,
      results: [],
      createdAt: now,
      updatedAt: now,
    }));
    await this.model.insertMany(docs, { lean: true });
    return docs.map(toEntry);
  }

  /**
   * Up to `limit` due, unlocked pending pushes for the worker holding the outbox's lease (taken or
   * renewed here for `lease.ms`; another process holding it: none), oldest first, but those in
   * `inFlight` (this process is sending them); also says since when the oldest due one was due
   * (null: none was), the outbox's backlog. One small write and one read, whatever the number.
   */
  async claimDue(limit: number, lease: { ms: number; owner: string }, inFlight: ReadonlySet<string>): Promise<{ claimed: OutboxEntry[]; oldestDueAt: Date | null }> {
    if (!(await this.holdLease(lease))) return { claimed: [], oldestDueAt: null };
    const now = new Date();
    const due = await this.model
      .find({ status: 'pending', nextAttemptAt: { $lte: now }, lockedUntil: { $lte: now } })
      .sort({ nextAttemptAt: 1 })
      .limit(limit + inFlight.size)
      .lean<LeanEntry[]>();
    const claimed = due.filter((doc) => !inFlight.has(doc._id.toHexString())).slice(0, limit);
    return { claimed: claimed.map(toEntry), oldestDueAt: due[0]?.nextAttemptAt ?? null };
  }

  /** Takes or renews the worker's lease; false while another owner holds it. */
  private async holdLease({ ms, owner }: { ms: number; owner: string }): Promise<boolean> {
    const now = new Date();
    try {
      await this.leases.updateOne(
        { _id: 'outbox', $or: [{ owner }, { until: { $lte: now } }] },
        { $set: { owner, until: new Date(now.getTime() + ms) } },
        { upsert: true },
      );
      return true;
    } catch (err) {
      // Held by another owner: the upsert's insert met the lease.
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Pushes owed (due or waiting for a retry), for metrics. */
  countPending(): Promise<number> {
    return this.model.countDocuments({ status: 'pending' });
  }

  /**
   * Records how attempts ended: retries rescheduled (one bulk write), finished pushes out of the
   * outbox (one delete) and into the history (one insert). The delete comes first: a crash between
   * loses a history line, never sends a push twice.
   */
  async settle(outcomes: OutboxOutcome[]): Promise<void> {
    const now = new Date();
    const retries: AnyBulkWriteOperation<PushOutboxRecord>[] = [];
    const finished: LeanEntry[] = [];
    for (const outcome of outcomes) {
      const { entry, attempts, provider, results, lastError } = outcome;
      if (outcome.status === 'pending') {
        const keep = new Set(outcome.tokens);
        const platforms = entry.platforms.length > 0 ? entry.tokens.flatMap((token, i) => (keep.has(token) ? [entry.platforms[i]] : [])) : [];
        retries.push({
          updateOne: {
            filter: { _id: toObjectId(entry.id) },
            update: { $set: { tokens: outcome.tokens, platforms, attempts, nextAttemptAt: outcome.nextAttemptAt, lockedUntil: outcome.nextAttemptAt, lockOwner: null, lastError, provider, results, updatedAt: now } },
          },
        });
      } else {
        finished.push(toRecord({ ...entry, status: outcome.status, attempts, provider, results, lastError, updatedAt: now }));
      }
    }
    if (retries.length > 0) await this.model.bulkWrite(retries, { ordered: false });
    if (finished.length === 0) return;
    await this.model.deleteMany({ _id: { $in: finished.map((doc) => doc._id) } });
    try {
      await this.log.insertMany(finished, { ordered: false, lean: true });
    } catch (err) {
      // Already in the history (a settle repeated after its delete): nothing is lost.
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /**
   * Removes the pushes (owed and finished) to the recipient, or only those of some conversations
   * (a push's collapseId is its conversation): an erased user's, and those that carried an erased
   * user's messages to the other party.
   */
  async removeFor(recipientId: string, conversationIds?: string[]): Promise<void> {
    const filter = { recipientId: toObjectId(recipientId), ...(conversationIds ? { 'content.collapseId': { $in: conversationIds } } : {}) };
    await Promise.all([this.model.deleteMany(filter), this.log.deleteMany(filter)]);
  }

  /** Removes finished pushes created before the cutoff (message retention: they hold message text). */
  async removeFinishedBefore(cutoff: Date): Promise<number> {
    return (await this.log.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
  }

  /** Newest first, owed and finished (admin view). */
  async recent(limit: number, recipientId?: string): Promise<OutboxEntry[]> {
    const filter = recipientId ? { recipientId: toObjectId(recipientId) } : {};
    const [owed, finished] = await Promise.all(
      [this.model, this.log].map((model) => (model as Model<PushOutboxRecord>).find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<LeanEntry[]>()),
    );
    return [...owed, ...finished]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id.toHexString() < b._id.toHexString() ? 1 : -1))
      .slice(0, limit)
      .map(toEntry);
  }
}
