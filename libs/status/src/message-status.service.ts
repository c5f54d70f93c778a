import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import { Conversation, Message } from '@app/dal';
import { ConversationRepository, MessageRepository } from '@app/dal/messages';
import { MessageStatusRepository } from '@app/dal/message-status';
import { deliveryStatusesBefore, DrfiResolution, drfiTransition, ReceiptStatus } from './status-rules';

export interface StatusChange {
  message: Message;
  /** false for a no-op (the status was already there or beyond): nothing to tell the sender. */
  changed: boolean;
}

/**
 * The one place that changes a message's delivery status, for REST and sockets alike. Every change
 * is a conditional write whose condition is the state machine's "from" set, so racing receipts can
 * only move a status forward, and exactly one of them wins.
 */
@Injectable()
export class MessageStatusService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly conversations: ConversationRepository,
    private readonly writes: MessageStatusRepository,
  ) {}

  /**
   * The receiver reports `delivered` or `seen` for one message. Only the receiver may. The
   * conditional write comes first (it names the receiver and the "from" states); the message is
   * read only when it did not apply, to tell a no-op from a message that is not theirs.
   */
  async reportByReceiver(messageId: string, receiverId: string, status: ReceiptStatus): Promise<StatusChange> {
    const change = await this.writes.changeStatus(messageId, receiverId, deliveryStatusesBefore(status), status);
    if (change) return { message: change.after, changed: true };
    const message = await this.messages.findForParticipant(messageId, receiverId);
    if (!message) throw new AppError('MESSAGE_NOT_FOUND');
    if (message.receiverId !== receiverId) throw new AppError('NOT_MESSAGE_RECEIVER');
    // Already there or beyond (maybe a racing receipt got there first): report what is stored.
    return { message, changed: false };
  }

  /** Marks every incoming message of a conversation seen; returns the ones that changed. */
  async markConversationSeen(conversation: Conversation, receiverId: string): Promise<Message[]> {
    const { ids, upTo } = await this.messages.idsForReceiver(conversation, receiverId, deliveryStatusesBefore('seen'));
    const changed: Message[] = [];
    for (const id of ids) {
      const change = await this.writes.changeStatus(id, receiverId, deliveryStatusesBefore('seen'), 'seen');
      if (change) changed.push(change.after);
    }
    // Every incoming message up to there is seen now: the next time starts after it.
    if (upTo > 0) await this.conversations.raiseReadFloor(conversation.id, receiverId, upTo);
    return changed;
  }

  /**
   * Resolves a DRFI request (sent -> accepted | denied) once, by its receiver, pointing at its
   * response. Returns the resolved request, or undefined if it was resolved already.
   */
  async resolveDrfi(request: Message, receiverId: string, resolution: DrfiResolution, responseMessageId: string): Promise<Message | undefined> {
    if (drfiTransition(request.drfi?.status ?? 'sent', resolution) === 'conflict') return undefined;
    return (await this.writes.resolveDrfi(request.id, receiverId, resolution, responseMessageId))?.after;
  }

}
