import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, Envelope, ok } from '@app/common';
import { ChatService } from './chat.service';
import { SyncPayload } from './dto/ws/payloads';
import { SyncResponseDto } from './dto/ws/sync.response.dto';
import { SyncService } from './sync.service';
import {
  AddMessageRequestDto,
  ConversationIdParamDto,
  ConversationQueryDto,
  DeleteMessageRequestDto,
  MessageIdParamDto,
} from './dto/chat.request.dto';
import { ConversationMarkedReadDto, MessageCreatedDto, MessageDeletedDto, MessageMarkedReadDto } from './dto/chat-results.dto';
import { AllConversationsResponseDto, ConversationDetailsDto, ConversationSummaryDto } from './dto/conversation.response.dto';
import { mapConversationDetails, mapConversationSummary, mapConversationWithMessages } from './dto/map-conversation';

/** The customer's Chat REST API (chat-api.md): paths and field names exactly as documented. */
@ApiTags('Chat')
@ApiBearerAuth()
@Controller('Chat')
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly syncs: SyncService,
  ) {}

  @Get('Conversations')
  @ApiOperation({ summary: 'All conversations (one per network member) with their full messages; a bare object, as documented' })
  @ApiOkResponse({ type: AllConversationsResponseDto, description: 'Not wrapped in the envelope (chat-api.md)' })
  @ApiErrors('UNAUTHENTICATED', 'USER_NOT_FOUND')
  async conversations(@CurrentUser() me: AuthUser): Promise<AllConversationsResponseDto> {
    const user = await this.chat.me(me.userId);
    const views = await this.chat.networkConversations(me.userId);
    const conversations = [];
    for (const view of views) {
      conversations.push(mapConversationWithMessages(view, await this.chat.history(view.conversation), this.chat.describeField));
    }
    return { userId: user.id, userName: user.name, conversations };
  }

  @Get('Conversations/List')
  @ApiOperation({ summary: 'Conversations with the other member and message counts, without messages' })
  @ApiEnvelope(ConversationSummaryDto, { isArray: true, description: 'One per network member', message: 'List 25 conversations' })
  @ApiErrors('UNAUTHENTICATED', 'USER_NOT_FOUND')
  async list(@CurrentUser() me: AuthUser): Promise<Envelope<ConversationSummaryDto[]>> {
    const list = await this.chat.conversationList(me.userId);
    return ok(`List ${list.length} conversations`, list.map(mapConversationSummary));
  }

  @Get('Conversation')
  @ApiOperation({ summary: 'The messages with one network member (withUserId or withAccountId); all, or a page with limit/before' })
  @ApiEnvelope(ConversationDetailsDto, { description: 'The conversation', message: 'Conversation details' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_A_NETWORK_MEMBER', 'MESSAGE_NOT_FOUND', 'USER_NOT_FOUND')
  async conversation(@CurrentUser() me: AuthUser, @Query() query: ConversationQueryDto): Promise<Envelope<ConversationDetailsDto>> {
    const view = await this.chat.conversationWith(
      me.userId,
      { userId: query.withUserId, accountId: query.withAccountId },
      { limit: query.limit, before: query.before },
    );
    const hints = await this.chat.drfiHints(me.userId, view.messages);
    return ok('Conversation details', mapConversationDetails(view, view.messages, view.hasMore, { describe: this.chat.describeField, hints }));
  }

  @Post('Message/Add')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Send a message to the other member of a conversation (retry-safe with uniqueid); with type "drfi" and drfiPaths, a DRFI request' })
  @ApiEnvelope(MessageCreatedDto, { description: 'The message created, or the original on a retry', message: 'Message created successfully' })
  @ApiErrors('VALIDATION_FAILED', 'RECEIVER_MISMATCH', 'UNAUTHENTICATED', 'RECIPIENT_NOT_IN_NETWORK', 'CONVERSATION_NOT_FOUND', 'UNIQUEID_REUSED')
  async add(@CurrentUser() me: AuthUser, @Body() body: AddMessageRequestDto): Promise<Envelope<MessageCreatedDto>> {
    const { message, fcmResponse } = await this.chat.addMessage(me.userId, {
      conversationId: body.conversationId,
      receiverId: body.ToReceiverId,
      text: body.text,
      uniqueId: body.uniqueid,
      type: body.type,
      drfiPaths: body.drfiPaths,
    });
    return ok('Message created successfully', {
      conversationId: message.conversationId,
      messageId: message.id,
      uniqueid: message.uniqueId,
      created: message.createdAt.toISOString(),
      ...(fcmResponse ? { fcmResponse } : {}),
    });
  }

  @Post('Message/MarkRead/:messageId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark a message read (seen); only its receiver' })
  @ApiEnvelope(MessageMarkedReadDto, { description: 'Marked read (also when it already was)', message: 'Message marked read' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_MESSAGE_RECEIVER', 'MESSAGE_NOT_FOUND')
  async markMessageRead(@CurrentUser() me: AuthUser, @Param() params: MessageIdParamDto): Promise<Envelope<MessageMarkedReadDto>> {
    const message = await this.chat.markMessageRead(me.userId, params.messageId);
    return ok('Message marked read', { messageId: message.id, conversationId: message.conversationId, isRead: true });
  }

  @Post('Conversation/MarkRead/:conversationId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark every incoming message of a conversation read' })
  @ApiEnvelope(ConversationMarkedReadDto, { description: 'How many were marked by this call', message: 'Conversation messages marked read' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'CONVERSATION_NOT_FOUND')
  async markConversationRead(@CurrentUser() me: AuthUser, @Param() params: ConversationIdParamDto): Promise<Envelope<ConversationMarkedReadDto>> {
    const marked = await this.chat.markConversationRead(me.userId, params.conversationId);
    return ok('Conversation messages marked read', { conversationId: params.conversationId, isRead: true, messagesMarkedRead: marked.length });
  }

  @Post('Message/Delete')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Delete a message (soft; kept in history as Isdeleted); only its sender; deleting twice is harmless' })
  @ApiEnvelope(MessageDeletedDto, { description: 'Deleted', message: 'Message deleted successfully' })
  @ApiErrors('VALIDATION_FAILED', 'RECEIVER_MISMATCH', 'UNAUTHENTICATED', 'NOT_MESSAGE_SENDER', 'CONVERSATION_NOT_FOUND', 'MESSAGE_NOT_FOUND')
  async delete(@CurrentUser() me: AuthUser, @Body() body: DeleteMessageRequestDto): Promise<Envelope<MessageDeletedDto>> {
    const { message } = await this.chat.deleteMessage(me.userId, {
      conversationId: body.conversationId,
      receiverId: body.ToReceiverId,
      messageId: body.messageid,
    });
    return ok('Message deleted successfully', { conversationId: message.conversationId, messageId: message.id });
  }

  @Post('Sync')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Catch up: send unacknowledged messages and receipts, get everything missed since the cursor (same as the socket sync)' })
  @ApiEnvelope(SyncResponseDto, { description: 'Acks, changes and the next cursor', message: 'Synced' })
  @ApiErrors('VALIDATION_FAILED', 'INVALID_CURSOR', 'UNAUTHENTICATED')
  async sync(@CurrentUser() me: AuthUser, @Body() body: SyncPayload): Promise<Envelope<SyncResponseDto>> {
    return ok('Synced', await this.syncs.sync(me.userId, body));
  }
}
