import { Injectable } from '@nestjs/common';
import type { User } from '@app/dal';
import { accountInbox, BlockRepository, InvitationRepository, NetworkLinkRepository, phoneInbox } from '@app/dal/network';
import { UsersService } from '../users/users.service';

/** What a data export holds of the user's network. */
export interface NetworkExport {
  members: { userId: string; name: string }[];
  invitationsSent: { invitationId: string; phone: string | null; accountId: string | null; status: string; sentAt: string }[];
  invitationsReceived: { invitationId: string; fromUserId: string; sentAt: string }[];
  blocked: { userId: string; blockedAt: string }[];
}

/** The network's part of a user's data rights (docs/security.md, "Data rights"): a copy, and erasure. */
@Injectable()
export class NetworkPersonalData {
  constructor(
    private readonly users: UsersService,
    private readonly links: NetworkLinkRepository,
    private readonly invitations: InvitationRepository,
    private readonly blocks: BlockRepository,
  ) {}

  async exportOf(user: User): Promise<NetworkExport> {
    const memberIds = await this.links.memberIdsOf(user.id);
    const [members, sent, received, blocked] = await Promise.all([
      this.users.findMany(memberIds),
      this.invitations.sent(user.id),
      this.invitations.received(phoneInbox(user.phone)),
      this.blocks.of(user.id),
    ]);
    return {
      members: members.filter((m) => !m.erased).map((m) => ({ userId: m.id, name: m.name })),
      invitationsSent: sent.map((i) => ({ invitationId: i.id, phone: i.toPhone, accountId: i.toAccountId, status: i.status, sentAt: i.sentAt.toISOString() })),
      invitationsReceived: received.map((i) => ({ invitationId: i.id, fromUserId: i.inviterId, sentAt: i.sentAt.toISOString() })),
      blocked: blocked.map((b) => ({ userId: b.blockedId, blockedAt: b.blockedAt.toISOString() })),
    };
  }

  /**
   * Erases what the network holds of the user: their invitations both ways (numbers they asked,
   * their own number in others' lists) and their blocks. Links stay, so the other party keeps the
   * conversation in their list (with "Deleted user"); nobody can send to an erased user, and
   * network listings leave them out. Idempotent.
   */
  async erase(user: Pick<User, 'id' | 'phone' | 'accountId'>): Promise<void> {
    await this.invitations.removeAllOf(user.id, [phoneInbox(user.phone), accountInbox(user.accountId)]);
    await this.blocks.removeAllBy(user.id);
  }
}
