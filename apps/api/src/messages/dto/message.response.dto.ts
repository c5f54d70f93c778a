import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, DeliveryStatus, Message, MESSAGE_TYPES } from '@app/dal';
import { isRead } from '@app/status';

/** A message as the customer's clients know it (chat-api.md), odd casing included. */
export class MessageResponseDto {
  @ApiProperty({ example: '598ec4ab6e1b1b7474e1e144' })
  messageid: string;

  @ApiProperty({ example: '2017-08-12T09:04:43.066Z' })
  created: string;

  @ApiProperty({ example: 'Hello there' })
  text: string;

  @ApiProperty({ description: 'true when the current user is the sender' })
  fromMe: boolean;

  @ApiProperty({ example: '58c67eec6e1b455d503d3b55' })
  toReceiverId: string;

  @ApiProperty({ example: '58d36da86e1b2963a0c42548' })
  conversationId: string;

  @ApiProperty({ description: 'true exactly when deliveryStatus is seen' })
  isread: boolean;

  @ApiProperty()
  Isdeleted: boolean;

  @ApiPropertyOptional({ description: 'Only when deleted', example: '2017-08-13T11:55:33.697Z' })
  Datedeleted?: string;

  @ApiProperty({ description: "The sender's id for the message (client-chosen or server-made)", example: 'c0ffee-42' })
  uniqueid: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'delivered' })
  deliveryStatus: DeliveryStatus;

  @ApiPropertyOptional({ enum: MESSAGE_TYPES.filter((t) => t !== 'text'), description: 'Only for special messages (DRFI)' })
  type?: string;

  @ApiPropertyOptional({ enum: ['sent', 'accepted', 'denied'], description: 'DRFI requests only: the request status' })
  status?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description:
      'DRFI: interaction user data {path,label,type,value,source?}. On a request in GET /Chat/Conversation, for its receiver the values from their own vault (a hint); for the requester, no values. On an accepted response, the values shared.',
  })
  drfiFields?: object[];

  @ApiPropertyOptional({ description: 'DRFI: the fields as a JSON string (internal format)', example: '[{"path":".contact.mobile","label":"Mobile phone","type":"phone"}]' })
  jsonFieldsdrfi?: string;

  @ApiPropertyOptional({ description: 'DRFI responses: the request answered' })
  requestMessageId?: string;

  @ApiPropertyOptional({ description: 'DRFI requests, once resolved: the response message' })
  responseMessageId?: string;
}

/** The catalog entry of a path, for DRFI fields (label and type); injected to keep DTOs free of services. */
export type FieldDescriber = (path: string) => { path: string; label: string; type: string };

export function mapMessage(message: Message, viewerId: string, drfi?: { describe: FieldDescriber; hint?: object[] }): MessageResponseDto {
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
  if (message.type !== 'text') dto.type = message.type;
  if (message.drfi && drfi) Object.assign(dto, drfiView(message, drfi.describe, drfi.hint));
  return dto;
}

function drfiView(message: Message, describe: FieldDescriber, hint?: object[]): Partial<MessageResponseDto> {
  const data = message.drfi!;
  if (message.type === 'drfi') {
    const described = (data.paths ?? []).map(describe);
    return {
      status: data.status,
      jsonFieldsdrfi: JSON.stringify(described),
      ...(hint ? { drfiFields: hint } : {}),
      ...(data.responseMessageId ? { responseMessageId: data.responseMessageId } : {}),
    };
  }
  const fields = message.type === 'drfiresponseaccepted' ? (data.fields ?? []) : [];
  return {
    requestMessageId: data.requestMessageId,
    ...(message.type === 'drfiresponseaccepted' ? { drfiFields: fields, jsonFieldsdrfi: JSON.stringify(fields) } : {}),
  };
}
