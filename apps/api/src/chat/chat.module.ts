import { Module } from '@nestjs/common';
import { StatusModule } from '@app/status';
import { PushModule } from '../push/push.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { VaultModule } from '../vault/vault.module';
import { ChatStanzaService } from './chat-stanza.service';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { ChatService } from './chat.service';
import { SyncService } from './sync.service';

@Module({
  imports: [StatusModule, RealtimeModule, VaultModule, PushModule],
  controllers: [ChatController],
  providers: [ChatService, ChatStanzaService, SyncService, ChatGateway],
  exports: [ChatService],
})
export class ChatModule {}
