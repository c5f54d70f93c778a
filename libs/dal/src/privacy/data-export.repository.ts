import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { toObjectId } from '../shared/ids';
import { claimUnheld } from '../shared/job-lock';
import { DataExport, ExportState, JobProgress } from './privacy.entity';
import { DataExportRecord } from './privacy.schema';

type LeanExport = DataExportRecord & { _id: Types.ObjectId };

const UNFINISHED: ExportState[] = ['queued', 'running'];

/** Data export jobs (`data_exports`). */
@Injectable()
export class DataExportRepository {
  constructor(@InjectModel(DataExportRecord.name) private readonly model: Model<DataExportRecord>) {}

  /** The user's export in progress, or a new one queued (asking twice makes one archive). */
  async request(userId: string, requestedBy: string, firstStep: string): Promise<{ job: DataExport; created: boolean }> {
    const user = toObjectId(userId);
    const running = await this.model.findOne({ userId: user, state: { $in: UNFINISHED } }).lean<LeanExport>();
    if (running) return { job: toExport(running), created: false };
    const doc = await this.model.create({
      userId: user,
      requestedBy: toObjectId(requestedBy),
      state: 'queued',
      progress: { step: firstStep, done: 0, total: 0 },
      createdAt: new Date(),
    });
    return { job: toExport(doc.toObject() as LeanExport), created: true };
  }

  async find(id: string): Promise<DataExport | undefined> {
    const doc = await this.model.findById(toObjectId(id)).lean<LeanExport>();
    return doc ? toExport(doc) : undefined;
  }

  /** Takes the oldest job nobody holds (queued, or running under a lock that ran out) for `lockMs`. */
  async claimNext(lockMs: number, now = new Date()): Promise<DataExport | undefined> {
    const doc = await claimUnheld<DataExportRecord, LeanExport>(this.model, { state: { $in: UNFINISHED } }, { createdAt: 1 }, lockMs, now);
    return doc ? toExport(doc) : undefined;
  }

  /** Records progress and holds the job for `lockMs` more. */
  async progress(id: string, progress: JobProgress, lockMs: number): Promise<void> {
    await this.model.updateOne({ _id: toObjectId(id), state: 'running' }, { $set: { progress, lockedUntil: new Date(Date.now() + lockMs) } });
  }

  async finish(id: string, archive: { key: string; size: number; expiresAt: Date }, progress: JobProgress): Promise<void> {
    await this.model.updateOne(
      { _id: toObjectId(id), state: 'running' },
      { $set: { state: 'ready', archiveKey: archive.key, size: archive.size, expiresAt: archive.expiresAt, progress, finishedAt: new Date(), lockedUntil: null } },
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.model.updateOne({ _id: toObjectId(id), state: 'running' }, { $set: { state: 'failed', error, finishedAt: new Date(), lockedUntil: null } });
  }

  /** Ready archives past their time, marked expired; their keys are returned (to remove the bytes). */
  async expire(now = new Date()): Promise<string[]> {
    const due = await this.model.find({ state: 'ready', expiresAt: { $lt: now } }, { archiveKey: 1 }).limit(100).lean<LeanExport[]>();
    const keys: string[] = [];
    for (const doc of due) {
      const updated = await this.model.updateOne({ _id: doc._id, state: 'ready' }, { $set: { state: 'expired', archiveKey: null } });
      if (updated.modifiedCount === 1 && doc.archiveKey) keys.push(doc.archiveKey);
    }
    return keys;
  }

  /** Removes every export of the user (erasure); returns the archive keys they had. */
  async removeAllOf(userId: string): Promise<string[]> {
    const user = toObjectId(userId);
    const docs = await this.model.find({ userId: user }, { archiveKey: 1 }).lean<LeanExport[]>();
    await this.model.deleteMany({ userId: user });
    return docs.flatMap((doc) => (doc.archiveKey ? [doc.archiveKey] : []));
  }
}

function toExport(doc: LeanExport): DataExport {
  return {
    id: doc._id.toHexString(),
    userId: doc.userId.toHexString(),
    requestedBy: doc.requestedBy.toHexString(),
    state: doc.state,
    progress: doc.progress,
    archiveKey: doc.archiveKey ?? null,
    size: doc.size ?? null,
    error: doc.error ?? null,
    attempts: doc.attempts ?? 0,
    createdAt: doc.createdAt,
    finishedAt: doc.finishedAt ?? null,
    expiresAt: doc.expiresAt ?? null,
  };
}
