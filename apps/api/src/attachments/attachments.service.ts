import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Upload } from '@tus/utils';
import { AppConfig, AppError, codePointLength, Throws, truncateText } from '@app/common';
import { Attachment, isObjectIdHex, MessageAttachment, messageAttachmentOf, pairId } from '@app/dal';
import { AttachmentRepository } from '@app/dal/attachments';
import { ATTACHMENT_STORAGE, AttachmentLinks, AttachmentStorage, Delivery, DeliveryHeaders, LinkVariant } from '@app/storage';
import { NetworkService } from '../network/network.service';
import { durationMs, imageVersions, isControl, normalizeMime, sniff, SNIFF_BYTES } from './attachment-inspector';
import { attachmentView, UploadedAttachmentDto } from './dto/attachment.dto';

export interface UploadRequest {
  receiverId: string | undefined;
  name: string | undefined;
  declaredType: string | undefined;
  size: number | undefined;
}

const NAME_MAX = 255;
const SWEEP_BATCH = 100;

/**
 * Photos, videos, voice notes and files: an upload for a conversation (tus, resumable, or one
 * multipart request), checked and made safe once complete (type sniffed from the bytes, images
 * re-encoded without metadata and thumbnailed, durations read), then claimed by exactly one
 * message of its owner. Only the conversation's two members get its links; a deleted message's
 * file and an upload never sent are removed.
 */
@Injectable()
export class AttachmentsService implements OnModuleInit {
  private readonly logger = new Logger(AttachmentsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly attachments: AttachmentRepository,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
    private readonly links: AttachmentLinks,
    private readonly network: NetworkService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.storage.prepare();
  }

  /** The tus data store uploads go to. */
  get datastore(): AttachmentStorage['datastore'] {
    return this.storage.datastore;
  }

  /** Starts an upload for the caller's conversation with `receiverId` (a network member). */
  @Throws('VALIDATION_FAILED', 'NOT_A_NETWORK_MEMBER', 'ATTACHMENT_TOO_LARGE', 'ATTACHMENT_TYPE_NOT_ALLOWED')
  async begin(ownerId: string, request: UploadRequest): Promise<Attachment> {
    const problems: { field: string; errors: string[] }[] = [];
    if (!request.receiverId || !isObjectIdHex(request.receiverId)) problems.push({ field: 'receiverId', errors: ['receiverId must be the other member’s id (24 hex characters)'] });
    const name = (request.name ?? '').split(/[\\/]/).pop()!.trim();
    if (name === '' || codePointLength(name) > NAME_MAX || [...name].some(isControl)) problems.push({ field: 'filename', errors: [`filename must be 1 to ${NAME_MAX} printable characters`] });
    if (request.size === undefined || !Number.isSafeInteger(request.size) || request.size < 1) problems.push({ field: 'size', errors: ['the upload length must be a positive number of bytes'] });
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', `Validation failed: ${problems.map((p) => p.errors[0]).join('; ')}`, problems);
    if (request.size! > this.config.attachments.maxBytes) throw new AppError('ATTACHMENT_TOO_LARGE', `The file is larger than ${this.config.attachments.maxBytes} bytes`);
    const declaredType = request.declaredType ? normalizeMime(request.declaredType) : null;
    if (declaredType && declaredType !== 'application/octet-stream' && !this.config.attachments.allowedTypes.includes(declaredType)) {
      throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', `Files of type ${declaredType} are not accepted`);
    }
    const receiverId = request.receiverId!;
    if (receiverId === ownerId || !(await this.network.areLinked(ownerId, receiverId))) throw new AppError('NOT_A_NETWORK_MEMBER');
    return this.attachments.create({
      ownerId,
      receiverId,
      conversationId: pairId(ownerId, receiverId).toHexString(),
      name,
      // "I don't know" says nothing to check against.
      declaredType: declaredType === 'application/octet-stream' ? null : declaredType,
      size: request.size!,
    });
  }

  /** The caller's own upload (tus HEAD, PATCH, DELETE); anyone else's is not found. */
  @Throws('ATTACHMENT_NOT_FOUND')
  async ownUpload(ownerId: string, id: string): Promise<Attachment> {
    const attachment = await this.attachments.findById(id);
    if (!attachment || attachment.ownerId !== ownerId || attachment.state === 'deleted') throw new AppError('ATTACHMENT_NOT_FOUND');
    return attachment;
  }

  /** A whole file in one request (multipart: Swagger UI, small files): the same checks as a tus upload. */
  @Throws('VALIDATION_FAILED', 'NOT_A_NETWORK_MEMBER', 'ATTACHMENT_TOO_LARGE', 'ATTACHMENT_TYPE_NOT_ALLOWED', 'ATTACHMENT_TYPE_MISMATCH')
  async uploadWhole(ownerId: string, request: Omit<UploadRequest, 'size'>, bytes: Buffer): Promise<UploadedAttachmentDto> {
    const attachment = await this.begin(ownerId, { ...request, size: bytes.length });
    await this.storage.datastore.create(new Upload({ id: attachment.id, size: bytes.length, offset: 0, metadata: { filename: attachment.name } }));
    await this.storage.datastore.write(Readable.from([bytes]), attachment.id, 0);
    return this.complete(attachment.id);
  }

  /**
   * Makes a complete upload usable: its type from the bytes (refused: the upload is deleted), an
   * image's copy without metadata and its thumbnail (the original then removed), a duration.
   * Idempotent: a second call answers what the first made.
   */
  @Throws('ATTACHMENT_NOT_FOUND', 'ATTACHMENT_TYPE_NOT_ALLOWED', 'ATTACHMENT_TYPE_MISMATCH')
  async complete(id: string): Promise<UploadedAttachmentDto> {
    const attachment = await this.attachments.findById(id);
    if (!attachment || attachment.state === 'deleted') throw new AppError('ATTACHMENT_NOT_FOUND');
    if (attachment.state !== 'uploading') return this.ownerView(attachment);
    let sniffed;
    try {
      sniffed = await sniff(await this.storage.head(id, SNIFF_BYTES), attachment.declaredType, this.config.attachments.allowedTypes);
    } catch (err) {
      await this.remove(attachment);
      throw err;
    }
    let details = { mimeType: sniffed.mimeType, kind: sniffed.kind, width: null as number | null, height: null as number | null, durationMs: null as number | null, fileKey: id, thumbnailKey: null as string | null };
    if (sniffed.kind === 'image') {
      const versions = await imageVersions(await this.storage.read(id), sniffed.mimeType);
      if (versions) {
        await this.storage.put(`${id}.display`, versions.display, sniffed.mimeType);
        await this.storage.put(`${id}.thumb`, versions.thumbnail, 'image/webp');
        details = { ...details, width: versions.width, height: versions.height, fileKey: `${id}.display`, thumbnailKey: `${id}.thumb` };
      } else {
        details = { ...details, kind: 'file' };
      }
    } else if (sniffed.kind === 'video' || sniffed.kind === 'audio') {
      details = { ...details, durationMs: await durationMs(await this.storage.read(id), sniffed.mimeType) };
    }
    const ready = await this.attachments.markReady(id, details);
    if (!ready) return this.ownerView((await this.attachments.findById(id))!);
    // What others download of a photo is its copy: the original (with its GPS) goes.
    if (details.fileKey !== id) await this.storage.remove([id]);
    return this.ownerView(ready);
  }

  /** Cancels an upload not yet in a message (tus termination). */
  @Throws('ATTACHMENT_NOT_FOUND', 'ATTACHMENT_IN_USE')
  async cancel(ownerId: string, id: string): Promise<void> {
    const attachment = await this.ownUpload(ownerId, id);
    if (attachment.state === 'sent') throw new AppError('ATTACHMENT_IN_USE', 'This attachment is in a message: delete the message instead');
    await this.remove(attachment);
  }

  /**
   * The caller's ready upload becomes `messageId`'s (a message to `receiverId`); a resend of that
   * message gets the same answer. What the message keeps of it is returned.
   */
  @Throws('ATTACHMENT_NOT_FOUND', 'ATTACHMENT_NOT_READY', 'ATTACHMENT_IN_USE')
  async claim(senderId: string, receiverId: string, attachmentId: string, messageId: string): Promise<MessageAttachment> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const attachment = await this.attachments.findById(attachmentId);
      if (!attachment || attachment.ownerId !== senderId || attachment.receiverId !== receiverId || attachment.state === 'deleted') throw new AppError('ATTACHMENT_NOT_FOUND');
      if (attachment.state === 'uploading') throw new AppError('ATTACHMENT_NOT_READY');
      if (attachment.state === 'sent') {
        if (attachment.messageId === messageId) return messageAttachmentOf(attachment);
        throw new AppError('ATTACHMENT_IN_USE');
      }
      const claimed = await this.attachments.claim(attachmentId, senderId, messageId);
      if (claimed) return messageAttachmentOf(claimed);
      // Another request changed it in between: decide on what it is now.
    }
    throw new AppError('ATTACHMENT_IN_USE');
  }

  /** Its message was deleted: no longer served, bytes removed (the sweeper retries a removal that fails). */
  async discard(attachmentId: string): Promise<void> {
    const attachment = await this.attachments.findById(attachmentId);
    if (attachment) await this.remove(attachment);
  }

  /** A sent attachment's bytes (a data export); undefined when they are gone. */
  async bytesOf(attachmentId: string): Promise<Buffer | undefined> {
    const attachment = await this.attachments.findById(attachmentId);
    if (!attachment?.fileKey || (attachment.state !== 'sent' && attachment.state !== 'ready')) return undefined;
    try {
      return await this.storage.read(attachment.fileKey);
    } catch (err) {
      this.logger.warn({ attachmentId, err: (err as Error).message }, 'attachment bytes unreadable for an export');
      return undefined;
    }
  }

  /** Erasure: every upload of the user, sent or not, is removed with its bytes. */
  async eraseOwnedBy(ownerId: string): Promise<number> {
    const owned = await this.attachments.ownedBy(ownerId);
    for (const attachment of owned) await this.remove(attachment);
    return owned.length;
  }

  /** An attachment for one of its conversation's members: the owner's at any state, the receiver's once sent. */
  @Throws('ATTACHMENT_NOT_FOUND')
  async forMember(userId: string, id: string): Promise<UploadedAttachmentDto> {
    const attachment = await this.attachments.findById(id);
    const maySee = attachment && attachment.state !== 'deleted' && (attachment.ownerId === userId || (attachment.receiverId === userId && attachment.state === 'sent'));
    if (!maySee) throw new AppError('ATTACHMENT_NOT_FOUND');
    return this.ownerView(attachment!);
  }

  /** What a signed link gets: the bytes, and the headers they go with. */
  @Throws('ATTACHMENT_NOT_FOUND', 'LINK_EXPIRED')
  async deliver(id: string, variant: LinkVariant, expires: number, signature: string): Promise<{ delivery: Delivery; headers: DeliveryHeaders; expires: number }> {
    const check = this.links.check(id, variant, expires, signature);
    if (check === 'invalid') throw new AppError('ATTACHMENT_NOT_FOUND');
    if (check === 'expired') throw new AppError('LINK_EXPIRED');
    const attachment = await this.attachments.findById(id);
    const key = variant === 'thumbnail' ? attachment?.thumbnailKey : attachment?.fileKey;
    if (!attachment || (attachment.state !== 'ready' && attachment.state !== 'sent') || !key) throw new AppError('ATTACHMENT_NOT_FOUND');
    const headers = deliveryHeaders(attachment, variant);
    const delivery = await this.storage.deliver(key);
    if (!delivery) throw new AppError('ATTACHMENT_NOT_FOUND');
    return { delivery, headers, expires };
  }

  /**
   * Removes uploads never sent within ATTACHMENT_UNSENT_TTL_MS, and the bytes of deleted ones a
   * removal left behind. Returns how many were removed.
   */
  async sweep(now = Date.now()): Promise<number> {
    const stale = await this.attachments.unsentBefore(new Date(now - this.config.attachments.unsentTtlMs), SWEEP_BATCH);
    const leftovers = await this.attachments.deletedWithBytes(SWEEP_BATCH);
    for (const attachment of [...stale, ...leftovers]) await this.remove(attachment);
    return stale.length + leftovers.length;
  }

  private async remove(attachment: Attachment): Promise<void> {
    await this.attachments.markDeleted(attachment.id);
    try {
      await this.storage.remove([attachment.id, `${attachment.id}.display`, `${attachment.id}.thumb`]);
      await this.attachments.markBytesRemoved(attachment.id);
    } catch (err) {
      this.logger.warn({ attachmentId: attachment.id, err: (err as Error).message }, 'removing attachment bytes failed; the sweeper retries');
    }
  }

  private ownerView(attachment: Attachment): UploadedAttachmentDto {
    const ready = attachment.state === 'ready' || attachment.state === 'sent';
    return {
      id: attachment.id,
      state: attachment.state,
      name: truncateText(attachment.name, NAME_MAX),
      size: attachment.size,
      ...(ready ? { attachment: attachmentView(messageAttachmentOf(attachment), this.links) } : {}),
    };
  }
}

function deliveryHeaders(attachment: Attachment, variant: LinkVariant): DeliveryHeaders {
  if (variant === 'thumbnail') return { contentType: 'image/webp', fileName: `${attachment.name}.webp`, disposition: 'inline' };
  const mime = attachment.mimeType ?? 'application/octet-stream';
  const shown = attachment.kind === 'image' || attachment.kind === 'video' || attachment.kind === 'audio';
  return { contentType: mime === 'text/plain' ? 'text/plain; charset=utf-8' : mime, fileName: attachment.name, disposition: shown ? 'inline' : 'attachment' };
}
