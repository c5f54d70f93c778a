import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { conditionalUpdate } from '../shared/conditional-update';
import { derivedId, isDuplicateKeyError, toObjectId } from '../shared/ids';
import { Report } from './moderation.entity';
import { REPORT_STATUSES, ReportKind, ReportRecord, ReportStatus } from './report.schema';

type LeanReport = ReportRecord & { _id: Types.ObjectId };

export type NewReport = Pick<Report, 'reporterId' | 'kind' | 'userId' | 'messageId' | 'reason' | 'note' | 'messageText' | 'messageType'>;

@Injectable()
export class ReportRepository {
  constructor(@InjectModel(ReportRecord.name) private readonly model: Model<ReportRecord>) {}

  /** The id the reporter's report of this has (whether or not it exists yet). */
  idOf(reporterId: string, kind: ReportKind, targetId: string): string {
    return derivedId(`report:${reporterId}:${kind}:${targetId}`).toHexString();
  }

  async find(id: string): Promise<Report | undefined> {
    const doc = await this.model.findById(toObjectId(id)).lean<LeanReport>();
    return doc ? toReport(doc) : undefined;
  }

  /** Files the report, or reopens the reporter's closed report of the same thing with the new reason. */
  async file(report: NewReport): Promise<Report> {
    const _id = toObjectId(this.idOf(report.reporterId, report.kind, report.messageId ?? report.userId));
    const fields = { reason: report.reason, note: report.note, status: 'open' as const, resolution: null, closedBy: null, closedAt: null, reportedAt: new Date() };
    try {
      await this.model.create({
        _id,
        reporterId: toObjectId(report.reporterId),
        kind: report.kind,
        userId: toObjectId(report.userId),
        messageId: report.messageId ? toObjectId(report.messageId) : null,
        messageText: report.messageText,
        messageType: report.messageType,
        ...fields,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      await conditionalUpdate(this.model, _id, { status: 'closed' }, { $set: fields });
    }
    return toReport((await this.model.findById(_id).lean<LeanReport>())!);
  }

  /** Closes an open report; the report as it was before, undefined when it was not open. */
  async close(id: string, by: string, resolution: string): Promise<Report | undefined> {
    const before = await conditionalUpdate<ReportRecord, LeanReport>(
      this.model,
      toObjectId(id),
      { status: 'open' },
      { $set: { status: 'closed', resolution, closedBy: toObjectId(by), closedAt: new Date() } },
    );
    return before ? toReport(before) : undefined;
  }

  /** Reports in one status, oldest first, after the report `after` (keyset: reportedAt, then `_id`). */
  /** Message retention: the copied text of messages reported before the cutoff (so sent before it) goes. */
  async forgetTextBefore(cutoff: Date): Promise<void> {
    await this.model.updateMany({ status: { $in: [...REPORT_STATUSES] }, reportedAt: { $lt: cutoff }, messageText: { $ne: null } }, { $set: { messageText: null } });
  }

  /** The reports the user filed, oldest first (a data export). */
  async filedBy(reporterId: string): Promise<Report[]> {
    const docs = await this.model.find({ reporterId: toObjectId(reporterId) }).sort({ reportedAt: 1 }).lean<LeanReport[]>();
    return docs.map(toReport);
  }

  /**
   * Erasure: reports keep ids only. The note of a report the user filed, and the copied text of a
   * reported message of theirs, go.
   */
  async forget(userId: string): Promise<void> {
    const user = toObjectId(userId);
    await this.model.updateMany({ reporterId: user }, { $set: { note: null } });
    await this.model.updateMany({ userId: user }, { $set: { messageText: null } });
  }

  async list(filter: { status: ReportStatus; limit: number; after?: string }): Promise<Report[]> {
    let query: object = { status: filter.status };
    if (filter.after) {
      const after = await this.model.findById(toObjectId(filter.after), { reportedAt: 1 }).lean<LeanReport>();
      if (after) {
        query = { status: filter.status, $or: [{ reportedAt: { $gt: after.reportedAt } }, { reportedAt: after.reportedAt, _id: { $gt: after._id } }] };
      }
    }
    const docs = await this.model.find(query).sort({ reportedAt: 1, _id: 1 }).limit(filter.limit).lean<LeanReport[]>();
    return docs.map(toReport);
  }
}

function toReport(d: LeanReport): Report {
  return {
    id: d._id.toHexString(),
    reporterId: d.reporterId.toHexString(),
    kind: d.kind,
    userId: d.userId.toHexString(),
    messageId: d.messageId?.toHexString() ?? null,
    reason: d.reason,
    note: d.note,
    messageText: d.messageText,
    messageType: d.messageType,
    status: d.status,
    resolution: d.resolution,
    closedBy: d.closedBy?.toHexString() ?? null,
    closedAt: d.closedAt,
    reportedAt: d.reportedAt,
  };
}
