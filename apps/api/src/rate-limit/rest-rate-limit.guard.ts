import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthUser } from '@app/auth';
import { AppConfig, AppError } from '@app/common';
import { sharedRateLimiter } from './shared-rate-limiter';
import { SharedRedis } from '../redis/shared-redis';
import { Metrics } from '../metrics/metrics.service';

/**
 * Global, after authentication: each user gets REST_REQUESTS_PER_MINUTE requests a minute, and each
 * client IP REST_PUBLIC_REQUESTS_PER_MINUTE on public routes (no token: health), counted in Redis
 * when REDIS_URL is set (so all processes share the budget). Excess: 429 with Retry-After.
 */
@Injectable()
export class RestRateLimitGuard implements CanActivate {
  private readonly perUser: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;

  private readonly logger = new Logger('RateLimit');

  constructor(config: AppConfig, redis: SharedRedis, private readonly metrics: Metrics) {
    this.perUser = sharedRateLimiter(redis, 'rest-rate', config.rest.requestsPerMinute, 60);
    this.perIp = sharedRateLimiter(redis, 'rest-public-rate', config.rest.publicRequestsPerMinute, 60);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    try {
      if (request.user) await this.perUser.consume(request.user.userId);
      else await this.perIp.consume(request.ip);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      this.metrics.rateLimited.inc({ surface: 'rest' });
      // The user id, or for public routes only the fact (an address is personal data).
      this.logger.warn({ userId: request.user?.userId, route: request.routeOptions.url, requestId: request.id }, 'request rate-limited');
      void http.getResponse<FastifyReply>().header('retry-after', String(Math.ceil(rejection.msBeforeNext / 1000)));
      throw new AppError('RATE_LIMITED', 'Too many requests: slow down');
    }
  }
}
