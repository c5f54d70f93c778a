import { Injectable } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '@app/common';
import { DatabaseHealth } from '@app/dal';
import { PushWorker } from '../push/push.worker';
import { SharedRedis } from '../redis/shared-redis';
import { Lifecycle } from './lifecycle';

/**
 * Liveness and readiness (docs/operations.md). Ready: not shutting down and the database answers.
 * Redis away and a push backlog older than PUSH_READY_MAX_WAIT_MS make it `degraded` (still 200):
 * every process shares both, so failing readiness for them would take every process out at once,
 * while each can still serve (alone, or with pushes late).
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseHealth,
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: Lifecycle,
    private readonly redis: SharedRedis,
    private readonly push: PushWorker,
  ) {}

  isDatabaseUp(): Promise<boolean> {
    return this.database.isUp();
  }

  /** Throws ServiceUnavailableException (terminus) with the result when not ready. */
  readiness(): Promise<HealthCheckResult> {
    return this.checks.check([
      () => {
        const check = this.indicators.check('lifecycle');
        return this.lifecycle.draining ? check.down({ message: 'shutting down' }) : check.up();
      },
      async () => {
        const check = this.indicators.check('database');
        return (await this.database.isUp()) ? check.up() : check.down({ message: 'no answer to a ping' });
      },
      () => {
        const check = this.indicators.check('redis');
        if (!this.redis.client) return check.up({ configured: false });
        return this.redis.client.status === 'ready' ? check.up() : check.degraded({ message: 'away: this process works alone until it is back' });
      },
      () => {
        const check = this.indicators.check('pushOutbox');
        const { oldestWaitMs } = this.push.backlog;
        return oldestWaitMs > this.config.push.readyMaxWaitMs ? check.degraded({ oldestWaitMs }) : check.up({ oldestWaitMs });
      },
    ]);
  }
}
