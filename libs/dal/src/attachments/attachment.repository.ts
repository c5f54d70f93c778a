import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { toObjectId } from '../shared/ids';
import { conditionalUpdate } from '../shared/conditional-update';
import { Attachment, AttachmentDetails } from './attachment.entity';
import { AttachmentRecord } from './attachment.schema';

type Lean = AttachmentRecord & { _id: Types.ObjectId };

function toAttachment(doc: Lean): Attachment {
  return {
    id: doc._id.toHexString(),
    ownerId: doc.ownerId.toHexString(),
    receiverId: doc.receiverId.toHexString(),
    conversationId: doc.conversationId.toHexString(),
    state: doc.state,
    name: doc.name,
    declaredType: doc.declaredType ?? null,
    size: doc.size,
    mimeType: doc.mimeType ?? null,
    kind: doc.kind ?? null,
    width: doc.width ?? null,
    height: doc.height ?? null,
    durationMs: doc.durationMs ?? null,
    fileKey: doc.fileKey ?? null,
    thumbnailKey: doc.thumbnailKey ?? null,
    messageId: doc.messageId?.toHexString() ?? null,
    bytesRemoved: doc.bytesRemoved ?? false,
    createdAt: doc.createdAt,
    changedAt: doc.changedAt,
  };
}

export interface NewAttachment {
  ownerId: string;
  receiverId: string;
  conversationId: string;
  name: string;
  declaredType: string | null;
  size: number;
}

/** The `attachments` collection: one document per upload; every hot read and write by `_id`. */
@Injectable()
export class AttachmentRepository {
  constructor(@InjectModel(AttachmentRecord.name) private readonly model: Model<AttachmentRecord>) {}

  async create(input: NewAttachment, now = new Date()): Promise<Attachment> {
    const doc = await this.model.create({
      ownerId: toObjectId(input.ownerId),
      receiverId: toObjectId(input.receiverId),
      conversationId: toObjectId(input.conversationId),
      state: 'uploading',
      name: input.name,
      declaredType: input.declaredType,
      size: input.size,
      createdAt: now,
      changedAt: now,
    });
    return toAttachment(doc.toObject() as Lean);
  }

  async findById(id: string): Promise<Attachment | undefined> {
    if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) return undefined;
    const doc = await this.model.findById(toObjectId(id)).lean<Lean>();
    return doc ? toAttachment(doc) : undefined;
  }

  /** uploading -> ready with what the bytes are; undefined when it was no longer uploading. */
  async markReady(id: string, details: AttachmentDetails): Promise<Attachment | undefined> {
    const before = await conditionalUpdate<AttachmentRecord, Lean>(this.model, toObjectId(id), { state: 'uploading' }, { $set: { ...details, state: 'ready', changedAt: new Date() } });
    return before ? this.findById(id) : undefined;
  }

  /**
   * ready -> sent, in `messageId`, for its owner; a resend of that message finds it already there.
   * Returns the attachment as it now is, or undefined when it is not the owner's ready upload.
   */
  async claim(id: string, ownerId: string, messageId: string): Promise<Attachment | undefined> {
    const before = await conditionalUpdate<AttachmentRecord, Lean>(
      this.model,
      toObjectId(id),
      { ownerId: toObjectId(ownerId), state: 'ready' },
      { $set: { state: 'sent', messageId: toObjectId(messageId), changedAt: new Date() } },
    );
    return before ? this.findById(id) : undefined;
  }

  /** Any state -> deleted (no longer served); the bytes are removed after. False when it already was. */
  async markDeleted(id: string): Promise<boolean> {
    const before = await conditionalUpdate<AttachmentRecord, Lean>(this.model, toObjectId(id), { state: { $ne: 'deleted' } }, { $set: { state: 'deleted', changedAt: new Date() } });
    return before !== null;
  }

  async markBytesRemoved(id: string): Promise<void> {
    await this.model.updateOne({ _id: toObjectId(id) }, { $set: { bytesRemoved: true } });
  }

  /** Every attachment the user uploaded that is not removed yet (erasure). */
  async ownedBy(ownerId: string): Promise<Attachment[]> {
    const docs = await this.model.find({ ownerId: toObjectId(ownerId), state: { $ne: 'deleted' } }).lean<Lean[]>();
    return docs.map(toAttachment);
  }

  /** Uploads created before `cutoff` and never sent (the sweeper deletes them). */
  async unsentBefore(cutoff: Date, limit: number): Promise<Attachment[]> {
    const docs = await this.model
      .find({ state: { $in: ['uploading', 'ready'] }, createdAt: { $lt: cutoff } })
      .limit(limit)
      .lean<Lean[]>();
    return docs.map(toAttachment);
  }

  /** Deleted attachments whose bytes are still stored (a removal that failed, or a process that died first). */
  async deletedWithBytes(limit: number): Promise<Attachment[]> {
    const docs = await this.model.find({ state: 'deleted', bytesRemoved: false }).limit(limit).lean<Lean[]>();
    return docs.map(toAttachment);
  }
}
