import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError, toObjectId } from '../shared/ids';
import { claimUnheld } from '../shared/job-lock';
import { Erasure, JobProgress } from './privacy.entity';
import { ErasureRecord } from './privacy.schema';

type LeanErasure = ErasureRecord & { _id: Types.ObjectId };

const NOT_STARTED = { step: 'scheduled', done: 0, total: 0 };

/** Account erasures (`erasures`, one per user at the user's id). */
@Injectable()
export class ErasureRepository {
  constructor(@InjectModel(ErasureRecord.name) private readonly model: Model<ErasureRecord>) {}

  async find(userId: string): Promise<Erasure | undefined> {
    const doc = await this.model.findById(toObjectId(userId)).lean<LeanErasure>();
    return doc ? toErasure(doc) : undefined;
  }

  /**
   * Schedules the user's erasure for `dueAt`. One already scheduled keeps the earlier of the two
   * times (asking again never postpones it; an admin may bring it forward); one running or done is
   * returned as it is.
   */
  async schedule(userId: string, requestedBy: string, dueAt: Date): Promise<Erasure> {
    const _id = toObjectId(userId);
    for (;;) {
      const existing = await this.model.findById(_id).lean<LeanErasure>();
      if (!existing) {
        try {
          const doc = await this.model.create({ _id, requestedBy: toObjectId(requestedBy), state: 'scheduled', requestedAt: new Date(), dueAt, progress: NOT_STARTED });
          return toErasure(doc.toObject() as LeanErasure);
        } catch (err) {
          if (isDuplicateKeyError(err)) continue;
          throw err;
        }
      }
      if (existing.state === 'running' || existing.state === 'done') return toErasure(existing);
      if (existing.state === 'scheduled' && existing.dueAt.getTime() <= dueAt.getTime()) return toErasure(existing);
      const set = { state: 'scheduled', requestedBy: toObjectId(requestedBy), dueAt, progress: NOT_STARTED, ...(existing.state === 'cancelled' ? { requestedAt: new Date() } : {}) };
      const updated = await this.model
        .findOneAndUpdate({ _id, state: existing.state, dueAt: existing.dueAt }, { $set: set }, { returnDocument: 'after' })
        .lean<LeanErasure>();
      if (updated) return toErasure(updated);
      // Changed since the read: decide on what it is now.
    }
  }

  /** Cancels a scheduled erasure; undefined when there is none to cancel. */
  async cancel(userId: string): Promise<Erasure | undefined> {
    const doc = await this.model.findOneAndUpdate({ _id: toObjectId(userId), state: 'scheduled' }, { $set: { state: 'cancelled' } }, { returnDocument: 'after' }).lean<LeanErasure>();
    return doc ? toErasure(doc) : undefined;
  }

  /** Takes a due erasure nobody holds (scheduled, or running under a lock that ran out) for `lockMs`. */
  async claimDue(lockMs: number, now = new Date()): Promise<Erasure | undefined> {
    const doc = await claimUnheld<ErasureRecord, LeanErasure>(this.model, { state: { $in: ['scheduled', 'running'] }, dueAt: { $lte: now } }, { dueAt: 1 }, lockMs, now);
    return doc ? toErasure(doc) : undefined;
  }

  async progress(userId: string, progress: JobProgress, lockMs: number): Promise<void> {
    await this.model.updateOne({ _id: toObjectId(userId), state: 'running' }, { $set: { progress, lockedUntil: new Date(Date.now() + lockMs) } });
  }

  async complete(userId: string, progress: JobProgress): Promise<void> {
    await this.model.updateOne({ _id: toObjectId(userId), state: 'running' }, { $set: { state: 'done', progress, completedAt: new Date(), lockedUntil: null } });
  }
}

function toErasure(doc: LeanErasure): Erasure {
  return {
    userId: doc._id.toHexString(),
    requestedBy: doc.requestedBy.toHexString(),
    state: doc.state,
    requestedAt: doc.requestedAt,
    dueAt: doc.dueAt,
    progress: doc.progress,
    completedAt: doc.completedAt ?? null,
    attempts: doc.attempts ?? 0,
  };
}
