import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, AppError, codePointLength, isOneEmoji, textProblem, Throws } from '@app/common';
import { Message, MessageAttachment, messageIdFor, otherMember, User } from '@app/dal';
import { MessageRepository } from '@app/dal/messages';
import { AttachmentsService } from '../attachments/attachments.service';
import { DrfiRequestsService } from '../drfi/drfi-requests.service';
import { DispatchedMessage, MessageDispatcher } from '../messages/message-dispatcher.service';
import { deletedStanza, editedStanza, reactionsOf, reactionStanza } from '../messages/stanzas';
import type { PushMode } from '../push/push.service';
import { ChangeFeedService } from '../messages/change-feed.service';
import type { EditedAck, ImRequest, ReactedAck, SentAck } from '../realtime/socket-events';
import { UsersService } from '../users/users.service';
import { ChatAccessService } from './chat-access.service';

export interface AddMessageInput {
  conversationId: string;
  receiverId: string;
  text?: string;
  /** 'drfi' makes a DRFI request for `drfiPaths` (handed to the DRFI module). */
  type?: 'text' | 'drfi';
  drfiPaths?: string[];
  uniqueId?: string;
  /** An upload of the sender's for this conversation, now sent in this message. */
  attachmentId?: string;
  /** An earlier message of this conversation it quotes (a reply). */
  replyTo?: string;
}

/** What a new message says, checked before anything is read or written. */
type Content = { kind: 'text'; text: string; fileType: string | null; attachmentId?: string; replyTo?: string } | { kind: 'drfi'; paths: string[] };

/** Sending and deleting messages: REST Add, socket `im` (and its resends in sync), REST Delete. */
@Injectable()
export class MessageCommandsService {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly access: ChatAccessService,
    private readonly messages: MessageRepository,
    private readonly dispatcher: MessageDispatcher,
    private readonly drfi: DrfiRequestsService,
    private readonly changes: ChangeFeedService,
    private readonly attachments: AttachmentsService,
  ) {}

  /**
   * REST Add to a conversation given by id. The receiver must be its other member, still in the
   * caller's network. A retry with the same uniqueid returns the original (even once they are no
   * longer linked) and creates nothing.
   */
  @Throws(
    'VALIDATION_FAILED', 'CONVERSATION_NOT_FOUND', 'RECEIVER_MISMATCH', 'UNIQUEID_REUSED', 'RECIPIENT_NOT_IN_NETWORK', 'USER_NOT_FOUND',
    'ATTACHMENT_NOT_FOUND', 'ATTACHMENT_NOT_READY', 'ATTACHMENT_IN_USE',
  )
  async add(senderId: string, input: AddMessageInput): Promise<DispatchedMessage> {
    const content = this.checkContent(input, null);
    const conversation = await this.access.memberConversation(input.conversationId, senderId);
    if (otherMember(conversation, senderId) !== input.receiverId) throw new AppError('RECEIVER_MISMATCH');
    if (input.uniqueId) {
      const original = await this.messages.findBySenderAndUniqueId(senderId, input.uniqueId);
      if (original) return this.retried(original, conversation.id);
    }
    if (!(await this.access.isLinked(senderId, input.receiverId))) throw new AppError('RECIPIENT_NOT_IN_NETWORK');
    // (Read with the receiver: an erased receiver is in nobody's network any more.)
    const [sender, receiver] = await this.users.meAnd(senderId, input.receiverId);
    if (!receiver) throw new AppError('RECIPIENT_NOT_IN_NETWORK');
    return this.send(sender, conversation.id, input.receiverId, input.uniqueId ?? randomUUID(), content, 'await');
  }

  /**
   * Socket `im` (also a resend inside sync): people named by id or cell number, `from` checked
   * against the caller. A resend returns the original's ack, and re-delivers it if nobody has
   * acknowledged it yet (the first `im` may never have left this server).
   */
  @Throws('VALIDATION_FAILED', 'USER_NOT_FOUND', 'FROM_NOT_CALLER', 'NOT_A_NETWORK_MEMBER', 'UNIQUEID_REUSED', 'ATTACHMENT_NOT_FOUND', 'ATTACHMENT_NOT_READY', 'ATTACHMENT_IN_USE')
  async im(callerId: string, stanza: ImRequest): Promise<SentAck> {
    // A recipient named by id is read with the caller (one read).
    const toId = this.users.personId(stanza.to);
    const [me, byId] = toId ? await this.users.meAnd(callerId, toId) : [await this.users.me(callerId), undefined];
    if (!this.users.names(stanza.from, me)) throw new AppError('FROM_NOT_CALLER');
    const recipient = toId ? byId : await this.users.findPerson(stanza.to);
    if (!recipient) throw new AppError('NOT_A_NETWORK_MEMBER');
    const content = this.checkContent({ text: stanza.msg, attachmentId: stanza.attachmentId, replyTo: stanza.replyTo }, stanza.file_type ?? null);
    let conversationId: string;
    try {
      conversationId = await this.access.conversationIdWith(me.id, recipient.id);
    } catch (err) {
      return sentAck(await this.sentBeforeUnlink(err, me.id, recipient.id, stanza.uniqueid));
    }
    const { message, created, reachedReceiver } = await this.send(me, conversationId, recipient.id, stanza.uniqueid, content, 'ifOffline');
    // (One whose first attempt died before it reached the receiver has just reached them, by the dispatcher.)
    if (!created && !reachedReceiver && message.deliveryStatus === 'sent' && !message.deletedAt) await this.dispatcher.redeliver(message, me);
    return sentAck(message);
  }

  /** Soft-deletes a message; only its sender may, and deleting twice changes nothing. Both parties' sockets hear of it. */
  @Throws('CONVERSATION_NOT_FOUND', 'RECEIVER_MISMATCH', 'MESSAGE_NOT_FOUND', 'NOT_MESSAGE_SENDER')
  async delete(userId: string, input: { conversationId: string; receiverId: string; messageId: string }): Promise<{ message: Message; changed: boolean }> {
    const conversation = await this.access.memberConversation(input.conversationId, userId);
    if (otherMember(conversation, userId) !== input.receiverId) throw new AppError('RECEIVER_MISMATCH');
    const message = await this.messages.findForParticipant(input.messageId, userId);
    if (!message || message.conversationId !== conversation.id) throw new AppError('MESSAGE_NOT_FOUND');
    if (message.senderId !== userId) throw new AppError('NOT_MESSAGE_SENDER');
    return this.markDeleted(message);
  }

  /**
   * An admin deletes a message for everyone (moderation): it reads as deleted to both parties,
   * exactly as when its sender deletes it. Deleting twice changes nothing.
   */
  @Throws('MESSAGE_NOT_FOUND')
  async deleteForEveryone(messageId: string): Promise<{ message: Message; changed: boolean }> {
    const message = await this.messages.findById(messageId);
    if (!message) throw new AppError('MESSAGE_NOT_FOUND');
    return this.markDeleted(message);
  }

  private async markDeleted(message: Message): Promise<{ message: Message; changed: boolean }> {
    const change = await this.messages.markDeleted(message.id, message.senderId);
    if (!change) return { message: (await this.messages.findById(message.id))!, changed: false };
    // Its file is no longer served, and its bytes go.
    if (change.after.attachment) await this.attachments.discard(change.after.attachment.id);
    await this.changes.announce('delete', `d:${change.after.id}`, [change.after.senderId, change.after.receiverId], deletedStanza(change.after), 'fresh');
    return { message: change.after, changed: true };
  }

  /**
   * The sender replaces a text message's text (its caption, on a message with an attachment) within
   * MESSAGE_EDIT_WINDOW_SECONDS of sending it. Every device of both parties hears `messageEdited`;
   * history, the list and sync show the current text. The earlier text is not kept. Repeating an
   * edit (a resend after a lost ack) answers the same and announces nothing again.
   */
  @Throws('VALIDATION_FAILED', 'MESSAGE_NOT_FOUND', 'NOT_MESSAGE_SENDER', 'MESSAGE_DELETED', 'MESSAGE_NOT_EDITABLE', 'EDIT_WINDOW_CLOSED')
  async edit(userId: string, input: { messageId: string; text: string }): Promise<EditedAck> {
    const message = await this.messages.findForParticipant(input.messageId, userId);
    if (!message) throw new AppError('MESSAGE_NOT_FOUND');
    if (message.senderId !== userId) throw new AppError('NOT_MESSAGE_SENDER');
    if (message.deletedAt) throw new AppError('MESSAGE_DELETED');
    if (message.type !== 'text') throw new AppError('MESSAGE_NOT_EDITABLE');
    this.checkContent({ text: input.text, attachmentId: message.attachment?.id }, null);
    const notBefore = new Date(Date.now() - this.config.chat.editWindowMs);
    if (message.text !== input.text && message.createdAt < notBefore) throw new AppError('EDIT_WINDOW_CLOSED');
    const result = await this.messages.editText(message.id, userId, input.text, notBefore);
    if (!result) {
      // Deleted (or the window closed) between the read and the write.
      const now = await this.messages.findById(message.id);
      throw new AppError(now?.deletedAt ? 'MESSAGE_DELETED' : 'EDIT_WINDOW_CLOSED');
    }
    const edited = result.message;
    if (result.changed) await this.changes.announce('edit', `e:${edited.id}:${edited.editCount}`, [edited.senderId, edited.receiverId], editedStanza(edited), 'fresh');
    return { status: 'edited', uniqueid: edited.uniqueId, messageid: edited.id, conversationId: edited.conversationId, text: edited.text, editedAt: (edited.editedAt ?? edited.changedAt).toISOString() };
  }

  /**
   * A member of the message's conversation sets their one reaction (an emoji, replacing the one
   * before) or takes it back (null). Every device of both parties hears `messageReaction`; history
   * and sync carry the reactions. No push (docs/decisions.md). Repeating it changes nothing.
   */
  @Throws('VALIDATION_FAILED', 'MESSAGE_NOT_FOUND', 'MESSAGE_DELETED')
  async react(userId: string, input: { messageId: string; emoji: string | null }): Promise<ReactedAck> {
    if (input.emoji !== null && !isOneEmoji(input.emoji)) {
      throw new AppError('VALIDATION_FAILED', 'Validation failed: emoji must be one emoji', [{ field: 'emoji', errors: ['emoji must be exactly one emoji (or null to remove yours)'] }]);
    }
    const result = await this.messages.react(input.messageId, userId, input.emoji);
    if (!result) {
      const message = await this.messages.findForParticipant(input.messageId, userId);
      throw new AppError(message?.deletedAt ? 'MESSAGE_DELETED' : 'MESSAGE_NOT_FOUND');
    }
    const { message } = result;
    if (result.changed) {
      await this.changes.announce('reaction', `x:${message.id}:${message.reactionCount}`, [message.senderId, message.receiverId], reactionStanza(message, userId), 'fresh');
    }
    return { status: 'reacted', uniqueid: message.uniqueId, messageid: message.id, conversationId: message.conversationId, reactions: reactionsOf(message) };
  }

  /** Stores (or finds the original of a resend) and publishes: a DRFI request through the DRFI module. */
  private async send(sender: User, conversationId: string, receiverId: string, uniqueId: string, content: Content, push: PushMode): Promise<DispatchedMessage> {
    if (content.kind === 'text' && content.replyTo && !(await this.quotable(content.replyTo, conversationId))) {
      // A resend of a reply whose quoted message was deleted since gets its original.
      const original = await this.messages.findBySenderAndUniqueId(sender.id, uniqueId);
      if (original) return this.retried(original, conversationId);
      throw new AppError('VALIDATION_FAILED', 'Validation failed: replyTo must be a message of this conversation that is not deleted', [
        { field: 'replyTo', errors: ['replyTo must be a message of this conversation that is not deleted'] },
      ]);
    }
    let attachment: MessageAttachment | null = null;
    if (content.kind === 'text' && content.attachmentId) {
      // Claimed for the message's id (derived from sender and uniqueid), so a resend finds it its own.
      attachment = await this.attachments.claim(sender.id, receiverId, content.attachmentId, messageIdFor(sender.id, uniqueId).toHexString());
    }
    const result =
      content.kind === 'drfi'
        ? await this.drfi.send({ sender, conversationId, receiverId, paths: content.paths, uniqueId }, push)
        : await this.dispatcher.dispatch(
            { conversationId, senderId: sender.id, receiverId, uniqueId, type: 'text', text: content.text, fileType: attachment?.kind ?? content.fileType, attachment, replyTo: content.replyTo ?? null },
            sender,
            { push },
          );
    if (!result.created) this.retried(result.message, conversationId);
    return result;
  }

  /** Whether a reply may quote this message: one of the same conversation, not deleted (one read, for replies only). */
  private async quotable(messageId: string, conversationId: string): Promise<boolean> {
    const quoted = await this.messages.findById(messageId);
    return quoted !== undefined && quoted.conversationId === conversationId && !quoted.deletedAt;
  }

  private checkContent(input: Pick<AddMessageInput, 'type' | 'text' | 'drfiPaths' | 'attachmentId' | 'replyTo'>, fileType: string | null): Content {
    if (input.type === 'drfi' && input.replyTo !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'Validation failed: a DRFI request quotes no message', [{ field: 'replyTo', errors: ['replyTo does not go with type "drfi"'] }]);
    }
    if (input.type === 'drfi' && input.attachmentId !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'Validation failed: a DRFI request carries no attachment', [{ field: 'attachmentId', errors: ['attachmentId does not go with type "drfi"'] }]);
    }
    if (input.type === 'drfi') return { kind: 'drfi', paths: this.drfi.checkPaths(input.drfiPaths) };
    if (input.drfiPaths !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'Validation failed: drfiPaths goes with type "drfi"', [{ field: 'drfiPaths', errors: ['drfiPaths requires type "drfi"'] }]);
    }
    const text = input.text ?? '';
    // A photo or file may go without a caption.
    const unfit = textProblem(text);
    const problem =
      text.trim() === '' && !input.attachmentId
        ? 'text must not be empty'
        : codePointLength(text) > this.config.chat.maxTextLength
          ? `text must be at most ${this.config.chat.maxTextLength} characters`
          : unfit && `text ${unfit}`;
    if (problem) throw new AppError('VALIDATION_FAILED', `Validation failed: ${problem}`, [{ field: 'text', errors: [problem] }]);
    return { kind: 'text', text, fileType, attachmentId: input.attachmentId, replyTo: input.replyTo };
  }

  /**
   * A socket resend to someone no longer linked: the original of a message sent while they were
   * gets its ack (as on REST). Only looked for on that refusal, so the send path reads nothing more.
   */
  private async sentBeforeUnlink(refusal: unknown, senderId: string, receiverId: string, uniqueId: string): Promise<Message> {
    if (!(refusal instanceof AppError) || refusal.code !== 'NOT_A_NETWORK_MEMBER') throw refusal;
    const original = await this.messages.findBySenderAndUniqueId(senderId, uniqueId);
    if (!original || original.receiverId !== receiverId) throw refusal;
    return original;
  }

  /** A resend's original, which must be in the same conversation (a uniqueid names one message). */
  private retried(original: Message, conversationId: string): DispatchedMessage {
    if (original.conversationId !== conversationId) throw new AppError('UNIQUEID_REUSED');
    return { message: original, created: false, reachedReceiver: false };
  }
}

function sentAck(message: Message): SentAck {
  return { status: 'sent', uniqueid: message.uniqueId, messageid: message.id, conversationId: message.conversationId, created: message.createdAt.toISOString() };
}
