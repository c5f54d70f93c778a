import { Injectable } from '@nestjs/common';
import { AppConfig, AppError, Throws } from '@app/common';
import { Conversation, countsFor, MemberCounts, Message, otherMember, User } from '@app/dal';
import { ConversationRepository, MessageRepository } from '@app/dal/messages';
import { AttachmentLinks } from '@app/storage';
import { replySnippet } from '../messages/stanzas';
import { attachmentView } from '../attachments/dto/attachment.dto';
import { DrfiRequestsService } from '../drfi/drfi-requests.service';
import type { MessageResponseDto } from '../messages/dto/message.response.dto';
import { PresenceService } from '../presence/presence.service';
import { UsersService } from '../users/users.service';
import { ChatAccessService } from './chat-access.service';

export interface ChatParty {
  user: User;
  online: boolean;
}

export interface ConversationView {
  conversation: Conversation;
  me: ChatParty;
  other: ChatParty;
}

/** Messages with what other domains add to their display (DRFI fields, attachments), by message id. */
export interface ShownMessages {
  messages: Message[];
  display: Map<string, Partial<MessageResponseDto>>;
}

/** Reading conversations: the list with counts, the whole set with messages, one history page. */
@Injectable()
export class ConversationQueriesService {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly access: ChatAccessService,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly presence: PresenceService,
    private readonly drfi: DrfiRequestsService,
    private readonly links: AttachmentLinks,
  ) {}

  /** What other domains add to the messages: DRFI fields, and attachments with links signed now (none once deleted). */
  private async display(viewerId: string, messages: Message[], hints: boolean): Promise<ShownMessages['display']> {
    const display = await this.drfi.displayFor(viewerId, messages, { hints });
    for (const message of messages) {
      if (message.attachment && !message.deletedAt) display.set(message.id, { ...display.get(message.id), attachment: attachmentView(message.attachment, this.links) });
    }
    // Replies show the quoted message as it is now (one read by `_id $in`, only when a reply is shown).
    const replies = messages.filter((m) => m.replyTo && !m.deletedAt);
    const quoted = new Map((await this.messages.findByIds(replies.map((m) => m.replyTo!))).map((m) => [m.id, m]));
    for (const reply of replies) {
      const original = quoted.get(reply.replyTo!);
      if (original) display.set(reply.id, { ...display.get(reply.id), replyTo: replySnippet(original) });
    }
    return display;
  }

  /** Every conversation (one per network member) with its full history: GET /Chat/Conversations. */
  @Throws('USER_NOT_FOUND')
  async everything(userId: string): Promise<{ me: User; conversations: (ConversationView & ShownMessages)[] }> {
    const me = await this.users.me(userId);
    const memberIds = await this.access.memberIdsOf(userId);
    const views = await this.views(me, memberIds, await this.conversations.listWith(userId, memberIds));
    const conversations = [];
    for (const view of views) {
      const { messages } = await this.messages.history(view.conversation);
      conversations.push({ ...view, messages, display: await this.display(userId, messages, false) });
    }
    return { me, conversations };
  }

  /** The list with counts. Counts left behind by a writer that died mid-way are recounted first. */
  @Throws('USER_NOT_FOUND')
  async list(userId: string): Promise<(ConversationView & { counts: MemberCounts })[]> {
    const me = await this.users.me(userId);
    const memberIds = await this.access.memberIdsOf(userId);
    let conversations = await this.conversations.listWith(userId, memberIds);
    if (await this.repairStaleCounts(conversations)) conversations = await this.conversations.listWith(userId, memberIds);
    const views = await this.views(me, memberIds, conversations);
    // The badge a push carries is the sum of these counts: the list keeps the copy right.
    await this.conversations.mendUnread(userId, views.map((view) => view.conversation));
    return views.map((view) => ({ ...view, counts: countsFor(view.conversation, userId) }));
  }

  /** The conversation with a network member (by id or account id), its history or a page of it. */
  @Throws('VALIDATION_FAILED', 'USER_NOT_FOUND', 'NOT_A_NETWORK_MEMBER', 'MESSAGE_NOT_FOUND')
  async with(
    userId: string,
    other: { userId?: string; accountId?: string },
    page: { limit?: number; before?: string },
  ): Promise<ConversationView & ShownMessages & { hasMore: boolean }> {
    if (Boolean(other.userId) === Boolean(other.accountId)) {
      throw new AppError('VALIDATION_FAILED', 'Give exactly one of withUserId or withAccountId', [
        { field: 'withUserId', errors: ['exactly one of withUserId or withAccountId is required'] },
      ]);
    }
    const me = await this.users.me(userId);
    const otherUser = other.userId ? await this.users.find(other.userId) : await this.users.findByAccountId(other.accountId!);
    // Unknown and not-in-my-network look the same: nobody learns who exists.
    if (!otherUser) throw new AppError('NOT_A_NETWORK_MEMBER');
    const conversation = await this.access.withMember(userId, otherUser.id);
    let before: Message | undefined;
    if (page.before) {
      before = await this.messages.findById(page.before);
      if (!before || before.conversationId !== conversation.id) throw new AppError('MESSAGE_NOT_FOUND', 'before: no such message in this conversation');
    }
    const { messages, hasMore } = await this.messages.history(conversation, { limit: page.limit, before });
    const display = await this.display(userId, messages, true);
    return { conversation, me: await this.party(me), other: await this.party(otherUser), messages, display, hasMore };
  }

  private async party(user: User): Promise<ChatParty> {
    return { user, online: await this.presence.isOnline(user.id) };
  }

  /** Recounts conversations whose writer died between its two writes; true if any was repaired. */
  private async repairStaleCounts(conversations: Conversation[]): Promise<boolean> {
    const staleBefore = Date.now() - this.config.chat.countsRepairAfterMs;
    let repaired = false;
    for (const conversation of conversations) {
      if (conversation.pendingWrites <= 0 || !conversation.lastWriteAt || conversation.lastWriteAt.getTime() >= staleBefore) continue;
      const counts = await this.messages.recount(conversation.id, ...conversation.userIds);
      repaired = (await this.conversations.replaceCounts(conversation.id, conversation.writeEpoch, counts)) || repaired;
    }
    return repaired;
  }

  /** The conversations with current network members, with both parties, most recently active first. */
  private async views(me: User, memberIds: string[], conversations: Conversation[]): Promise<ConversationView[]> {
    const members = new Set(memberIds);
    const linked = conversations.filter((c) => members.has(otherMember(c, me.id)));
    const others = new Map((await this.users.findMany(linked.map((c) => otherMember(c, me.id)))).map((u) => [u.id, u]));
    const mine = await this.party(me);
    const sorted = linked
      .filter((c) => others.has(otherMember(c, me.id)))
      .sort((a, b) => (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0));
    return Promise.all(
      sorted.map(async (conversation) => ({ conversation, me: mine, other: await this.party(others.get(otherMember(conversation, me.id))!) })),
    );
  }
}
