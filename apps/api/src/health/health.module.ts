import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PushModule } from '../push/push.module';
import { RedisModule } from '../redis/redis.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { RootController } from './root.controller';
import { Lifecycle } from './lifecycle';

/** Health probes (terminus) and the process's Lifecycle (global: the socket layer and main read it). */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), PushModule, RedisModule],
  controllers: [HealthController, RootController],
  providers: [HealthService, Lifecycle],
  exports: [Lifecycle],
})
export class HealthModule {}
