import { Injectable } from '@nestjs/common';
import { AppError, Throws } from '@app/common';
import { derivedId, User } from '@app/dal';
import { accountInbox, Invitation, InvitationRepository, phoneInbox } from '@app/dal/network';
import { DailyBudgets } from '../rate-limit/daily-budgets.service';
import { UsersService } from '../users/users.service';
import { BlocksService } from './blocks.service';
import { NetworkMember, NetworkService } from './network.service';

/** What the inviter is told: the same for a number that belongs to no one as for one that does. */
export interface InvitationSent {
  id: string;
  /** `accepted` only when the two are linked now (they had invited the caller too, or were linked already). */
  status: 'pending' | 'accepted';
  sentAt: Date;
  member?: NetworkMember;
}

export interface ReceivedInvitation {
  id: string;
  from: User;
  sentAt: Date;
}

/**
 * Consent to be in someone's network (docs/decisions.md, "Invitations"). Adding someone by phone or
 * account id sends an invitation to that number's (or account's) inbox, which its holder accepts
 * (the pair is linked, their old conversation reused) or declines. The inviter learns nothing
 * from the answer to the invite itself: an unknown number, a known one, one that declined and
 * one that blocked them all read as a pending invitation. Admins link directly.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly users: UsersService,
    private readonly invitations: InvitationRepository,
    private readonly network: NetworkService,
    private readonly blocks: BlocksService,
    private readonly budgets: DailyBudgets,
  ) {}

  /** Invites the user with this account id or phone (INVITATIONS_PER_DAY a day; inviting again spends one too). */
  @Throws('VALIDATION_FAILED', 'CANNOT_LINK_SELF', 'USER_BLOCKED', 'RATE_LIMITED', 'USER_NOT_FOUND')
  async invite(inviterId: string, to: { accountId?: string; phone?: string }): Promise<InvitationSent> {
    if (Boolean(to.accountId) === Boolean(to.phone)) {
      throw new AppError('VALIDATION_FAILED', 'Give exactly one of accountId or phone', [
        { field: 'accountId', errors: ['exactly one of accountId or phone is required'] },
      ]);
    }
    const me = await this.users.me(inviterId);
    if (to.phone === me.phone || to.accountId === me.accountId) throw new AppError('CANNOT_LINK_SELF');
    await this.budgets.spend('invitation', me.id);
    const invitee = to.accountId ? await this.users.findByAccountId(to.accountId) : await this.users.findByPhone(to.phone!);
    const inbox = invitee ? phoneInbox(invitee.phone) : to.phone ? phoneInbox(to.phone) : accountInbox(to.accountId!);
    // The same reads for a number nobody has as for one that belongs to someone (for nobody, of a
    // stand-in id that is no one's), so the time the answer takes does not tell the two apart.
    const otherId = invitee?.id ?? derivedId(`nobody:${inbox}`).toHexString();
    const [blockedByMe, linked, theirs, blockedMe] = await Promise.all([
      this.blocks.hasBlocked(me.id, otherId),
      this.network.areLinked(me.id, otherId),
      this.invitations.find(this.invitations.idOf(otherId, phoneInbox(me.phone))),
      this.blocks.hasBlocked(otherId, me.id),
    ]);
    if (!invitee) return this.sent(await this.invitations.send(me.id, inbox, to, 'pending'));

    if (blockedByMe) throw new AppError('USER_BLOCKED');
    if (linked) return this.linked(me, invitee, this.invitations.idOf(me.id, inbox));
    // They invited me too: both asked, so the pair is linked now.
    if (theirs?.status === 'pending' && (await this.invitations.answer(theirs.id, 'accepted', me.id))) {
      return this.linked(me, invitee, this.invitations.idOf(me.id, inbox));
    }
    return this.sent(await this.invitations.send(me.id, inbox, to, blockedMe ? 'declined' : 'pending'));
  }

  /** The caller's pending invitations, received (with who sent them) and sent (as they were addressed). */
  async list(userId: string): Promise<{ received: ReceivedInvitation[]; sent: Invitation[] }> {
    const me = await this.users.me(userId);
    const [received, sent] = await Promise.all([this.invitations.received(phoneInbox(me.phone)), this.invitations.sent(me.id)]);
    const inviters = new Map((await this.users.findMany(received.map((i) => i.inviterId))).map((u) => [u.id, u]));
    return {
      received: received.flatMap((i) => {
        const from = inviters.get(i.inviterId);
        return from ? [{ id: i.id, from, sentAt: i.sentAt }] : [];
      }),
      sent,
    };
  }

  /**
   * Accepts an invitation in the caller's inbox: the pair is linked (their conversation, old or
   * new, is the one derived from the pair). Accepting again returns the same member.
   */
  @Throws('INVITATION_NOT_FOUND', 'USER_NOT_FOUND')
  async accept(userId: string, invitationId: string): Promise<NetworkMember> {
    const [me, invitation] = await this.addressedTo(userId, invitationId);
    const mine = invitation.status === 'accepted' && invitation.answeredBy === me.id;
    if (!mine && (invitation.status !== 'pending' || (await this.blocks.eitherBlocked(me.id, invitation.inviterId)))) throw new AppError('INVITATION_NOT_FOUND');
    // Accepted first (one winner against a withdrawal), linked second: a retry after a crash between links.
    if (!mine && !(await this.invitations.answer(invitation.id, 'accepted', me.id))) throw new AppError('INVITATION_NOT_FOUND');
    const link = await this.network.link(invitation.inviterId, me.id);
    const [inviter] = await this.users.findMany([invitation.inviterId]);
    return { user: inviter, conversationId: link.conversationId };
  }

  /** Declines an invitation in the caller's inbox (declining again changes nothing); the inviter is not told. */
  @Throws('INVITATION_NOT_FOUND', 'USER_NOT_FOUND')
  async decline(userId: string, invitationId: string): Promise<void> {
    const [me, invitation] = await this.addressedTo(userId, invitationId);
    if (invitation.status === 'declined' && invitation.answeredBy === me.id) return;
    if (invitation.status !== 'pending' || !(await this.invitations.answer(invitation.id, 'declined', me.id))) throw new AppError('INVITATION_NOT_FOUND');
  }

  /** The inviter takes back an invitation not accepted yet (withdrawing again changes nothing). */
  @Throws('INVITATION_NOT_FOUND')
  async withdraw(userId: string, invitationId: string): Promise<void> {
    const invitation = await this.invitations.find(invitationId);
    if (!invitation || invitation.inviterId !== userId || invitation.status === 'accepted') throw new AppError('INVITATION_NOT_FOUND');
    if (invitation.status !== 'withdrawn') await this.invitations.answer(invitation.id, 'withdrawn', userId);
  }

  /** The caller and an invitation in their inbox; INVITATION_NOT_FOUND for anyone else's. */
  private async addressedTo(userId: string, invitationId: string): Promise<[User, Invitation]> {
    const [me, invitation] = await Promise.all([this.users.me(userId), this.invitations.find(invitationId)]);
    if (!invitation || invitation.inbox !== phoneInbox(me.phone)) throw new AppError('INVITATION_NOT_FOUND');
    return [me, invitation];
  }

  private sent(invitation: Invitation): InvitationSent {
    return { id: invitation.id, status: 'pending', sentAt: invitation.sentAt };
  }

  private async linked(me: User, member: User, id: string): Promise<InvitationSent> {
    const link = await this.network.link(me.id, member.id);
    return { id, status: 'accepted', sentAt: new Date(), member: { user: member, conversationId: link.conversationId } };
  }
}
