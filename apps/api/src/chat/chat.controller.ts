import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrorsOf, Envelope, ok } from '@app/common';
import { ConversationQueriesService } from './conversation-queries.service';
import { EditPayload, ReactPayload, SyncPayload } from './dto/ws/payloads';
import { EditedAckDto, ReactedAckDto } from '../realtime/stanzas.dto';
import { SyncResponseDto } from './dto/ws/sync.response.dto';
import { MessageCommandsService } from './message-commands.service';
import { ReceiptsService } from './receipts.service';
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
    private readonly queries: ConversationQueriesService,
    private readonly commands: MessageCommandsService,
    private readonly receipts: ReceiptsService,
    private readonly syncs: SyncService,
  ) {}

  @Get('Conversations')
  @ApiOperation({ operationId: 'getConversationsWithMessages', summary: 'All conversations (one per network member) with their full messages; a bare object, as documented' })
  @ApiOkResponse({ type: AllConversationsResponseDto, description: 'Not wrapped in the envelope (chat-api.md)' })
  @ApiErrorsOf(ConversationQueriesService, 'everything', 'UNAUTHENTICATED')
  async conversations(@CurrentUser() me: AuthUser): Promise<AllConversationsResponseDto> {
    const all = await this.queries.everything(me.userId);
    return { userId: all.me.id, userName: all.me.name, conversations: all.conversations.map(mapConversationWithMessages) };
  }

  @Get('Conversations/List')
  @ApiOperation({ operationId: 'listConversations', summary: 'Conversations with the other member and message counts, without messages' })
  @ApiEnvelope(ConversationSummaryDto, { isArray: true, description: 'One per network member', message: 'List 25 conversations' })
  @ApiErrorsOf(ConversationQueriesService, 'list', 'UNAUTHENTICATED')
  async list(@CurrentUser() me: AuthUser): Promise<Envelope<ConversationSummaryDto[]>> {
    const list = await this.queries.list(me.userId);
    return ok(`List ${list.length} conversations`, list.map(mapConversationSummary));
  }

  @Get('Conversation')
  @ApiOperation({ operationId: 'getConversation', summary: 'The messages with one network member (withUserId or withAccountId); all, or a page with limit/before' })
  @ApiEnvelope(ConversationDetailsDto, { description: 'The conversation', message: 'Conversation details' })
  @ApiErrorsOf(ConversationQueriesService, 'with', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async conversation(@CurrentUser() me: AuthUser, @Query() query: ConversationQueryDto): Promise<Envelope<ConversationDetailsDto>> {
    const view = await this.queries.with(me.userId, { userId: query.withUserId, accountId: query.withAccountId }, { limit: query.limit, before: query.before });
    return ok('Conversation details', mapConversationDetails(view));
  }

  @Post('Message/Add')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'addMessage', summary: 'Send a message to the other member of a conversation (retry-safe with uniqueid); with type "drfi" and drfiPaths, a DRFI request' })
  @ApiEnvelope(MessageCreatedDto, { description: 'The message created, or the original on a retry', message: 'Message created successfully' })
  @ApiErrorsOf(MessageCommandsService, 'add', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async add(@CurrentUser() me: AuthUser, @Body() body: AddMessageRequestDto): Promise<Envelope<MessageCreatedDto>> {
    const { message, fcmResponse } = await this.commands.add(me.userId, {
      conversationId: body.conversationId,
      receiverId: body.ToReceiverId,
      text: body.text,
      uniqueId: body.uniqueid,
      type: body.type,
      drfiPaths: body.drfiPaths,
      attachmentId: body.attachmentId,
      replyTo: body.replyTo,
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
  @ApiOperation({ operationId: 'markMessageRead', summary: 'Mark a message read (seen); only its receiver' })
  @ApiEnvelope(MessageMarkedReadDto, { description: 'Marked read (also when it already was)', message: 'Message marked read' })
  @ApiErrorsOf(ReceiptsService, 'markMessageRead', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async markMessageRead(@CurrentUser() me: AuthUser, @Param() params: MessageIdParamDto): Promise<Envelope<MessageMarkedReadDto>> {
    const message = await this.receipts.markMessageRead(me.userId, params.messageId);
    return ok('Message marked read', { messageId: message.id, conversationId: message.conversationId, isRead: true });
  }

  @Post('Conversation/MarkRead/:conversationId')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'markConversationRead', summary: 'Mark every incoming message of a conversation read' })
  @ApiEnvelope(ConversationMarkedReadDto, { description: 'How many were marked by this call', message: 'Conversation messages marked read' })
  @ApiErrorsOf(ReceiptsService, 'markConversationRead', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async markConversationRead(@CurrentUser() me: AuthUser, @Param() params: ConversationIdParamDto): Promise<Envelope<ConversationMarkedReadDto>> {
    const marked = await this.receipts.markConversationRead(me.userId, params.conversationId);
    return ok('Conversation messages marked read', { conversationId: params.conversationId, isRead: true, messagesMarkedRead: marked.length });
  }

  @Post('Message/Delete')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'deleteMessage', summary: 'Delete a message (soft; kept in history as Isdeleted); only its sender; deleting twice is harmless' })
  @ApiEnvelope(MessageDeletedDto, { description: 'Deleted', message: 'Message deleted successfully' })
  @ApiErrorsOf(MessageCommandsService, 'delete', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async delete(@CurrentUser() me: AuthUser, @Body() body: DeleteMessageRequestDto): Promise<Envelope<MessageDeletedDto>> {
    const { message } = await this.commands.delete(me.userId, {
      conversationId: body.conversationId,
      receiverId: body.ToReceiverId,
      messageId: body.messageid,
    });
    return ok('Message deleted successfully', { conversationId: message.conversationId, messageId: message.id });
  }

  @Post('Message/Edit')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'editMessage',
    summary: "Edit a text message's text (or a file's caption): only its sender, within MESSAGE_EDIT_WINDOW_SECONDS of sending; the same as the socket `edit`",
  })
  @ApiEnvelope(EditedAckDto, { description: 'Edited (an edit repeated with the same text answers the same)', message: 'Message edited' })
  @ApiErrorsOf(MessageCommandsService, 'edit', 'UNAUTHENTICATED')
  async edit(@CurrentUser() me: AuthUser, @Body() body: EditPayload): Promise<Envelope<EditedAckDto>> {
    return ok('Message edited', await this.commands.edit(me.userId, { messageId: body.messageid, text: body.text }));
  }

  @Post('Message/React')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'reactToMessage', summary: 'Set your one reaction to a message of your conversation (an emoji, replacing yours), or take it back (null); the same as the socket `react`' })
  @ApiEnvelope(ReactedAckDto, { description: "The message's reactions now", message: 'Reaction saved' })
  @ApiErrorsOf(MessageCommandsService, 'react', 'UNAUTHENTICATED')
  async react(@CurrentUser() me: AuthUser, @Body() body: ReactPayload): Promise<Envelope<ReactedAckDto>> {
    return ok('Reaction saved', await this.commands.react(me.userId, { messageId: body.messageid, emoji: body.emoji }));
  }

  @Post('Sync')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'sync', summary: 'Catch up: send unacknowledged messages and receipts, get everything missed since the cursor (same as the socket sync)' })
  @ApiEnvelope(SyncResponseDto, { description: 'Acks, changes and the next cursor', message: 'Synced' })
  @ApiErrorsOf(SyncService, 'sync', 'UNAUTHENTICATED', 'VALIDATION_FAILED')
  async sync(@CurrentUser() me: AuthUser, @Body() body: SyncPayload): Promise<Envelope<SyncResponseDto>> {
    return ok('Synced', await this.syncs.sync(me.userId, body));
  }
}
