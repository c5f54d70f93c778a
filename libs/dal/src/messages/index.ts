import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChangeFeedRepository } from '../changes/change-feed.repository';
import { UserChangeKeyRecord, UserChangeKeySchema, UserChangeRecord, UserChangeSchema, UserFeedRecord, UserFeedSchema } from '../changes/change-feed.schema';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationRecord, ConversationSchema } from '../conversations/conversation.schema';
import { UnreadSummaryRepository } from '../conversations/unread-summary.repository';
import { UnreadSummaryRecord, UnreadSummarySchema } from '../conversations/unread-summary.schema';
import { CountedMessageWrites } from './counted-writes';
import { MessageStatusRepository } from './message-status.repository';
import { MessageRepository } from './message.repository';
import { MessageRecord, MessageSchema } from './message.schema';

/**
 * The `conversations` and `messages` collections and each user's change sequence (`user_feeds`, `user_changes`) and unread summary (`unread_summaries`); only the messages module and libs/status import
 * this (dependency-cruiser). Status writes are reachable only through `@app/dal/message-status`.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ConversationRecord.name, schema: ConversationSchema },
      { name: MessageRecord.name, schema: MessageSchema },
      { name: UserFeedRecord.name, schema: UserFeedSchema },
      { name: UserChangeRecord.name, schema: UserChangeSchema },
      { name: UserChangeKeyRecord.name, schema: UserChangeKeySchema },
      { name: UnreadSummaryRecord.name, schema: UnreadSummarySchema },
    ]),
  ],
  providers: [ConversationRepository, UnreadSummaryRepository, MessageRepository, CountedMessageWrites, MessageStatusRepository, ChangeFeedRepository],
  exports: [ConversationRepository, UnreadSummaryRepository, MessageRepository, MessageStatusRepository, ChangeFeedRepository],
})
export class MessagesDalModule {}

export { ChangeFeedRepository, ConversationRepository, MessageRepository, UnreadSummaryRepository };
export type { Unread } from '../conversations/unread-summary.repository';
export type { FeedEntry, FeedPage } from '../changes/change-feed.repository';
export type { Change, InsertResult } from './message.repository';
