import { Module } from '@nestjs/common';
import { MessagesDalModule } from '@app/dal/messages';
import { PushModule } from '../push/push.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { MessageDispatcher } from './message-dispatcher.service';
import { MessagesService } from './messages.service';

/**
 * The chat domain's message store, shared by every producer of messages (chat, DRFI): the only
 * writer of `conversations` and `messages` besides libs/status (which writes statuses).
 */
@Module({
  imports: [MessagesDalModule, RealtimeModule, PushModule],
  providers: [MessageDispatcher, MessagesService],
  exports: [MessageDispatcher, MessagesService, MessagesDalModule],
})
export class MessagesModule {}
