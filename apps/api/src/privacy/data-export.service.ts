import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, AppError, Throws } from '@app/common';
import type { Message, User } from '@app/dal';
import { DataExport, DataExportRepository, JobProgress } from '@app/dal/privacy';
import { ATTACHMENT_STORAGE, AttachmentStorage, Delivery } from '@app/storage';
import { AttachmentsService } from '../attachments/attachments.service';
import { ConversationPersonalData } from '../chat/conversation-personal-data';
import { DrfiAuditService } from '../drfi/drfi-audit.service';
import { AdminAuditService } from '../moderation/admin-audit.service';
import { ReportsService } from '../moderation/reports.service';
import { NetworkPersonalData } from '../network/network-personal-data';
import { DeviceTokensService } from '../push/device-tokens.service';
import { UsersService } from '../users/users.service';
import { VaultService } from '../vault/vault.service';
import { archiveFileName, ZipArchive } from './zip-archive';

/** How long a worker holds an export between progress reports (another resumes it after). */
export const EXPORT_LOCK_MS = 5 * 60 * 1000;
/** Audit rows per kind an archive holds (newest first). */
const AUDIT_ROWS = 10_000;
/** The steps besides one per conversation: profile, network, vault, DRFI, push tokens, audit. */
const FIXED_STEPS = 6;

/** A message as the archive holds it: what its reader could see of it in the app. */
function exportedMessage(message: Message): Record<string, unknown> {
  const deleted = message.deletedAt !== null;
  return {
    messageId: message.id,
    from: message.senderId,
    to: message.receiverId,
    type: message.type,
    text: deleted ? '' : message.text,
    deliveryStatus: message.deliveryStatus,
    createdAt: message.createdAt.toISOString(),
    deliveredAt: message.deliveredAt?.toISOString() ?? null,
    seenAt: message.seenAt?.toISOString() ?? null,
    deletedAt: message.deletedAt?.toISOString() ?? null,
    attachment: !deleted && message.attachment ? { ...message.attachment } : null,
    drfi: message.drfi
      ? {
          paths: message.drfi.paths ?? null,
          status: message.drfi.status ?? null,
          requestMessageId: message.drfi.requestMessageId ?? null,
          responseMessageId: message.drfi.responseMessageId ?? null,
          fields: deleted ? [] : (message.drfi.fields ?? []).map(({ path, label, value }) => ({ path, label, value })),
        }
      : null,
  };
}

/**
 * A copy of a user's data (docs/security.md, "Data rights"): asked for by the user or an admin, made
 * in the background (a job with a progress state) into a zip archive in attachment storage,
 * downloaded through the API until it expires. Each domain hands over its part.
 */
@Injectable()
export class DataExportService {
  private readonly logger = new Logger(DataExportService.name);
  private onRequested: () => void = () => undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly exports: DataExportRepository,
    private readonly users: UsersService,
    private readonly network: NetworkPersonalData,
    private readonly conversations: ConversationPersonalData,
    private readonly attachments: AttachmentsService,
    private readonly vault: VaultService,
    private readonly devices: DeviceTokensService,
    private readonly adminAudit: AdminAuditService,
    private readonly drfiAudit: DrfiAuditService,
    private readonly reports: ReportsService,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  /** The worker that makes archives (PrivacyWorker) asks to hear of new jobs. */
  whenRequested(listener: () => void): void {
    this.onRequested = listener;
  }

  /** Queues an export of the user's data (asking while one is in progress returns that one). */
  @Throws('MEMBER_NOT_FOUND')
  async request(userId: string, requestedBy: string): Promise<DataExport> {
    const user = await this.users.find(userId);
    if (!user || user.erased) throw new AppError('MEMBER_NOT_FOUND');
    const { job } = await this.exports.request(userId, requestedBy, 'queued');
    this.onRequested();
    return job;
  }

  /** An export: the user's own (`ownerId`), or any (an admin: no owner). Someone else's is not found. */
  @Throws('EXPORT_NOT_FOUND')
  async find(exportId: string, ownerId?: string): Promise<DataExport> {
    const job = await this.exports.find(exportId);
    if (!job || (ownerId !== undefined && job.userId !== ownerId)) throw new AppError('EXPORT_NOT_FOUND');
    return job;
  }

  /** A ready export's archive, to stream to the client. */
  @Throws('EXPORT_NOT_FOUND', 'EXPORT_NOT_READY')
  async archive(exportId: string, ownerId?: string): Promise<{ delivery: Delivery; fileName: string }> {
    const job = await this.find(exportId, ownerId);
    if (job.state !== 'ready' || !job.archiveKey) throw new AppError('EXPORT_NOT_READY');
    const delivery = await this.storage.deliver(job.archiveKey);
    if (!delivery) throw new AppError('EXPORT_NOT_READY');
    return { delivery, fileName: `chat-data-${job.userId}-${job.createdAt.toISOString().slice(0, 10)}.zip` };
  }

  /** The worker's turn: makes the oldest export nobody holds. False when there is none. */
  async makeNext(): Promise<boolean> {
    const job = await this.exports.claimNext(EXPORT_LOCK_MS);
    if (!job) return false;
    try {
      await this.make(job);
    } catch (err) {
      // Never the data: the error's message names a step or a store, not a value.
      this.logger.error({ exportId: job.id, attempt: job.attempts, err: (err as Error).message }, 'data export failed');
      if (job.attempts >= 3) await this.exports.fail(job.id, 'INTERNAL');
    }
    return true;
  }

  /** Removes archives past DATA_EXPORT_TTL_HOURS. */
  async removeExpired(): Promise<number> {
    const keys = await this.exports.expire();
    if (keys.length > 0) await this.storage.remove(keys);
    return keys.length;
  }

  /** Erasure: the user's exports and their archives go. */
  async eraseAllOf(userId: string): Promise<void> {
    const keys = await this.exports.removeAllOf(userId);
    if (keys.length > 0) await this.storage.remove(keys);
  }

  private async make(job: DataExport): Promise<void> {
    const user = await this.users.find(job.userId);
    if (!user || user.erased) {
      await this.exports.fail(job.id, 'USER_ERASED');
      return;
    }
    const conversations = await this.conversations.conversationsOf(user.id);
    const total = conversations.length + FIXED_STEPS;
    let done = 0;
    const step = (name: string): Promise<void> => this.exports.progress(job.id, { step: name, done: ++done, total }, EXPORT_LOCK_MS);

    const dir = await mkdtemp(join(tmpdir(), 'chat-export-'));
    try {
      const path = join(dir, 'archive.zip');
      const archive = new ZipArchive(path);
      archive.json('README.json', readme(user, job));
      archive.json('profile.json', profile(user));
      await step('profile');
      archive.json('network.json', await this.network.exportOf(user));
      await step('network');
      const drfi: Record<string, unknown>[] = [];
      for (const conversation of conversations) {
        const { other, messages } = await this.conversations.exportOne(user.id, conversation);
        const entries: Record<string, unknown>[] = [];
        for (const message of messages) {
          const entry = exportedMessage(message);
          const attachment = entry.attachment as Record<string, unknown> | null;
          if (attachment && message.attachment) {
            const bytes = await this.attachments.bytesOf(message.attachment.id);
            if (bytes) {
              const name = `attachments/${message.attachment.id}/${archiveFileName(message.attachment.name)}`;
              archive.file(name, bytes);
              attachment.file = name;
            }
          }
          if (message.type !== 'text') drfi.push({ conversationId: conversation.id, direction: message.senderId === user.id ? 'sent' : 'received', ...entry });
          entries.push(entry);
        }
        archive.json(`conversations/${conversation.id}.json`, {
          conversationId: conversation.id,
          with: other ? { userId: other.id, name: other.name } : null,
          createdAt: conversation.createdAt.toISOString(),
          messages: entries,
        });
        await step('conversations');
      }
      archive.json('vault.json', await this.vault.valuesOf(user.id));
      await step('vault');
      archive.json('drfi.json', drfi);
      await step('drfi');
      archive.json('push-tokens.json', await this.devices.listOwn(user.id));
      await step('push');
      const [adminActions, drfiEvents, reportsFiled] = await Promise.all([
        this.adminAudit.list({ userId: user.id, limit: AUDIT_ROWS }),
        this.drfiAudit.list({ userId: user.id, limit: AUDIT_ROWS }),
        this.reports.filedBy(user.id),
      ]);
      archive.json('audit.json', { adminActions, drfiEvents, reportsFiled });
      await step('audit');

      const size = await archive.close();
      const key = `export-${job.id}.zip`;
      await this.storage.putFile(key, path, 'application/zip');
      const finished: JobProgress = { step: 'ready', done: total, total };
      await this.exports.finish(job.id, { key, size, expiresAt: new Date(Date.now() + this.config.privacy.exportTtlMs) }, finished);
      this.logger.log({ exportId: job.id, userId: user.id, conversations: conversations.length, bytes: size }, 'data export ready');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function profile(user: User): Record<string, unknown> {
  return { userId: user.id, accountId: user.accountId, name: user.name, phone: user.phone, avatar: user.avatar, createdAt: user.createdAt.toISOString() };
}

function readme(user: User, job: DataExport): Record<string, unknown> {
  return {
    about: 'A copy of your data in this chat service, as JSON documents (UTF-8) and your attachments as they were sent.',
    userId: user.id,
    exportId: job.id,
    madeAt: new Date().toISOString(),
    files: {
      'profile.json': 'your profile',
      'network.json': 'your network: members, invitations both ways, the users you blocked',
      'conversations/<conversationId>.json': 'each conversation with every message in it, oldest first (a deleted message without its content)',
      'attachments/<attachmentId>/<name>': "the files of the conversations' messages",
      'vault.json': 'your information vault',
      'drfi.json': 'requests for information you made and received, and the answers',
      'push-tokens.json': 'the devices registered for your notifications',
      'audit.json': "admins' actions that named you, DRFI audit events of yours, reports you filed",
    },
  };
}
