import { Module } from '@nestjs/common';
import { SharedRedis } from '../realtime/redis';
import { PresenceService } from './presence.service';

@Module({ providers: [PresenceService, SharedRedis], exports: [PresenceService, SharedRedis] })
export class PresenceModule {}
