import { AttachmentDto } from '../../attachments/dto/attachment.dto';
import { UserDataFieldDto } from '../../vault/dto/vault.dto';
import { ReactionViewDto, ReplySnippetDto } from '../../realtime/stanzas.dto';
import { OBJECT_ID_PATTERN } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, DeliveryStatus, Message, MESSAGE_TYPES } from '@app/dal';
import { isRead } from '@app/status';

/** A message as the customer's clients know it (chat-api.md), odd casing included. */
export class MessageResponseDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '598ec4ab6e1b1b7474e1e144' })
  messageid: string;

  @ApiProperty({ format: 'date-time', example: '2017-08-12T09:04:43.066Z' })
  created: string;

  @ApiProperty({ example: 'Hello there' })
  text: string;

  @ApiProperty({ description: 'true when the current user is the sender' })
  fromMe: boolean;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  toReceiverId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58d36da86e1b2963a0c42548' })
  conversationId: string;

  @ApiProperty({ description: 'true exactly when deliveryStatus is seen' })
  isread: boolean;

  @ApiProperty()
  Isdeleted: boolean;

  @ApiPropertyOptional({ description: 'Only when deleted', example: '2017-08-13T11:55:33.697Z' })
  Datedeleted?: string;

  @ApiPropertyOptional({ description: 'Only when its sender edited its text: `text` is the current one' })
  edited?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only when edited: when it was last edited', example: '2017-08-13T11:57:02.114Z' })
  editedAt?: string;

  @ApiPropertyOptional({ type: () => [ReactionViewDto], description: "Only when there are any: the members' reactions (one emoji each), oldest first" })
  reactions?: ReactionViewDto[];

  @ApiPropertyOptional({ type: () => ReplySnippetDto, description: "Only on a reply: the quoted message as it is now (its text's start, or that it was deleted)" })
  replyTo?: ReplySnippetDto;

  @ApiProperty({ description: "The sender's id for the message (client-chosen or server-made)", example: 'c0ffee-42' })
  uniqueid: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'delivered' })
  deliveryStatus: DeliveryStatus;

  @ApiPropertyOptional({ enum: MESSAGE_TYPES.filter((t) => t !== 'text'), description: 'Only for special messages (DRFI)' })
  type?: string;

  @ApiPropertyOptional({ enum: ['sent', 'accepted', 'denied'], description: 'DRFI requests only: the request status' })
  status?: string;

  @ApiPropertyOptional({
    type: [UserDataFieldDto],
    description:
      'DRFI: interaction user data {path,label,type,value,source?}. On a request in GET /Chat/Conversation, for its receiver the values from their own vault (a hint); for the requester, no values. On an accepted response, the values shared.',
  })
  drfiFields?: UserDataFieldDto[];

  @ApiPropertyOptional({ description: 'DRFI: the fields as a JSON string (internal format)', example: '[{"path":".contact.mobile","label":"Mobile phone","type":"phone"}]' })
  jsonFieldsdrfi?: string;

  @ApiPropertyOptional({ maxLength: 100, description: "image, video, audio or file for a message with an attachment; else what an older client sent as file_type. Absent when neither" })
  file_type?: string;

  @ApiPropertyOptional({ type: AttachmentDto, description: 'A photo, video, voice note or file, with links signed for this answer (not on a deleted message)' })
  attachment?: AttachmentDto;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'DRFI responses: the request answered' })
  requestMessageId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'DRFI requests, once resolved: the response message' })
  responseMessageId?: string;
}

/**
 * The seed's message object for `viewerId`. `extra` adds what another domain shows of it (the
 * DRFI fields, from drfi/drfi-display.ts); this mapper knows nothing of DRFI.
 */
export function mapMessage(message: Message, viewerId: string, extra?: Partial<MessageResponseDto>): MessageResponseDto {
  const dto: MessageResponseDto = {
    messageid: message.id,
    created: message.createdAt.toISOString(),
    text: message.text,
    fromMe: message.senderId === viewerId,
    toReceiverId: message.receiverId,
    conversationId: message.conversationId,
    isread: isRead(message.deliveryStatus),
    Isdeleted: message.deletedAt !== null,
    uniqueid: message.uniqueId,
    deliveryStatus: message.deliveryStatus,
  };
  if (message.deletedAt) dto.Datedeleted = message.deletedAt.toISOString();
  if (message.editedAt) Object.assign(dto, { edited: true, editedAt: message.editedAt.toISOString() });
  if (message.reactions.length > 0) dto.reactions = message.reactions.map(({ userId, emoji }) => ({ userId, emoji }));
  if (message.type !== 'text') dto.type = message.type;
  if (message.fileType) dto.file_type = message.fileType;
  return extra ? Object.assign(dto, extra) : dto;
}
