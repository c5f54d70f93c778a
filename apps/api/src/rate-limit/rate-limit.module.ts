import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MetricsModule } from '../metrics/metrics.module';
import { RedisModule } from '../redis/redis.module';
import { DailyBudgets } from './daily-budgets.service';
import { RestRateLimitGuard } from './rest-rate-limit.guard';

/**
 * Per-user and per-IP REST budgets (a global guard), and the daily budgets of invitations and
 * reports (DailyBudgets); the socket budget is the gateway's (sharedRateLimiter).
 */
@Module({ imports: [RedisModule, MetricsModule], providers: [{ provide: APP_GUARD, useClass: RestRateLimitGuard }, DailyBudgets], exports: [DailyBudgets] })
export class RateLimitModule {}
