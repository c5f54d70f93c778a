import { Module } from '@nestjs/common';
import { StatusModule } from '@app/status';
import { PresenceModule } from '../presence/presence.module';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';

@Module({
  imports: [StatusModule, PresenceModule],
  controllers: [ChatController],
  providers: [ChatService],
  exports: [ChatService],
})
export class ChatModule {}
