import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { AttachmentsService } from './attachments.service';

/** Every ATTACHMENT_SWEEP_INTERVAL_MS: uploads never sent, and bytes a delete left behind, removed. */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AttachmentSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly attachments: AttachmentsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.config.attachments.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      const removed = await this.attachments.sweep();
      if (removed > 0) this.logger.log({ removed }, 'attachments swept');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'attachment sweep failed');
    }
  }
}
