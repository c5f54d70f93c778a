import { Injectable } from '@nestjs/common';
import type { Conversation, Message } from '@app/dal';
import { ConversationRepository, MessageRepository } from '@app/dal/messages';

/**
 * What other domains may read and keep of the chat domain's conversations and messages (DRFI,
 * network). The chat module itself works on the repositories.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
  ) {}

  /** The message if the user is its sender or receiver; undefined otherwise. */
  findForParticipant(messageId: string, userId: string): Promise<Message | undefined> {
    return this.messages.findForParticipant(messageId, userId);
  }

  /** Records that an accepted DRFI response's new values are in the vault; false if it already was. */
  markVaultApplied(responseId: string): Promise<boolean> {
    return this.messages.markVaultApplied(responseId);
  }

  /** The pair's one conversation, created on first use (when they are linked). */
  ensureConversation(a: string, b: string): Promise<Conversation> {
    return this.conversations.ensureForPair(a, b);
  }

  /** The user's conversations with these members (those that exist). */
  conversationsWith(userId: string, memberIds: string[]): Promise<Conversation[]> {
    return this.conversations.listWith(userId, memberIds);
  }
}
