import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { toObjectId } from '../shared/ids';
import { AdminAuditEntry } from './moderation.entity';
import { AdminAuditRecord } from './admin-audit.schema';

type LeanAudit = AdminAuditRecord & { _id: Types.ObjectId };

@Injectable()
export class AdminAuditRepository {
  constructor(@InjectModel(AdminAuditRecord.name) private readonly model: Model<AdminAuditRecord>) {}

  async record(entry: Omit<AdminAuditEntry, 'id' | 'at'>): Promise<void> {
    const userIds = [entry.targets.userId, entry.targets.memberId].filter((id): id is string => id !== undefined).map(toObjectId);
    await this.model.create({ ...entry, actorId: toObjectId(entry.actorId), userIds, at: new Date() });
  }

  /** Newest first; optionally only actions by the user or naming them. */
  async list(filter: { userId?: string; limit: number }): Promise<AdminAuditEntry[]> {
    const query = filter.userId ? { $or: [{ actorId: toObjectId(filter.userId) }, { userIds: toObjectId(filter.userId) }] } : {};
    const docs = await this.model.find(query).sort({ at: -1, _id: -1 }).limit(filter.limit).lean<LeanAudit[]>();
    return docs.map((d) => ({
      id: d._id.toHexString(),
      actorId: d.actorId.toHexString(),
      action: d.action,
      method: d.method,
      route: d.route,
      targets: d.targets,
      resolution: d.resolution,
      at: d.at,
    }));
  }
}
