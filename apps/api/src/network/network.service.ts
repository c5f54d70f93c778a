import { Injectable } from '@nestjs/common';
import { AppError, Throws } from '@app/common';
import { pairKey, User } from '@app/dal';
import { NetworkLinkRepository } from '@app/dal/network';
import { MessagesService } from '../messages/messages.service';
import { UsersService } from '../users/users.service';

export interface NetworkMember {
  user: User;
  conversationId: string;
}

export interface NetworkLink {
  userId: string;
  memberId: string;
  conversationId: string;
  created: boolean;
}

/**
 * The personal network: mutual links between users, each with its one-to-one conversation.
 * Chat is only ever between network members.
 */
@Injectable()
export class NetworkService {
  constructor(
    private readonly users: UsersService,
    private readonly links: NetworkLinkRepository,
    private readonly messages: MessagesService,
  ) {}

  /**
   * Links two users. The conversation is made first, so a crash between the two writes leaves at
   * worst a conversation without a link, which the retry completes; linking twice changes nothing.
   */
  @Throws('CANNOT_LINK_SELF', 'MEMBER_NOT_FOUND')
  async link(userId: string, memberId: string): Promise<NetworkLink> {
    if (userId === memberId) throw new AppError('CANNOT_LINK_SELF');
    const found = await this.users.findMany([userId, memberId]);
    if (found.length !== 2) throw new AppError('MEMBER_NOT_FOUND');
    const conversation = await this.messages.ensureConversation(userId, memberId);
    const created = await this.links.link(userId, memberId);
    return { userId, memberId, conversationId: conversation.id, created };
  }

  /** Removes a link; the conversation and its history stay. */
  @Throws('NOT_A_NETWORK_MEMBER')
  async unlink(userId: string, memberId: string): Promise<void> {
    if (!(await this.links.unlink(userId, memberId))) throw new AppError('NOT_A_NETWORK_MEMBER');
  }

  /** The owner's network members with their conversation ids. */
  async members(ownerId: string): Promise<NetworkMember[]> {
    const memberIds = await this.links.memberIdsOf(ownerId);
    const [users, conversations] = await Promise.all([
      this.users.findMany(memberIds),
      this.messages.conversationsWith(ownerId, memberIds),
    ]);
    const byId = new Map(users.map((u) => [u.id, u]));
    const conversationByPair = new Map(conversations.map((c) => [pairKey(c.userIds[0], c.userIds[1]), c.id]));
    return memberIds.flatMap((id) => {
      const user = byId.get(id);
      // An erased member is nobody now (their conversation stays in the chat list).
      if (user?.erased) return [];
      const conversationId = conversationByPair.get(pairKey(ownerId, id));
      return user && conversationId ? [{ user, conversationId }] : [];
    });
  }

  /** Whether the two are linked (chat is only between network members). */
  areLinked(userId: string, memberId: string): Promise<boolean> {
    return this.links.areLinked(userId, memberId);
  }

  memberIdsOf(ownerId: string): Promise<string[]> {
    return this.links.memberIdsOf(ownerId);
  }
}
