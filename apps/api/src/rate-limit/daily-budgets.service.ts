import { Injectable } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig, AppError } from '@app/common';
import { Metrics } from '../metrics/metrics.service';
import { SharedRedis } from '../redis/shared-redis';
import { sharedRateLimiter } from './shared-rate-limiter';

const DAY_SECONDS = 24 * 60 * 60;

export type DailyAction = 'invitation' | 'report';

/**
 * What a user may do only so often a day, so that neither invitations nor reports become a spam
 * channel: INVITATIONS_PER_DAY and REPORTS_PER_DAY per user, counted like the REST budget (in Redis
 * when REDIS_URL is set, shared by every process). Over the budget: 429 RATE_LIMITED, nothing done.
 */
@Injectable()
export class DailyBudgets {
  private readonly limiters: Record<DailyAction, { limiter: RateLimiterAbstract; perDay: number }>;

  constructor(config: AppConfig, redis: SharedRedis, private readonly metrics: Metrics) {
    this.limiters = {
      invitation: { limiter: sharedRateLimiter(redis, 'daily-invitations', config.rest.invitationsPerDay, DAY_SECONDS), perDay: config.rest.invitationsPerDay },
      report: { limiter: sharedRateLimiter(redis, 'daily-reports', config.rest.reportsPerDay, DAY_SECONDS), perDay: config.rest.reportsPerDay },
    };
  }

  /** Spends one of the user's actions of this kind today, or refuses (429) when none is left. */
  async spend(action: DailyAction, userId: string): Promise<void> {
    const { limiter, perDay } = this.limiters[action];
    try {
      await limiter.consume(userId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      this.metrics.rateLimited.inc({ surface: `daily-${action}` });
      const hours = Math.max(1, Math.ceil(rejection.msBeforeNext / 3_600_000));
      throw new AppError('RATE_LIMITED', `At most ${perDay} ${action === 'invitation' ? 'invitations' : 'reports'} a day: try again in ${hours} h`);
    }
  }
}
