import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { derivedId, isDuplicateKeyError, toObjectId } from '../shared/ids';
import { DrfiAuditEntry } from './drfi-audit.entity';
import { DrfiAuditRecord } from './drfi-audit.schema';

export type { DrfiAuditEntry };


type LeanAudit = DrfiAuditRecord & { _id: Types.ObjectId };

@Injectable()
export class DrfiAuditRepository {
  constructor(@InjectModel(DrfiAuditRecord.name) private readonly model: Model<DrfiAuditRecord>) {}

  /** Records an event once (a second record of the same request's event is a no-op). */
  async record(entry: Omit<DrfiAuditEntry, 'id' | 'at'>): Promise<void> {
    try {
      await this.model.create({
        _id: derivedId(`drfi-audit:${entry.requestMessageId}:${entry.event}`),
        requestMessageId: toObjectId(entry.requestMessageId),
        event: entry.event,
        actorId: toObjectId(entry.actorId),
        counterpartId: toObjectId(entry.counterpartId),
        paths: entry.paths,
        vaultUpdatedPaths: entry.vaultUpdatedPaths,
        at: new Date(),
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /** Newest first; optionally only events where the user is actor or counterpart. */
  async list(filter: { userId?: string; limit: number }): Promise<DrfiAuditEntry[]> {
    const query = filter.userId
      ? { $or: [{ actorId: toObjectId(filter.userId) }, { counterpartId: toObjectId(filter.userId) }] }
      : {};
    const docs = await this.model.find(query).sort({ at: -1, _id: -1 }).limit(filter.limit).lean<LeanAudit[]>();
    return docs.map((d) => ({
      id: d._id.toHexString(),
      requestMessageId: d.requestMessageId.toHexString(),
      event: d.event,
      actorId: d.actorId.toHexString(),
      counterpartId: d.counterpartId.toHexString(),
      paths: d.paths,
      vaultUpdatedPaths: d.vaultUpdatedPaths,
      at: d.at,
    }));
  }
}
