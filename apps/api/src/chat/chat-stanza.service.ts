import { Injectable } from '@nestjs/common';
import { AppError } from '@app/common';
import { User, UserRepository } from '@app/dal';
import { ChatService } from './chat.service';
import { ImPayload, StatusUpdatePayload } from './dto/ws/payloads';

export interface SentAck {
  status: 'sent';
  uniqueid: string;
  messageid: string;
  conversationId: string;
  created: string;
}

export interface StatusUpdatedAck {
  status: 'statusUpdated';
  uniqueid: string;
  messageid: string;
  /** The message's delivery status now (a no-op leaves it where it was). */
  deliveryStatus: string;
}

/**
 * The seed's socket stanzas (`im`, `messageStatusUpdate`) in terms of the chat domain: people
 * named by id or cell number, `from` checked against the caller. Used by the gateway and by sync.
 */
@Injectable()
export class ChatStanzaService {
  constructor(
    private readonly chat: ChatService,
    private readonly users: UserRepository,
  ) {}

  async im(callerId: string, payload: ImPayload): Promise<SentAck> {
    const me = await this.chat.me(callerId);
    if (!this.names(payload.from, me)) throw new AppError('FROM_NOT_CALLER');
    const recipient = await this.resolve(payload.to);
    if (!recipient) throw new AppError('NOT_A_NETWORK_MEMBER');
    const { message, created } = await this.chat.addMessageTo(
      me,
      recipient,
      { text: payload.msg, uniqueId: payload.uniqueid, fileType: payload.file_type ?? null },
      'ifOffline',
    );
    // A resend of a message nobody acknowledged: the first `im` may never have left this server.
    if (!created && message.deliveryStatus === 'sent' && !message.deletedAt) await this.chat.deliver(message, me);
    return {
      status: 'sent',
      uniqueid: message.uniqueId,
      messageid: message.id,
      conversationId: message.conversationId,
      created: message.createdAt.toISOString(),
    };
  }

  async statusUpdate(callerId: string, payload: StatusUpdatePayload): Promise<StatusUpdatedAck> {
    // A sender named by id needs no user read: the message's _id derives from it (none if unknown).
    const senderId = payload.sender.startsWith('+') ? (await this.users.findByPhone(payload.sender))?.id : payload.sender.toLowerCase();
    const message = senderId ? await this.chat.findSentMessage(senderId, payload.uniqueid) : undefined;
    if (!message) throw new AppError('MESSAGE_NOT_FOUND');
    const result = await this.chat.reportStatusOf(callerId, message, payload.status);
    return { status: 'statusUpdated', uniqueid: payload.uniqueid, messageid: message.id, deliveryStatus: result.message.deliveryStatus };
  }

  private async resolve(person: string): Promise<User | undefined> {
    return person.startsWith('+') ? this.users.findByPhone(person) : this.users.findById(person.toLowerCase());
  }

  private names(person: string, user: User): boolean {
    return person.startsWith('+') ? person === user.phone : person.toLowerCase() === user.id;
  }
}
