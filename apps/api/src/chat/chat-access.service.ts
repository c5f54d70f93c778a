import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import { Conversation, pairId } from '@app/dal';
import { ConversationRepository } from '@app/dal/messages';
import { NetworkService } from '../network/network.service';

/** Who may act on which conversation: its members, while they are in each other's network. */
@Injectable()
export class ChatAccessService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly network: NetworkService,
  ) {}

  /** The conversation if the user is one of its members; CONVERSATION_NOT_FOUND otherwise. */
  async memberConversation(conversationId: string, userId: string): Promise<Conversation> {
    const conversation = await this.conversations.findForMember(conversationId, userId);
    if (!conversation) throw new AppError('CONVERSATION_NOT_FOUND');
    return conversation;
  }

  /** The conversation of the caller with a network member; NOT_A_NETWORK_MEMBER otherwise. */
  async withMember(userId: string, otherId: string): Promise<Conversation> {
    if (otherId === userId || !(await this.network.areLinked(userId, otherId))) throw new AppError('NOT_A_NETWORK_MEMBER');
    // A point read; the upsert (a write) only the first time.
    return (await this.conversations.findForPair(userId, otherId)) ?? this.conversations.ensureForPair(userId, otherId);
  }

  /**
   * The id of the caller's conversation with a network member, NOT_A_NETWORK_MEMBER otherwise. It
   * is derived from the pair, so nothing is read but the link (the first message makes the conversation).
   */
  async conversationIdWith(userId: string, otherId: string): Promise<string> {
    if (otherId === userId || !(await this.network.areLinked(userId, otherId))) throw new AppError('NOT_A_NETWORK_MEMBER');
    return pairId(userId, otherId).toHexString();
  }

  isLinked(userId: string, otherId: string): Promise<boolean> {
    return this.network.areLinked(userId, otherId);
  }

  memberIdsOf(userId: string): Promise<string[]> {
    return this.network.memberIdsOf(userId);
  }
}
