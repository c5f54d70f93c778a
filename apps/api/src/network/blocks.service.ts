import { Injectable } from '@nestjs/common';
import { AppError, Throws } from '@app/common';
import { User } from '@app/dal';
import { BlockRepository, InvitationRepository, NetworkLinkRepository, phoneInbox } from '@app/dal/network';
import { UsersService } from '../users/users.service';

export interface BlockedUser {
  user: User;
  blockedAt: Date;
}

/**
 * Blocking (docs/decisions.md, "Block"). A block unlinks the pair, so everything chat gates on the
 * link (messages by REST and socket, DRFI, files, the conversation list and its presence) is closed
 * to both; the blocked one sees exactly what a removal from the network shows them, no more. Their
 * invitations to the blocker are kept but never delivered. Unblocking links the pair again if the
 * block unlinked them.
 */
@Injectable()
export class BlocksService {
  constructor(
    private readonly users: UsersService,
    private readonly blocks: BlockRepository,
    private readonly links: NetworkLinkRepository,
    private readonly invitations: InvitationRepository,
  ) {}

  /**
   * Blocks the user (blocking twice changes nothing). The block is written first, so a crash
   * after it leaves the gates closed and a retry finishes the unlinking.
   */
  @Throws('CANNOT_ACT_ON_SELF', 'MEMBER_NOT_FOUND', 'USER_NOT_FOUND')
  async block(blockerId: string, blockedId: string): Promise<BlockedUser> {
    if (blockerId === blockedId) throw new AppError('CANNOT_ACT_ON_SELF', 'You cannot block yourself');
    const [me, other] = await this.users.meAnd(blockerId, blockedId);
    if (!other) throw new AppError('MEMBER_NOT_FOUND');
    const block = await this.blocks.block(me.id, other.id, await this.links.areLinked(me.id, other.id));
    await this.links.unlink(me.id, other.id);
    // Their invitation to me is declined (silently); mine to them withdrawn.
    await this.invitations.answer(this.invitations.idOf(other.id, phoneInbox(me.phone)), 'declined', me.id);
    await this.invitations.answer(this.invitations.idOf(me.id, phoneInbox(other.phone)), 'withdrawn', me.id);
    // An unblock racing this call may lift the block at any point: the link ends as the blocks are.
    await this.settle(me.id, other.id, block.wasLinked);
    return { user: other, blockedAt: block.blockedAt };
  }

  /** Lifts the block; the pair is linked again if the block unlinked them (and they have not blocked me since). */
  @Throws('NOT_BLOCKED')
  async unblock(blockerId: string, blockedId: string): Promise<void> {
    const block = await this.blocks.find(blockerId, blockedId);
    if (!block) throw new AppError('NOT_BLOCKED');
    // Linked again before the block goes: a crash between leaves the block, which a retry lifts.
    if (block.wasLinked && !(await this.blocks.has(blockedId, blockerId))) await this.links.link(blockerId, blockedId);
    await this.blocks.unblock(blockerId, blockedId);
    // A block racing this call may have unlinked the pair after the link above: the link ends as the blocks are.
    await this.settle(blockerId, blockedId, block.wasLinked);
  }

  /**
   * Makes the pair's link agree with their blocks as they are now: unlinked while either blocks the
   * other; linked again once neither does, if the block this call made or lifted had unlinked them
   * (`relink`). Without a lock, a block and an unblock of one pair at once could each act on what
   * the other changed a moment later, so it reads the blocks again after its write and acts again
   * until what it read still holds: whichever call settles last sees the blocks as they end, and the
   * pair ends blocked and unlinked, or unblocked and linked, as one order of the two would leave it.
   */
  private async settle(a: string, b: string, relink: boolean): Promise<void> {
    let blocked = await this.eitherBlocked(a, b);
    for (;;) {
      if (blocked) await this.links.unlink(a, b);
      else if (relink) await this.links.link(a, b);
      else return;
      const now = await this.eitherBlocked(a, b);
      if (now === blocked) return;
      blocked = now;
    }
  }

  /** The users the caller blocked, oldest block first. */
  async blocked(blockerId: string): Promise<BlockedUser[]> {
    const blocks = await this.blocks.of(blockerId);
    const users = new Map((await this.users.findMany(blocks.map((b) => b.blockedId))).map((u) => [u.id, u]));
    return blocks.flatMap((b) => {
      const user = users.get(b.blockedId);
      return user ? [{ user, blockedAt: b.blockedAt }] : [];
    });
  }

  /** Whether either of the two blocked the other (two reads by `_id`). */
  async eitherBlocked(a: string, b: string): Promise<boolean> {
    const [ab, ba] = await Promise.all([this.blocks.has(a, b), this.blocks.has(b, a)]);
    return ab || ba;
  }

  hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return this.blocks.has(blockerId, blockedId);
  }
}
