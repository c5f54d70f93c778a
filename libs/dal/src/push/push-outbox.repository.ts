import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { conditionalUpdate } from '../shared/conditional-update';
import { toObjectId } from '../shared/ids';
import { OutboxEntry, PushContent } from './push-outbox.entity';
import { PushOutboxRecord } from './push-outbox.schema';

export type { OutboxEntry, PushContent };


type LeanEntry = PushOutboxRecord & { _id: Types.ObjectId };

function toEntry(doc: LeanEntry): OutboxEntry {
  const { _id, recipientId, ...rest } = doc;
  return { ...rest, id: _id.toHexString(), recipientId: recipientId.toHexString(), results: rest.results ?? [] };
}

@Injectable()
export class PushOutboxRepository {
  constructor(
    @InjectModel(PushOutboxRecord.name) private readonly model: Model<PushOutboxRecord>,
  ) {}

  /** A new pending push, locked for its first sender for `lockMs`. */
  async create(entry: { recipientId: string; kind: string; tokens: string[]; content: PushContent; lockMs: number }): Promise<OutboxEntry> {
    const now = new Date();
    const doc = await this.model.create({
      recipientId: toObjectId(entry.recipientId),
      kind: entry.kind,
      tokens: entry.tokens,
      content: entry.content,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lockedUntil: new Date(now.getTime() + entry.lockMs),
      createdAt: now,
      updatedAt: now,
    });
    return toEntry(doc.toObject());
  }

  async find(id: string): Promise<OutboxEntry | undefined> {
    const doc = await this.model.findById(toObjectId(id)).lean<LeanEntry>();
    return doc ? toEntry(doc) : undefined;
  }

  /**
   * Takes up to `limit` due, unlocked pending pushes, locking each for `lockMs`; also says since
   * when the oldest of them was due (null: none was), the outbox's backlog.
   */
  async claimDue(limit: number, lockMs: number): Promise<{ claimed: OutboxEntry[]; oldestDueAt: Date | null }> {
    const now = new Date();
    const due = await this.model
      .find({ status: 'pending', nextAttemptAt: { $lte: now }, lockedUntil: { $lte: now } }, { _id: 1, nextAttemptAt: 1 })
      .sort({ nextAttemptAt: 1 })
      .limit(limit)
      .lean<{ _id: Types.ObjectId; nextAttemptAt: Date }[]>();
    const claimed: OutboxEntry[] = [];
    for (const { _id } of due) {
      const lockedUntil = new Date(Date.now() + lockMs);
      const before = await conditionalUpdate<PushOutboxRecord, LeanEntry>(this.model, _id, { status: 'pending', lockedUntil: { $lte: now } }, { $set: { lockedUntil } });
      if (before) claimed.push({ ...toEntry(before), lockedUntil });
    }
    return { claimed, oldestDueAt: due[0]?.nextAttemptAt ?? null };
  }

  /** Pending pushes (due or waiting for a retry), for metrics; index { status, nextAttemptAt }. */
  countPending(): Promise<number> {
    return this.model.countDocuments({ status: 'pending' });
  }

  async markSent(id: string, provider: string, results: OutboxEntry['results']): Promise<void> {
    await this.update(id, { status: 'sent', provider, results, lastError: null });
  }

  /** Tries again later, only for the tokens still worth trying. */
  async reschedule(id: string, change: { tokens: string[]; attempts: number; nextAttemptAt: Date; lastError: string; provider: string; results: OutboxEntry['results'] }): Promise<void> {
    await this.update(id, { ...change, lockedUntil: change.nextAttemptAt });
  }

  async markFailed(id: string, lastError: string, attempts: number): Promise<void> {
    await this.update(id, { status: 'failed', lastError, attempts });
  }

  /** Newest first (admin view). */
  async recent(limit: number, recipientId?: string): Promise<OutboxEntry[]> {
    const filter = recipientId ? { recipientId: toObjectId(recipientId) } : {};
    const docs = await this.model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<LeanEntry[]>();
    return docs.map(toEntry);
  }

  private async update(id: string, set: Record<string, unknown>): Promise<void> {
    await this.model.updateOne({ _id: toObjectId(id) }, { $set: { ...set, updatedAt: new Date() } });
  }
}
