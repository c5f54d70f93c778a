import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, PeriodicTask } from '@app/common';
import { PushOutboxRepository } from '@app/dal/push';
import { PushService } from './push.service';

/** Retries queued pushes: every PUSH_WORKER_INTERVAL_MS, the due ones, each claimed by a lock. */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushWorker.name);
  private readonly task: PeriodicTask;

  constructor(config: AppConfig, outbox: PushOutboxRepository, push: PushService) {
    this.task = new PeriodicTask(config.push.workerIntervalMs, async () => {
      try {
        for (const entry of await outbox.claimDue(20, config.push.lockMs)) await push.attempt(entry);
      } catch (err) {
        this.logger.warn({ err }, 'push worker tick failed');
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
