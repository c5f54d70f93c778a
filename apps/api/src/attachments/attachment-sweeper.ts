import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, PeriodicTask } from '@app/common';
import { AttachmentsService } from './attachments.service';

/** Every ATTACHMENT_SWEEP_INTERVAL_MS: uploads never sent, and bytes a delete left behind, removed. */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AttachmentSweeper.name);
  private readonly task: PeriodicTask;

  constructor(config: AppConfig, attachments: AttachmentsService) {
    this.task = new PeriodicTask(config.attachments.sweepIntervalMs, async () => {
      try {
        const removed = await attachments.sweep();
        if (removed > 0) this.logger.log({ removed }, 'attachments swept');
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'attachment sweep failed');
      }
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
