import { Injectable } from '@nestjs/common';
import type { Message, NewMessage, PushContent, User } from '@app/dal';
import { InsertResult, MessageRepository } from '@app/dal/messages';
import { AttachmentLinks } from '@app/storage';
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
}

export interface DispatchedMessage extends InsertResult {
  /** This call made it visible (a new message, or a resend whose first attempt died before that). */
  publishedNow: boolean;
  /** The FCM result, when a push was sent and answered within the bound (push mode 'await'). */
  fcmResponse?: FcmResponse;
}

/** The change a new message is in its parties' sequences. */
const messageChangeKey = (message: Message) => `m:${message.id}`;

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
    private readonly links: AttachmentLinks,
  ) {}

  /**
   * Stores a message once per (sender, uniqueid) and publishes it. A resend gets the original; if
   * the attempt that stored it died before publishing it, the resend finishes that.
   */
  async dispatch(message: NewMessage, sender: User, options: DispatchOptions): Promise<DispatchedMessage> {
    const result = await this.store(message);
    // The uniqueid names a message of another conversation: not a resend of this one (the caller refuses it).
    if (!result.created && result.message.conversationId !== message.conversationId) return { ...result, publishedNow: false };
    if (!result.created && (await this.settleResend(result.message, sender))) return { ...result, publishedNow: false };
    await options.onStored?.(result.message);
    const fcmResponse = await this.publish(result.message, sender, { push: options.push, pushContent: options.pushContent, firstAttempt: result.created });
    return { ...result, publishedNow: true, ...(fcmResponse ? { fcmResponse } : {}) };
  }

  /** Stores without telling anyone yet (a DRFI response: the insert is its claim, published once finished). */
  store(message: NewMessage): Promise<InsertResult> {
    return this.messages.insert(message);
  }

  /**
   * For a message stored before (a resend): false if it was never published (the attempt that
   * stored it died first; publish it now). Otherwise true, once its change is in both parties'
   * sequences (the attempt may have died part-way through them; only what was missing is told).
   */
  async settleResend(message: Message, sender: User): Promise<boolean> {
    const key = messageChangeKey(message);
    if (!(await this.changes.wasAnnounced(message.receiverId, key))) return false;
    await this.changes.announce('message', key, [message.senderId, message.receiverId], imStanza(message, sender, this.links), false);
    return true;
  }

  /** Makes a stored message a change of both parties, then pushes it to the receiver. */
  async publish(
    message: Message,
    sender: User,
    options: { push: PushMode; pushContent?: (message: Message) => PushContent; alongside?: () => Promise<void>; firstAttempt: boolean },
  ): Promise<FcmResponse | undefined> {
    await this.changes.announce('message', messageChangeKey(message), [message.senderId, message.receiverId], imStanza(message, sender, this.links), options.firstAttempt);
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
    this.notifier.toUser(message.receiverId, 'im', imStanza(message, sender, this.links));
  }
}
