import { Module } from '@nestjs/common';
import { PresenceModule } from '../presence/presence.module';
import { RealtimeNotifier } from './realtime-notifier.service';

@Module({ imports: [PresenceModule], providers: [RealtimeNotifier], exports: [RealtimeNotifier, PresenceModule] })
export class RealtimeModule {}
