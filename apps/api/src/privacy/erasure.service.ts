import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '@app/auth';
import { AppConfig, AppError, Throws } from '@app/common';
import { Erasure, ErasureRepository, JobProgress } from '@app/dal/privacy';
import { AttachmentsService } from '../attachments/attachments.service';
import { ConversationPersonalData } from '../chat/conversation-personal-data';
import { ReportsService } from '../moderation/reports.service';
import { NetworkPersonalData } from '../network/network-personal-data';
import { DeviceTokensService } from '../push/device-tokens.service';
import { UsersService } from '../users/users.service';
import { VaultService } from '../vault/vault.service';
import { DataExportService } from './data-export.service';

/** How long a worker holds an erasure between progress reports (another resumes it after). */
const ERASURE_LOCK_MS = 5 * 60 * 1000;
/** Steps besides one per conversation: network, profile, vault, devices, uploads, reports, and the last (exports). */
const FIXED_STEPS = 7;

/**
 * Account erasure (docs/security.md, "Data rights"). The user asks with a fresh sign-in; it is
 * carried out after ERASURE_GRACE_DAYS (they may cancel until then; an admin may skip the wait), by
 * the worker, each step idempotent so an erasure that died part-way is run again from the start.
 * What the other party keeps: the conversation, with the erased person's messages as tombstones
 * under "Deleted user".
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);
  private onDue: () => void = () => undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly erasures: ErasureRepository,
    private readonly users: UsersService,
    private readonly network: NetworkPersonalData,
    private readonly conversations: ConversationPersonalData,
    private readonly vault: VaultService,
    private readonly devices: DeviceTokensService,
    private readonly attachments: AttachmentsService,
    private readonly reports: ReportsService,
    private readonly exports: DataExportService,
  ) {}

  /** The worker (PrivacyWorker) asks to hear of an erasure due at once. */
  whenDue(listener: () => void): void {
    this.onDue = listener;
  }

  /**
   * The caller asks for their own erasure, with a sign-in at most ERASURE_REAUTH_SECONDS old (the
   * token's `auth_time`, else its `iat`): a stolen long-lived token cannot erase an account.
   */
  @Throws('REAUTHENTICATION_REQUIRED')
  async requestOwn(me: AuthUser): Promise<Erasure> {
    const signedInAt = me.authenticatedAt;
    if (signedInAt === undefined || Date.now() - signedInAt > this.config.privacy.erasureReauthMs) throw new AppError('REAUTHENTICATION_REQUIRED');
    return this.schedule(me.userId, me.userId, new Date(Date.now() + this.config.privacy.erasureGraceMs));
  }

  /** An admin schedules a user's erasure: after the grace period, or at once. */
  @Throws('MEMBER_NOT_FOUND')
  async requestFor(userId: string, adminId: string, immediately: boolean): Promise<Erasure> {
    const user = await this.users.find(userId);
    if (!user) throw new AppError('MEMBER_NOT_FOUND');
    return this.schedule(userId, adminId, new Date(Date.now() + (immediately ? 0 : this.config.privacy.erasureGraceMs)));
  }

  @Throws('ERASURE_NOT_FOUND')
  async find(userId: string): Promise<Erasure> {
    const erasure = await this.erasures.find(userId);
    if (!erasure) throw new AppError('ERASURE_NOT_FOUND');
    return erasure;
  }

  /** Cancels a scheduled erasure (during the grace period). */
  @Throws('ERASURE_NOT_FOUND', 'ERASURE_STARTED')
  async cancel(userId: string): Promise<Erasure> {
    const cancelled = await this.erasures.cancel(userId);
    if (cancelled) return cancelled;
    const erasure = await this.erasures.find(userId);
    if (erasure?.state === 'running' || erasure?.state === 'done') throw new AppError('ERASURE_STARTED');
    throw new AppError('ERASURE_NOT_FOUND');
  }

  /** The worker's turn: carries out one due erasure nobody holds. False when there is none. */
  async eraseNext(): Promise<boolean> {
    const erasure = await this.erasures.claimDue(ERASURE_LOCK_MS);
    if (!erasure) return false;
    try {
      await this.erase(erasure.userId);
    } catch (err) {
      // Held until the lock runs out, then taken again (every step is idempotent).
      this.logger.error({ userId: erasure.userId, attempt: erasure.attempts, err: (err as Error).message }, 'erasure failed part-way; it is retried');
    }
    return true;
  }

  private async schedule(userId: string, requestedBy: string, dueAt: Date): Promise<Erasure> {
    const erasure = await this.erasures.schedule(userId, requestedBy, dueAt);
    if (erasure.state === 'scheduled' && erasure.dueAt.getTime() <= Date.now()) this.onDue();
    return erasure;
  }

  /**
   * The steps, in an order that survives a crash between any two: the network first (it needs the
   * number and account id the profile still holds), then the profile (tokens refused, sockets
   * dropped on every process), then their messages (tombstones everywhere, their change sequence
   * gone), vault, devices and pushes, uploads, reports, exports.
   */
  private async erase(userId: string): Promise<void> {
    let done = 0;
    let total = FIXED_STEPS;
    const step = (name: string): Promise<void> => this.erasures.progress(userId, { step: name, done: ++done, total }, ERASURE_LOCK_MS);
    const user = await this.users.find(userId);
    if (user && !user.erased) await this.network.erase(user);
    await step('network');
    await this.users.erase(userId);
    await step('profile');
    const carried = await this.conversations.eraseSentBy(userId, async (_conversation, conversations) => {
      total = FIXED_STEPS + conversations;
      await step('messages');
    });
    await this.vault.erase(userId);
    await step('vault');
    await this.devices.erase(userId, carried);
    await step('devices');
    await this.attachments.eraseOwnedBy(userId);
    await step('uploads');
    await this.reports.forget(userId);
    await step('reports');
    await this.exports.eraseAllOf(userId);
    const finished: JobProgress = { step: 'done', done: total, total };
    await this.erasures.complete(userId, finished);
    this.logger.log({ userId, conversations: carried.size }, 'user erased');
  }
}
