import { Module } from '@nestjs/common';
import { MessagesDalModule } from '@app/dal/messages';
import { StorageModule } from '@app/storage';
import { PushModule } from '../push/push.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { ChangeFeedService } from './change-feed.service';
import { MessageDispatcher } from './message-dispatcher.service';
import { MessagesService } from './messages.service';

/**
 * The chat domain's message store, shared by every producer of messages (chat, DRFI): the only
 * writer of `conversations` and `messages` besides libs/status (which writes statuses).
 */
@Module({
  imports: [MessagesDalModule, RealtimeModule, PushModule, StorageModule],
  providers: [MessageDispatcher, MessagesService, ChangeFeedService],
  exports: [MessageDispatcher, MessagesService, ChangeFeedService, MessagesDalModule, StorageModule],
})
export class MessagesModule {}
