import { Injectable } from '@nestjs/common';
import type { Message, NewMessage, PushContent, User } from '@app/dal';
import { InsertResult, MessageRepository } from '@app/dal/messages';
import { FcmResponse, PushMode, PushService } from '../push/push.service';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
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

/** Who is told of a message made visible: its receiver, or (a DRFI response) both parties. */
export type Audience = 'receiver' | 'bothParties';

/**
 * Every producer of a message (chat, DRFI, later files) goes through here: store, then tell the
 * parties' sockets, then push. `publish` is the single place a stored message becomes visible to
 * anyone, so what follows a new message (the change feed, read receipts across devices) hooks in here.
 */
@Injectable()
export class MessageDispatcher {
  constructor(
    private readonly messages: MessageRepository,
    private readonly notifier: RealtimeNotifier,
    private readonly push: PushService,
  ) {}

  /** Stores a message once per (sender, uniqueid) and publishes it; a resend gets the original, unpublished. */
  async dispatch(message: NewMessage, sender: User, options: DispatchOptions): Promise<DispatchedMessage> {
    const result = await this.store(message, options.knownNew);
    if (!result.created) return result;
    await options.onStored?.(result.message);
    const fcmResponse = await this.publish(result.message, sender, { audience: 'receiver', push: options.push, pushContent: options.pushContent });
    return fcmResponse ? { ...result, fcmResponse } : result;
  }

  /** Stores without telling anyone yet (a DRFI response: the insert is its claim, published once finished). */
  store(message: NewMessage, knownNew = false): Promise<InsertResult> {
    return this.messages.insert(message, { knownNew });
  }

  /** Tells the audience's sockets of a stored message, then pushes it to the receiver. */
  async publish(
    message: Message,
    sender: User,
    options: { audience: Audience; push: PushMode; pushContent?: (message: Message) => PushContent; alongside?: () => void },
  ): Promise<FcmResponse | undefined> {
    this.tell(message, sender, options.audience);
    // What goes out with the message, before the push (a DRFI response's drfiStatusUpdate).
    options.alongside?.();
    return this.push.forNewMessage(message, (options.pushContent ?? ((m: Message) => messagePushContent(m, sender)))(message), options.push);
  }

  /**
   * Sends `im` again for a stored message nobody has acknowledged (a resend: the server may have
   * died between storing and telling). No push: the first attempt queued it durably.
   */
  redeliver(message: Message, sender: User): void {
    this.tell(message, sender, 'receiver');
  }

  private tell(message: Message, sender: User, audience: Audience): void {
    const to = audience === 'receiver' ? [message.receiverId] : [message.senderId, message.receiverId];
    this.notifier.toUsers(to, 'im', imStanza(message, sender));
  }
}
