import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationRecord, ConversationSchema } from '../conversations/conversation.schema';
import { CountedMessageWrites } from './counted-writes';
import { MessageStatusRepository } from './message-status.repository';
import { MessageRepository } from './message.repository';
import { MessageRecord, MessageSchema } from './message.schema';

/**
 * The `conversations` and `messages` collections; only the messages module and libs/status import
 * this (dependency-cruiser). Status writes are reachable only through `@app/dal/message-status`.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ConversationRecord.name, schema: ConversationSchema },
      { name: MessageRecord.name, schema: MessageSchema },
    ]),
  ],
  providers: [ConversationRepository, MessageRepository, CountedMessageWrites, MessageStatusRepository],
  exports: [ConversationRepository, MessageRepository, MessageStatusRepository],
})
export class MessagesDalModule {}

export { ConversationRepository, MessageRepository };
export type { Change, InsertResult } from './message.repository';
