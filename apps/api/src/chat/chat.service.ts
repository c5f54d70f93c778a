import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, AppError } from '@app/common';
import {
  Conversation,
  ConversationRepository,
  DrfiAuditRepository,
  countsFor,
  MemberCounts,
  Message,
  MessageRepository,
  NetworkLinkRepository,
  otherMember,
  User,
  UserRepository,
} from '@app/dal';
import { MessageStatusService, ReceiptStatus } from '@app/status';
import { PresenceService } from '../presence/presence.service';
import { FcmResponse, PushMode, PushService } from '../push/push.service';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
import { vaultField } from '../vault/vault-fields';
import { UserDataField, VaultService } from '../vault/vault.service';
import { deletedStanza, imStanza, statusUpdateStanza } from './dto/ws/stanzas';

export const DRFI_REQUEST_TEXT = '[DRFI Request]';

export interface ChatParty {
  user: User;
  online: boolean;
}

export interface ConversationView {
  conversation: Conversation;
  me: ChatParty;
  other: ChatParty;
}

export interface NewMessageInput {
  conversationId: string;
  receiverId: string;
  text?: string;
  /** 'drfi' makes a DRFI request for `drfiPaths` (its text is `[DRFI Request]`). */
  type?: 'text' | 'drfi';
  drfiPaths?: string[];
  uniqueId?: string;
  fileType?: string | null;
}

export interface AddedMessage {
  message: Message;
  /** false for a retry: the original message is returned and nothing was created. */
  created: boolean;
  /** The FCM result, when a push was sent and answered within the bound (REST Add). */
  fcmResponse?: FcmResponse;
}

@Injectable()
export class ChatService {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly links: NetworkLinkRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly status: MessageStatusService,
    private readonly presence: PresenceService,
    private readonly notifier: RealtimeNotifier,
    private readonly vault: VaultService,
    private readonly audit: DrfiAuditRepository,
    private readonly push: PushService,
  ) {}

  /** What the message DTOs need to describe DRFI fields. */
  readonly describeField = (path: string) => {
    const field = vaultField(path);
    return { path, label: field?.label ?? path, type: field?.type ?? 'text' };
  };

  /**
   * For the DRFI requests among `messages`, what `viewerId` sees in `drfiFields`: the receiver gets
   * the values of their own vault as a hint; the requester gets the fields without any value.
   */
  async drfiHints(viewerId: string, messages: Message[]): Promise<Map<string, UserDataField[]>> {
    const requests = messages.filter((m) => m.type === 'drfi' && m.drfi?.paths);
    const hints = new Map<string, UserDataField[]>();
    if (requests.length === 0) return hints;
    const mine = requests.some((m) => m.receiverId === viewerId) ? await this.vault.valuesOf(viewerId, undefined) : [];
    const values = new Map(mine.map((f) => [f.path, f.value]));
    for (const request of requests) {
      const asReceiver = request.receiverId === viewerId;
      hints.set(
        request.id,
        request.drfi!.paths!.map((path) => ({
          ...this.describeField(path),
          value: asReceiver ? (values.get(path) ?? null) : null,
          ...(asReceiver ? { source: 'vaultCurrentValue' as const } : {}),
        })),
      );
    }
    return hints;
  }

  async me(userId: string): Promise<User> {
    const me = await this.users.findById(userId);
    if (!me) throw new AppError('USER_NOT_FOUND', 'Your user no longer exists');
    return me;
  }

  /** One conversation per network member, most recently active first. */
  async networkConversations(userId: string): Promise<ConversationView[]> {
    return this.views(await this.me(userId), await this.conversations.listForMember(userId));
  }

  /** The list with counts. Counts left behind by a writer that died mid-way are recounted first. */
  async conversationList(userId: string): Promise<(ConversationView & { counts: MemberCounts })[]> {
    const me = await this.me(userId);
    let conversations = await this.conversations.listForMember(userId);
    if (await this.repairStaleCounts(conversations)) conversations = await this.conversations.listForMember(userId);
    const views = await this.views(me, conversations);
    return views.map((view) => ({ ...view, counts: countsFor(view.conversation, userId) }));
  }

  async history(conversation: Conversation): Promise<Message[]> {
    return (await this.messages.history(conversation.id)).messages;
  }

  /** The conversation with a network member (by id or account id), its history or a page of it. */
  async conversationWith(
    userId: string,
    other: { userId?: string; accountId?: string },
    page: { limit?: number; before?: string },
  ): Promise<ConversationView & { messages: Message[]; hasMore: boolean }> {
    if (Boolean(other.userId) === Boolean(other.accountId)) {
      throw new AppError('VALIDATION_FAILED', 'Give exactly one of withUserId or withAccountId', [
        { field: 'withUserId', errors: ['exactly one of withUserId or withAccountId is required'] },
      ]);
    }
    const me = await this.me(userId);
    const otherUser = other.userId ? await this.users.findById(other.userId) : await this.users.findByAccountId(other.accountId!);
    // Unknown and not-in-my-network look the same: nobody learns who exists.
    if (!otherUser || otherUser.id === userId || !(await this.links.areLinked(userId, otherUser.id))) {
      throw new AppError('NOT_A_NETWORK_MEMBER');
    }
    const conversation = await this.conversations.ensureForPair(userId, otherUser.id);
    let before: Message | undefined;
    if (page.before) {
      before = await this.messages.findById(page.before);
      if (!before || before.conversationId !== conversation.id) throw new AppError('MESSAGE_NOT_FOUND', 'before: no such message in this conversation');
    }
    const { messages, hasMore } = await this.messages.history(conversation.id, { limit: page.limit, before });
    return { conversation, me: await this.party(me), other: await this.party(otherUser), messages, hasMore };
  }

  /** The conversation of the caller with a network member; NOT_A_NETWORK_MEMBER otherwise. */
  async conversationWithMember(userId: string, otherId: string): Promise<Conversation> {
    if (otherId === userId || !(await this.links.areLinked(userId, otherId))) throw new AppError('NOT_A_NETWORK_MEMBER');
    // A point read; the upsert (a write) only the first time.
    return (await this.conversations.findForPair(userId, otherId)) ?? this.conversations.ensureForPair(userId, otherId);
  }

  /**
   * Adds a message to a conversation given by id (REST Add, sync). The conversation must be the
   * caller's, the receiver its other member, still in the caller's network. A retry with the same
   * uniqueid returns the original (even once they are no longer linked). The receiver's sockets
   * get `im` once the message is stored.
   */
  async addMessage(senderId: string, input: NewMessageInput, push: PushMode = 'await'): Promise<AddedMessage> {
    const checked = this.checkContent(input);
    const conversation = await this.memberConversation(input.conversationId, senderId);
    if (otherMember(conversation, senderId) !== input.receiverId) throw new AppError('RECEIVER_MISMATCH');

    if (input.uniqueId) {
      const original = await this.messages.findBySenderAndUniqueId(senderId, input.uniqueId);
      if (original) return this.retried(original, conversation);
    }
    if (!(await this.links.areLinked(senderId, input.receiverId))) throw new AppError('RECIPIENT_NOT_IN_NETWORK');
    return this.store(await this.me(senderId), conversation, input, checked, push);
  }

  /**
   * Adds a message from a sender to a network member, both already loaded (socket `im`): one link
   * check and one conversation read, no more. A resend returns the original.
   */
  async addMessageTo(sender: User, receiver: User, input: Omit<NewMessageInput, 'conversationId' | 'receiverId'>, push: PushMode): Promise<AddedMessage> {
    const checked = this.checkContent(input);
    const conversation = await this.conversationWithMember(sender.id, receiver.id);
    return this.store(sender, conversation, { ...input, conversationId: conversation.id, receiverId: receiver.id }, checked, push);
  }

  /**
   * Sends `im` for a stored message to its receiver's sockets. Also used when a sender resends a
   * message nobody has acknowledged yet (the server may have died between storing and sending).
   */
  async deliver(message: Message, sender?: User): Promise<void> {
    const from = sender ?? (await this.users.findById(message.senderId));
    if (from) this.notifier.toUser(message.receiverId, 'im', imStanza(message, from));
  }

  /** The text and DRFI paths of a new message, checked before anything is read or written. */
  private checkContent(input: Pick<NewMessageInput, 'type' | 'text' | 'drfiPaths'>): { text: string; drfiPaths?: string[] } {
    const drfiPaths = input.type === 'drfi' ? this.vault.checkRequestPaths(input.drfiPaths) : undefined;
    if (!drfiPaths && input.drfiPaths !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'Validation failed: drfiPaths goes with type "drfi"', [{ field: 'drfiPaths', errors: ['drfiPaths requires type "drfi"'] }]);
    }
    const text = drfiPaths ? DRFI_REQUEST_TEXT : (input.text ?? '');
    this.checkText(text);
    return { text, drfiPaths };
  }

  /** Stores a checked message (or finds the original of a resend), then tells the receiver. */
  private async store(sender: User, conversation: Conversation, input: NewMessageInput, { text, drfiPaths }: { text: string; drfiPaths?: string[] }, push: PushMode): Promise<AddedMessage> {
    const result = await this.messages.insert({
      conversationId: conversation.id,
      senderId: sender.id,
      receiverId: input.receiverId,
      uniqueId: input.uniqueId ?? randomUUID(),
      type: drfiPaths ? 'drfi' : 'text',
      text,
      fileType: input.fileType ?? null,
      drfi: drfiPaths ? { paths: drfiPaths, status: 'sent', responseMessageId: null } : null,
    });
    if (!result.created) return this.retried(result.message, conversation);
    if (drfiPaths) {
      await this.audit.record({
        requestMessageId: result.message.id,
        event: 'requested',
        actorId: sender.id,
        counterpartId: input.receiverId,
        paths: drfiPaths,
        vaultUpdatedPaths: [],
      });
    }
    await this.deliver(result.message, sender);
    const fcmResponse = await this.push.forNewMessage(result.message, push);
    return fcmResponse ? { ...result, fcmResponse } : result;
  }

  /** The message a sender sent with this uniqueid, if any. */
  findSentMessage(senderId: string, uniqueId: string): Promise<Message | undefined> {
    return this.messages.findBySenderAndUniqueId(senderId, uniqueId);
  }

  /** The receiver reports delivered or seen; the sender's sockets hear of a real change. */
  async reportStatus(userId: string, messageId: string, status: ReceiptStatus): Promise<{ message: Message; changed: boolean }> {
    return this.announced(await this.status.reportByReceiver(messageId, userId, status));
  }

  /** reportStatus for a message already read (socket `messageStatusUpdate`). */
  async reportStatusOf(userId: string, message: Message, status: ReceiptStatus): Promise<{ message: Message; changed: boolean }> {
    return this.announced(await this.status.reportOn(message, userId, status));
  }

  private announced(result: { message: Message; changed: boolean }): { message: Message; changed: boolean } {
    if (result.changed) this.notifier.toUser(result.message.senderId, 'messageStatusUpdate', statusUpdateStanza(result.message));
    return result;
  }

  /** Marks one message seen; only its receiver may. */
  async markMessageRead(userId: string, messageId: string): Promise<Message> {
    return (await this.reportStatus(userId, messageId, 'seen')).message;
  }

  /** Marks every incoming message of the conversation seen; returns those that changed. */
  async markConversationRead(userId: string, conversationId: string): Promise<Message[]> {
    const conversation = await this.memberConversation(conversationId, userId);
    const changed = await this.status.markConversationSeen(conversation.id, userId);
    for (const message of changed) this.notifier.toUser(message.senderId, 'messageStatusUpdate', statusUpdateStanza(message));
    return changed;
  }

  /** Soft-deletes a message; only its sender may, and deleting twice changes nothing. Both parties' sockets hear of it. */
  async deleteMessage(userId: string, input: { conversationId: string; receiverId: string; messageId: string }): Promise<{ message: Message; changed: boolean }> {
    const conversation = await this.memberConversation(input.conversationId, userId);
    if (otherMember(conversation, userId) !== input.receiverId) throw new AppError('RECEIVER_MISMATCH');
    const message = await this.messages.findForParticipant(input.messageId, userId);
    if (!message || message.conversationId !== conversation.id) throw new AppError('MESSAGE_NOT_FOUND');
    if (message.senderId !== userId) throw new AppError('NOT_MESSAGE_SENDER');
    const change = await this.messages.markDeleted(message.id, userId);
    if (!change) return { message: (await this.messages.findById(message.id))!, changed: false };
    for (const party of [change.after.receiverId, change.after.senderId]) this.notifier.toUser(party, 'messageDeleted', deletedStanza(change.after));
    return { message: change.after, changed: true };
  }

  private async memberConversation(conversationId: string, userId: string): Promise<Conversation> {
    const conversation = await this.conversations.findForMember(conversationId, userId);
    if (!conversation) throw new AppError('CONVERSATION_NOT_FOUND');
    return conversation;
  }

  private retried(original: Message, conversation: Conversation): AddedMessage {
    if (original.conversationId !== conversation.id) throw new AppError('UNIQUEID_REUSED');
    return { message: original, created: false };
  }

  private checkText(text: string): void {
    const problem =
      text.trim() === ''
        ? 'text must not be empty'
        : text.length > this.config.chat.maxTextLength
          ? `text must be at most ${this.config.chat.maxTextLength} characters`
          : undefined;
    if (problem) throw new AppError('VALIDATION_FAILED', `Validation failed: ${problem}`, [{ field: 'text', errors: [problem] }]);
  }

  private async party(user: User): Promise<ChatParty> {
    return { user, online: await this.presence.isOnline(user.id) };
  }

  /** Recounts conversations whose writer died between its two writes; true if any was repaired. */
  private async repairStaleCounts(conversations: Conversation[]): Promise<boolean> {
    const staleBefore = Date.now() - this.config.chat.countsRepairAfterMs;
    let repaired = false;
    for (const conversation of conversations) {
      if (conversation.pendingWrites <= 0 || !conversation.lastWriteAt || conversation.lastWriteAt.getTime() >= staleBefore) continue;
      const counts = await this.messages.recount(conversation.id, ...conversation.userIds);
      repaired = (await this.conversations.replaceCounts(conversation.id, conversation.writeEpoch, counts)) || repaired;
    }
    return repaired;
  }

  /** The conversations with current network members, with both parties, most recently active first. */
  private async views(me: User, conversations: Conversation[]): Promise<ConversationView[]> {
    const memberIds = new Set(await this.links.memberIdsOf(me.id));
    const linked = conversations.filter((c) => memberIds.has(otherMember(c, me.id)));
    const others = new Map((await this.users.findByIds(linked.map((c) => otherMember(c, me.id)))).map((u) => [u.id, u]));
    const mine = await this.party(me);
    const sorted = linked
      .filter((c) => others.has(otherMember(c, me.id)))
      .sort((a, b) => (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0));
    return Promise.all(
      sorted.map(async (conversation) => ({ conversation, me: mine, other: await this.party(others.get(otherMember(conversation, me.id))!) })),
    );
  }
}
