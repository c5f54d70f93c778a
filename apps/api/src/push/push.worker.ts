import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, PeriodicTask, toAppError } from '@app/common';
import { PushOutboxRepository } from '@app/dal/push';
import { Metrics } from '../metrics/metrics.service';
import { PushPipeline } from './push-pipeline';

/** The outbox's backlog as the worker last saw it, for readiness. */
export interface PushBacklog {
  /** How long the oldest due push had waited at the last tick (0: none was waiting). */
  oldestWaitMs: number;
  /** When the worker last read the outbox (null: not yet, or every read since failed). */
  checkedAt: Date | null;
}

/** Owed pushes claimed at once: two provider calls' worth, and the most ids the embedded database's id-pushdown patch answers by the `_id` index in one `$in` (their settling). */
const CLAIM_MAX = 1000;

/**
 * Retries owed pushes: every PUSH_WORKER_INTERVAL_MS, the due ones (CLAIM_MAX at a time, by the
 * process holding the outbox's lease) through the pipeline's sending; a backlog (a full batch) is drained batch after
 * batch in the same tick.
 */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushWorker.name);
  private readonly task: PeriodicTask;
  private failingSince?: Date;
  private stopping = false;
  private lastBacklog: PushBacklog = { oldestWaitMs: 0, checkedAt: null };

  constructor(config: AppConfig, outbox: PushOutboxRepository, pipeline: PushPipeline, metrics: Metrics) {
    const claim = () => pipeline.inLane(() => outbox.claimDue(CLAIM_MAX, { ms: config.push.lockMs, owner: pipeline.lockOwner }, pipeline.inFlightEntries));
    this.task = new PeriodicTask(config.push.workerIntervalMs, async () => {
      try {
        const now = Date.now();
        const first = await claim();
        const { oldestDueAt } = first;
        let { claimed } = first;
        this.lastBacklog = { oldestWaitMs: oldestDueAt ? Math.max(0, now - oldestDueAt.getTime()) : 0, checkedAt: new Date() };
        metrics.pushOldestWaitSeconds.set(this.lastBacklog.oldestWaitMs / 1000);
        this.recovered();
        // A full batch means a backlog: claim the next while this one is sent (two batches out at most).
        let previous: Promise<unknown> = Promise.resolve();
        while (claimed.length > 0) {
          const sending = pipeline.send(claimed);
          await previous;
          previous = sending;
          if (claimed.length < CLAIM_MAX || this.stopping) break;
          ({ claimed } = await claim());
        }
        await previous;
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
    this.stopping = true;
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
