import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthUser } from '@app/auth';
import { AppConfig, AppError } from '@app/common';
import { SharedRedis } from './redis';

/**
 * Global, after authentication: each user gets REST_REQUESTS_PER_MINUTE requests a minute, counted
 * in Redis when REDIS_URL is set (so all processes share the budget). Excess: 429 with Retry-After.
 * Public routes (health) are not counted.
 */
@Injectable()
export class RestRateLimitGuard implements CanActivate {
  private readonly limiter: RateLimiterAbstract;

  constructor(config: AppConfig, redis: SharedRedis) {
    const limits = { points: config.socket.restRequestsPerMinute, duration: 60 };
    this.limiter = redis.client
      ? new RateLimiterRedis({ ...limits, storeClient: redis.client, keyPrefix: redis.key('rest-rate') })
      : new RateLimiterMemory(limits);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const user = http.getRequest<FastifyRequest & { user?: AuthUser }>().user;
    if (!user) return true;
    try {
      await this.limiter.consume(user.userId);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      void http.getResponse<FastifyReply>().header('retry-after', String(Math.ceil(rejection.msBeforeNext / 1000)));
      throw new AppError('RATE_LIMITED', 'Too many requests: slow down');
    }
  }
}
