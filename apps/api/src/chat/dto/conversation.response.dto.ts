import { OBJECT_ID_PATTERN } from '@app/common';
import { ApiProperty } from '@nestjs/swagger';
import { MessageResponseDto } from '../../messages/dto/message.response.dto';

export class ChatUserDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  id: string;

  @ApiProperty({ example: 'Cindy Nguyen' })
  name: string;

  @ApiProperty({ example: '/Content/ProfilePictures/58c67eec6e1b455d503d3b55_profile_pic.jpg', nullable: true, type: String })
  avatar: string | null;

  @ApiProperty({ description: 'true while the user has a live socket' })
  online: boolean;
}

export class ConversationWithMessagesDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58d36da86e1b2963a0c42548' })
  id: string;

  @ApiProperty({ example: 'Cindy Nguyen', description: 'The other member\'s name' })
  name: string;

  @ApiProperty({ example: false })
  isGroupChat: false;

  @ApiProperty({ type: ChatUserDto, description: 'The other member' })
  from: ChatUserDto;

  @ApiProperty({ type: [String], example: ['58c67eec6e1b455d503d3b55', '58cde4d96e1b1b3dd01c29ee'] })
  userIds: string[];

  @ApiProperty({ type: [ChatUserDto], description: 'Both members' })
  users: ChatUserDto[];

  @ApiProperty({ type: [MessageResponseDto], description: 'Ascending by created' })
  messages: MessageResponseDto[];
}

/** GET /Chat/Conversations: the bare object, as documented (no envelope). */
export class AllConversationsResponseDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58cde4d96e1b1b3dd01c29ee' })
  userId: string;

  @ApiProperty({ example: 'Yamada Takai' })
  userName: string;

  @ApiProperty({ type: [ConversationWithMessagesDto] })
  conversations: ConversationWithMessagesDto[];
}

export class FromProfileDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c8ce2c6e1b1f2dbcdf0159' })
  id: string;

  @ApiProperty({ example: 'Angela Simson' })
  displayName: string;

  @ApiProperty({ example: '/Content/ProfilePictures/58c8ce2c6e1b1f2dbcdf0159_profile_pic.jpg', nullable: true, type: String })
  avatar: string | null;

  @ApiProperty({ description: 'true while they have a live socket (added to the seed\'s shape)' })
  online: boolean;
}

export class ConversationSummaryDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58cdeb1a6e1b1b3dd01c2a4f' })
  conversationId: string;

  @ApiProperty({ format: 'uuid', example: 'f401327f-e99f-4eb5-8e32-8f412f8a000e' })
  fromAccountId: string;

  @ApiProperty({ type: FromProfileDto })
  fromProfile: FromProfileDto;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: 'All messages, deleted included' })
  messagesCount: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: 'Messages the other member sent' })
  incomingMessagesCount: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Messages not yet seen (deleted ones excluded), both directions' })
  unreadMessagesCount: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'Incoming messages not yet seen (deleted ones excluded)' })
  unreadIncomingMessagesCount: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  deletedMessagesCount: number;
}

export class ConversationDetailsDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58cf43cd6e1b1b32388e2f42' })
  id: string;

  @ApiProperty({ type: ChatUserDto, description: 'The other member' })
  from: ChatUserDto;

  @ApiProperty({ type: [String] })
  userIds: string[];

  @ApiProperty({ type: [MessageResponseDto], description: 'Ascending by created' })
  messages: MessageResponseDto[];

  @ApiProperty({ description: 'Older messages exist before the first one returned (only ever true with limit)' })
  hasMore: boolean;
}
