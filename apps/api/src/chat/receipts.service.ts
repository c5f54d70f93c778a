import { Injectable } from '@nestjs/common';
import { AppError, Throws } from '@app/common';
import { Message, messageIdFor } from '@app/dal';
import { MessageStatusService, ReceiptStatus, StatusChange } from '@app/status';
import { statusUpdateStanza } from '../messages/stanzas';
import { ChangeFeedService } from '../messages/change-feed.service';
import { freshness, type Freshness } from '../messages/freshness';
import { PushService } from '../push/push.service';
import type { StatusUpdateRequest, StatusUpdatedAck } from '../realtime/socket-events';
import { UsersService } from '../users/users.service';
import { ChatAccessService } from './chat-access.service';

/**
 * Receipts: the receiver reports delivered or seen (socket `messageStatusUpdate`, REST mark-read),
 * through the status machine in libs/status; every real change reaches both parties' devices and sequences,
 * and a read reaches the reader's devices as a silent push too (their notification of it cleared, the badge set).
 */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly users: UsersService,
    private readonly access: ChatAccessService,
    private readonly status: MessageStatusService,
    private readonly changes: ChangeFeedService,
    private readonly push: PushService,
  ) {}

  /** Socket `messageStatusUpdate` (also a resend inside sync): the message named by its sender and uniqueid. */
  @Throws('MESSAGE_NOT_FOUND', 'NOT_MESSAGE_RECEIVER')
  async statusUpdate(callerId: string, stanza: StatusUpdateRequest): Promise<StatusUpdatedAck> {
    // A sender named by id needs no user read: the message's _id derives from it (none if unknown).
    const senderId = stanza.sender.startsWith('+') ? (await this.users.findByPhone(stanza.sender))?.id : stanza.sender.toLowerCase();
    if (!senderId) throw new AppError('MESSAGE_NOT_FOUND');
    const messageId = messageIdFor(senderId, stanza.uniqueid).toHexString();
    const result = await this.announced(await this.status.reportByReceiver(messageId, callerId, stanza.status));
    if (result.changed && result.message.deliveryStatus === 'seen') this.push.readElsewhere(callerId, result.message.conversationId);
    return { status: 'statusUpdated', uniqueid: stanza.uniqueid, messageid: messageId, deliveryStatus: result.message.deliveryStatus };
  }

  /** Marks one message seen; only its receiver may. */
  @Throws('MESSAGE_NOT_FOUND', 'NOT_MESSAGE_RECEIVER')
  async markMessageRead(userId: string, messageId: string): Promise<Message> {
    const result = await this.announced(await this.status.reportByReceiver(messageId, userId, 'seen' satisfies ReceiptStatus));
    if (result.changed) this.push.readElsewhere(userId, result.message.conversationId);
    return result.message;
  }

  /** Marks every incoming message of the conversation seen; returns those that changed. */
  @Throws('CONVERSATION_NOT_FOUND')
  async markConversationRead(userId: string, conversationId: string): Promise<Message[]> {
    const conversation = await this.access.memberConversation(conversationId, userId);
    const changed = await this.status.markConversationSeen(conversation, userId);
    for (const message of changed) await this.announce(message, 'fresh');
    if (changed.length > 0) this.push.readElsewhere(userId, conversation.id);
    return changed;
  }

  /**
   * A real change is announced. A repeated receipt announces the stored status again, which adds
   * it to the sequences only where it is missing: the server that changed it may have died before
   * announcing it (the receiver resends what was not acknowledged).
   */
  private async announced(result: StatusChange): Promise<StatusChange> {
    await this.announce(result.message, freshness(result.changed));
    return result;
  }

  /** A status change reaches both parties: the sender's devices, and the reader's other devices. */
  private async announce(message: Message, fresh: Freshness): Promise<void> {
    const key = `s:${message.id}:${message.deliveryStatus}`;
    await this.changes.announce('status', key, [message.senderId, message.receiverId], statusUpdateStanza(message), fresh);
  }
}
