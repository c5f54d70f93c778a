import { Module } from '@nestjs/common';
import { SharedRedis } from './shared-redis';

/** The one shared Redis connection (REDIS_URL) for presence and rate limits; absent without it. */
@Module({ providers: [SharedRedis], exports: [SharedRedis] })
export class RedisModule {}
