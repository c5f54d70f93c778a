import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, PeriodicTask, toAppError } from '@app/common';
import { PushOutboxRepository } from '@app/dal/push';
import { Metrics } from '../metrics/metrics.service';
import { PushService } from './push.service';

/** The outbox's backlog as the worker last saw it, for readiness. */
export interface PushBacklog {
  /** How long the oldest due push had waited at the last tick (0: none was waiting). */
  oldestWaitMs: number;
  /** When the worker last read the outbox (null: not yet, or every read since failed). */
  checkedAt: Date | null;
}

/** Retries queued pushes: every PUSH_WORKER_INTERVAL_MS, the due ones, each claimed by a lock. */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushWorker.name);
  private readonly task: PeriodicTask;
  private failingSince?: Date;
  private lastBacklog: PushBacklog = { oldestWaitMs: 0, checkedAt: null };

  constructor(config: AppConfig, outbox: PushOutboxRepository, push: PushService, metrics: Metrics) {
    this.task = new PeriodicTask(config.push.workerIntervalMs, async () => {
      try {
        const now = Date.now();
        const { claimed, oldestDueAt } = await outbox.claimDue(20, config.push.lockMs);
        this.lastBacklog = { oldestWaitMs: oldestDueAt ? Math.max(0, now - oldestDueAt.getTime()) : 0, checkedAt: new Date() };
        metrics.pushOldestWaitSeconds.set(this.lastBacklog.oldestWaitMs / 1000);
        this.recovered();
        for (const entry of claimed) await push.attempt(entry);
      } catch (err) {
        this.failed(err);
      }
    });
  }

  get backlog(): PushBacklog {
    return this.lastBacklog;
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One line when ticks start failing (the database is away), not one (with a stack) per tick. */
  private failed(err: unknown): void {
    if (this.failingSince) return;
    this.failingSince = new Date();
    this.logger.warn(`push worker paused: ${toAppError(err).code === 'INTERNAL' && err instanceof Error ? err.message : toAppError(err).code}; retrying every tick`);
  }

  private recovered(): void {
    if (!this.failingSince) return;
    this.logger.log(`push worker resumed after ${Date.now() - this.failingSince.getTime()} ms`);
    this.failingSince = undefined;
  }
}
