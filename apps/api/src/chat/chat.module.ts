import { Module } from '@nestjs/common';
import { StatusModule } from '@app/status';
import { AttachmentsModule } from '../attachments/attachments.module';
import { DrfiModule } from '../drfi/drfi.module';
import { MessagesModule } from '../messages/messages.module';
import { NetworkModule } from '../network/network.module';
import { PresenceModule } from '../presence/presence.module';
import { PushModule } from '../push/push.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { RedisModule } from '../redis/redis.module';
import { UsersModule } from '../users/users.module';
import { AdminMessagesController } from './admin-messages.controller';
import { ChatAccessService } from './chat-access.service';
import { ChatController } from './chat.controller';
import { ChatGateway } from './chat.gateway';
import { ConversationPersonalData } from './conversation-personal-data';
import { ConversationQueriesService } from './conversation-queries.service';
import { MessageCommandsService } from './message-commands.service';
import { PushBadges } from './push-badges';
import { ReceiptsService } from './receipts.service';
import { SyncPresent } from './sync-present';
import { SyncService } from './sync.service';
import { TypingService } from './typing.service';
import { MetricsModule } from '../metrics/metrics.module';

/** The customer's Chat REST API and socket flow, by use case: queries, message commands, receipts, sync. */
@Module({
  imports: [MessagesModule, StatusModule, RealtimeModule, MetricsModule, PresenceModule, PushModule, RedisModule, UsersModule, NetworkModule, DrfiModule, AttachmentsModule],
  controllers: [ChatController, AdminMessagesController],
  providers: [ChatAccessService, ConversationQueriesService, MessageCommandsService, ReceiptsService, SyncService, SyncPresent, TypingService, ChatGateway, PushBadges, ConversationPersonalData],
  exports: [ConversationPersonalData],
})
export class ChatModule {}
