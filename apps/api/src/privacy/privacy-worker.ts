import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, PeriodicTask } from '@app/common';
import { ConversationPersonalData } from '../chat/conversation-personal-data';
import { ReportsService } from '../moderation/reports.service';
import { DeviceTokensService } from '../push/device-tokens.service';
import { DataExportService } from './data-export.service';
import { ErasureService } from './erasure.service';

/**
 * The background side of data rights, off every request's path: every PRIVACY_WORKER_INTERVAL_MS
 * (and at once when a job arrives) it makes queued exports, carries out due erasures and removes
 * expired archives; with MESSAGE_RETENTION_DAYS, every RETENTION_SWEEP_INTERVAL_MS it erases
 * expired messages. Any number of processes may run it: a job is held by a lock.
 */
@Injectable()
export class PrivacyWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PrivacyWorker.name);
  private readonly jobs: PeriodicTask;
  private readonly retention?: PeriodicTask;

  constructor(
    private readonly config: AppConfig,
    private readonly exports: DataExportService,
    private readonly erasures: ErasureService,
    private readonly conversations: ConversationPersonalData,
    private readonly devices: DeviceTokensService,
    private readonly reports: ReportsService,
  ) {
    this.jobs = new PeriodicTask(config.privacy.workerIntervalMs, () => this.runJobs());
    if (config.privacy.messageRetentionMs !== undefined) {
      this.retention = new PeriodicTask(config.privacy.retentionSweepIntervalMs, () => this.sweepQuietly());
    }
    exports.whenRequested(() => this.jobs.trigger());
    erasures.whenDue(() => this.jobs.trigger());
  }

  onApplicationBootstrap(): void {
    this.jobs.start();
    this.retention?.start();
    this.jobs.trigger();
    this.retention?.trigger();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.jobs.stop(), this.retention?.stop()]);
  }

  /**
   * Message retention: everything older than MESSAGE_RETENTION_DAYS before `now` is erased (the
   * messages and their attachments, their tombstones in the change sequences, the pushes and report
   * copies that held their text). Returns how many messages went.
   */
  async sweepRetention(now = new Date()): Promise<number> {
    const retentionMs = this.config.privacy.messageRetentionMs;
    if (retentionMs === undefined) return 0;
    const cutoff = new Date(now.getTime() - retentionMs);
    const removed = await this.conversations.expireBefore(cutoff);
    await this.devices.removeFinishedBefore(cutoff);
    await this.reports.forgetTextBefore(cutoff);
    if (removed > 0) this.logger.log({ removed, cutoff: cutoff.toISOString() }, 'expired messages erased');
    return removed;
  }

  private async runJobs(): Promise<void> {
    try {
      while (await this.erasures.eraseNext());
      while (await this.exports.makeNext());
      await this.exports.removeExpired();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'privacy jobs: a look failed; the next beat tries again');
    }
  }

  private async sweepQuietly(): Promise<void> {
    try {
      await this.sweepRetention();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'retention sweep failed; the next beat tries again');
    }
  }
}
