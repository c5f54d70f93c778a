import { Injectable } from '@nestjs/common';
import type { Message, NewMessage, PushContent, User } from '@app/dal';
import { InsertResult, MessageRepository } from '@app/dal/messages';
import { AttachmentLinks } from '@app/storage';
import { FcmResponse, PushMode, PushService } from '../push/push.service';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
import type { ImStanza } from '../realtime/socket-events';
import { ChangeFeedService } from './change-feed.service';
import { freshness, type Freshness } from './freshness';
import { messagePushContent } from './message-push';
import { imStanza } from './stanzas';

export interface DispatchOptions {
  push: PushMode;
  /** What the push says; a chat message's own content when absent. */
  pushContent?: (message: Message) => PushContent;
}

export interface DispatchedMessage extends InsertResult {
  /** This call added the message to its receiver's sequence (a new message, or a resend whose first attempt died before that). */
  reachedReceiver: boolean;
  /** The FCM result, when a push was sent and answered within the bound (push mode 'await'). */
  fcmResponse?: FcmResponse;
}

/** The change a new message is in its parties' sequences. */
const messageChangeKey = (message: Message) => `m:${message.id}`;

/**
 * Every producer of a message (chat, DRFI, later files) goes through here, in three steps: store
 * (the write says whether it is fresh), announce (a change of both parties: their change
 * sequences and all their devices; the sender's other devices get the message it just sent), and
 * push when the announce reached the receiver. A resend repeats the steps: the write finds the
 * original, and the change feed adds it only where an earlier attempt did not (docs/decisions.md).
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

  /** Stores a message once per (sender, uniqueid) and publishes it; a resend gets the original. */
  async dispatch(message: NewMessage, sender: User, options: DispatchOptions): Promise<DispatchedMessage> {
    const written = await this.store(message);
    // The uniqueid names a message of another conversation: not a resend of this one (the caller refuses it).
    if (!written.created && written.message.conversationId !== message.conversationId) return { ...written, reachedReceiver: false };
    return this.publish(written, sender, options);
  }

  /** Stores without telling anyone yet (what must be written before anyone is told goes between: a DRFI audit entry, a DRFI answer's claim). */
  store(message: NewMessage): Promise<InsertResult> {
    return this.messages.insert(message);
  }

  /** Announces a stored message and pushes it if that reached its receiver now. */
  async publish(written: InsertResult, sender: User, options: DispatchOptions): Promise<DispatchedMessage> {
    const reachedReceiver = await this.announce(written.message, sender, freshness(written.created));
    const fcmResponse = reachedReceiver ? await this.pushNew(written.message, sender, options) : undefined;
    return { ...written, reachedReceiver, ...(fcmResponse ? { fcmResponse } : {}) };
  }

  /** Makes a stored message a change of both parties; whether its receiver got it now (not by an earlier attempt). */
  async announce(message: Message, sender: User, fresh: Freshness): Promise<boolean> {
    const reached = await this.changes.announce('message', messageChangeKey(message), [message.senderId, message.receiverId], await this.stanza(message, sender), fresh);
    return reached.includes(message.receiverId);
  }

  /** The receiver's push for a message just announced to them. */
  pushNew(message: Message, sender: User, options: DispatchOptions): Promise<FcmResponse | undefined> {
    return this.push.forNewMessage(message, (options.pushContent ?? ((m: Message) => messagePushContent(m, sender)))(message), options.push);
  }

  /**
   * Sends `im` again to the receiver's sockets for a stored message nobody has acknowledged (a
   * resend: the first `im` may never have left this server). Its change is already in the sequences
   * (sync has it); no push: the first attempt queued it durably.
   */
  async redeliver(message: Message, sender: User): Promise<void> {
    this.notifier.toUser(message.receiverId, 'im', await this.stanza(message, sender));
  }

  /** The message's `im`; a reply's with the quoted message as it is now (one more read, for replies only). */
  private async stanza(message: Message, sender: User): Promise<ImStanza> {
    const quoted = message.replyTo ? await this.messages.findById(message.replyTo) : undefined;
    return imStanza(message, sender, this.links, quoted);
  }
}
