import { Module } from '@nestjs/common';
import { MessageStatusService } from './message-status.service';

@Module({ providers: [MessageStatusService], exports: [MessageStatusService] })
export class StatusModule {}
