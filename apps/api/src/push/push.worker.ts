import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { PushOutboxRepository } from '@app/dal/push';
import { PushService } from './push.service';

/** Retries queued pushes: every PUSH_WORKER_INTERVAL_MS, the due ones, each claimed by a lock. */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushWorker.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: PushOutboxRepository,
    private readonly push: PushService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.config.push.workerIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      for (const entry of await this.outbox.claimDue(20, this.config.push.lockMs)) await this.push.attempt(entry);
    } catch (err) {
      this.logger.warn({ err }, 'push worker tick failed');
    }
  }
}
