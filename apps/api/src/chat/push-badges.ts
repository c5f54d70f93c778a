import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConversationRepository, Unread, UnreadSummaryRepository } from '@app/dal/messages';
import { PushPipeline } from '../push/push-pipeline';
import { ChatAccessService } from './chat-access.service';

/**
 * The badge's source, handed to push (push knows no domain): each user's unread summary, the
 * conversation list's counts in one read. A user's first push opens their summary from their
 * conversations (the list's reads, once); from then on the count writes keep it.
 */
@Injectable()
export class PushBadges implements OnModuleInit {
  constructor(
    private readonly pipeline: PushPipeline,
    private readonly unread: UnreadSummaryRepository,
    private readonly conversations: ConversationRepository,
    private readonly access: ChatAccessService,
  ) {}

  onModuleInit(): void {
    this.pipeline.countUnreadWith({ of: (userIds) => this.of(userIds) });
  }

  private async of(userIds: string[]): Promise<Map<string, Unread>> {
    const found = await this.unread.of(userIds);
    const missing = [...new Set(userIds)].filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    for (const userId of missing) {
      const memberIds = await this.access.memberIdsOf(userId);
      await this.conversations.openUnread(userId, await this.conversations.listWith(userId, memberIds));
    }
    for (const [userId, unread] of await this.unread.of(missing)) found.set(userId, unread);
    return found;
  }
}
