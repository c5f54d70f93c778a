import { Injectable } from '@nestjs/common';
import type { Message, NewMessage, PushContent, User } from '@app/dal';
import { InsertResult, MessageRepository } from '@app/dal/messages';
import { FcmResponse, PushMode, PushService } from '../push/push.service';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
import { ChangeFeedService } from './change-feed.service';
import { messagePushContent } from './message-push';
import { imStanza } from './stanzas';

export interface DispatchOptions {
  push: PushMode;
  /** What the push says; a chat message's own content when absent. */
  pushContent?: (message: Message) => PushContent;
  /** Runs once the message is stored, before anyone is told (a DRFI request's audit entry). */
  onStored?: (message: Message) => Promise<void>;
  /** The caller already looked the uniqueid up and found nothing (saves the insert's own read). */
  knownNew?: boolean;
}

export interface DispatchedMessage extends InsertResult {
  /** The FCM result, when a push was sent and answered within the bound (push mode 'await'). */
  fcmResponse?: FcmResponse;
}

/**
 * Every producer of a message (chat, DRFI, later files) goes through here: store, then make it a
 * change of both parties (their change sequences, all their devices: the sender's other devices
 * get the message it just sent), then push. `publish` is the single place a stored message
 * becomes visible to anyone.
 */
@Injectable()
export class MessageDispatcher {
  constructor(
    private readonly messages: MessageRepository,
    private readonly notifier: RealtimeNotifier,
    private readonly changes: ChangeFeedService,
    private readonly push: PushService,
  ) {}

  /**
   * Stores a message once per (sender, uniqueid) and publishes it. A resend gets the original; if
   * the attempt that stored it died before publishing it (announcedRank -1), the resend finishes that.
   */
  async dispatch(message: NewMessage, sender: User, options: DispatchOptions): Promise<DispatchedMessage> {
    const result = await this.store(message, options.knownNew);
    if (!result.created && result.message.announcedRank >= 0) return result;
    await options.onStored?.(result.message);
    const fcmResponse = await this.publish(result.message, sender, { push: options.push, pushContent: options.pushContent, firstAttempt: result.created });
    return fcmResponse ? { ...result, fcmResponse } : result;
  }

  /** Stores without telling anyone yet (a DRFI response: the insert is its claim, published once finished). */
  store(message: NewMessage, knownNew = false): Promise<InsertResult> {
    return this.messages.insert(message, { knownNew });
  }

  /** Makes a stored message a change of both parties, then pushes it to the receiver. */
  async publish(
    message: Message,
    sender: User,
    options: { push: PushMode; pushContent?: (message: Message) => PushContent; alongside?: () => Promise<void>; firstAttempt: boolean },
  ): Promise<FcmResponse | undefined> {
    await this.changes.announce('message', `m:${message.id}`, [message.senderId, message.receiverId], imStanza(message, sender), options.firstAttempt);
    await this.messages.markAnnounced(message.id, 0);
    // What goes out with the message, before the push (a DRFI response's drfiStatusUpdate).
    await options.alongside?.();
    return this.push.forNewMessage(message, (options.pushContent ?? ((m: Message) => messagePushContent(m, sender)))(message), options.push);
  }

  /**
   * Sends `im` again to the receiver's sockets for a stored message nobody has acknowledged (a
   * resend: the first `im` may never have left this server). Its change is already in the sequences
   * (sync has it); no push: the first attempt queued it durably.
   */
  redeliver(message: Message, sender: User): void {
    this.notifier.toUser(message.receiverId, 'im', imStanza(message, sender));
  }
}
