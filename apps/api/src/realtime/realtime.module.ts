import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PresenceModule } from '../presence/presence.module';
import { RealtimeNotifier } from './realtime-notifier.service';
import { RestRateLimitGuard } from './rest-rate-limit.guard';

@Module({
  imports: [PresenceModule],
  providers: [RealtimeNotifier, { provide: APP_GUARD, useClass: RestRateLimitGuard }],
  exports: [RealtimeNotifier, PresenceModule],
})
export class RealtimeModule {}
