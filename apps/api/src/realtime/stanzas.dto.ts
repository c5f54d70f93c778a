import { AttachmentDto } from '../attachments/dto/attachment.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { E164_PATTERN, ERROR_DEFINITIONS, ErrorAck, ErrorCode, FieldError, OBJECT_ID_PATTERN } from '@app/common';
import { DELIVERY_STATUSES, MESSAGE_TYPES } from '@app/dal';
import type { DeletedStanza, DrfiStatusStanza, EditedAck, EditedStanza, ImStanza, ReactedAck, ReactionStanza, ReactionView, ReplySnippet, SentAck, StatusUpdatedAck, StatusUpdateStanza, TypingAck, TypingStanza } from './socket-events';

/**
 * The socket protocol's payloads as documented schemas (OpenAPI components, which POST /Chat/Sync
 * returns, and the AsyncAPI document's messages). Each implements its protocol type, so the
 * schema cannot say other fields than the events carry.
 */

const id = (description?: string) => ({ type: String, pattern: OBJECT_ID_PATTERN, example: '5a21650305100b3f1454a8d1', ...(description ? { description } : {}) });
const dateTime = (description: string) => ({ type: String, format: 'date-time', example: '2026-12-02T08:00:00.000Z', description });

/** What a reply shows of the message it quotes. */
export class ReplySnippetDto implements ReplySnippet {
  @ApiProperty(id('The quoted message'))
  messageid: string;

  @ApiProperty(id("The quoted message's sender"))
  from: string;

  @ApiProperty({ maxLength: 100, example: 'Dinner at 8?', description: 'The start of its text (at most 100 characters); empty once deleted' })
  text: string;

  @ApiPropertyOptional({ enum: ['image', 'video', 'audio', 'file'], description: 'Its attachment, if it has one (not once deleted)' })
  attachmentKind?: string;

  @ApiProperty({ description: 'The quoted message was deleted since' })
  isDeleted: boolean;
}

export class ImStanzaDto implements ImStanza {
  @ApiProperty(id('The receiver'))
  to: string;

  @ApiProperty(id('The sender (the caller, in `sent`)'))
  from: string;

  @ApiProperty({ example: 'Alice Tan' })
  fromFullName: string;

  @ApiProperty({ pattern: E164_PATTERN, example: '+6591234567' })
  fromPhone: string;

  @ApiProperty({ example: 'Hello there' })
  msg: string;

  @ApiProperty({ maxLength: 200, example: '1f0c7a52-8a7e-4c2b-9d1a-3b5e6f7a8c9d', description: "The sender's id for the message" })
  uniqueid: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, description: 'The delivery status' })
  status: ImStanza['status'];

  @ApiProperty({ enum: MESSAGE_TYPES })
  type: ImStanza['type'];

  @ApiProperty({ type: String, nullable: true, maxLength: 100, description: "image, video, audio or file for a message with an attachment; else what the client sent, or null" })
  file_type: string | null;

  @ApiPropertyOptional({ type: AttachmentDto, description: 'A photo, video, voice note or file (absent when none, and once deleted)' })
  attachment?: AttachmentDto;

  @ApiProperty(id())
  messageid: string;

  @ApiProperty(id())
  conversationId: string;

  @ApiProperty(dateTime('When the server stored it'))
  created: string;

  @ApiProperty()
  isDeleted: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'On a tombstone (a message deleted before this stanza was read in sync): when it was deleted; the stanza then has no text, attachment or DRFI content' })
  deletedAt?: string;

  @ApiPropertyOptional({ description: 'On an edited message: `msg` is its current text' })
  edited?: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'On an edited message: when it was last edited' })
  editedAt?: string;

  @ApiPropertyOptional({ type: () => [ReactionViewDto], description: "The members' reactions, when there are any" })
  reactions?: ReactionViewDto[];

  @ApiPropertyOptional({ type: () => ReplySnippetDto, description: "A reply's quoted message, as it is now" })
  replyTo?: ReplySnippetDto;
}

export class ReactionViewDto implements ReactionView {
  @ApiProperty(id('Who reacted'))
  userId: string;

  @ApiProperty({ example: '👍', description: 'One emoji' })
  emoji: string;
}

/** Which message an event is about, and its two parties. */
class MessageRefDto {
  @ApiProperty({ maxLength: 200, example: '1f0c7a52-8a7e-4c2b-9d1a-3b5e6f7a8c9d' })
  uniqueid: string;

  @ApiProperty(id())
  messageid: string;

  @ApiProperty(id())
  conversationId: string;

  @ApiProperty(id("The message's sender"))
  from: string;

  @ApiProperty(id("The message's receiver"))
  to: string;
}

export class StatusUpdateStanzaDto extends MessageRefDto implements StatusUpdateStanza {
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: StatusUpdateStanza['status'];
}

export class DeletedStanzaDto extends MessageRefDto implements DeletedStanza {
  @ApiProperty(dateTime('When it was deleted'))
  deletedAt: string;
}

export class EditedStanzaDto extends MessageRefDto implements EditedStanza {
  @ApiProperty({ example: 'See you at 8, not 7', description: 'The new text (may be empty on a message with an attachment: its caption)' })
  msg: string;

  @ApiProperty(dateTime('When it was edited'))
  editedAt: string;
}

export class ReactionStanzaDto extends MessageRefDto implements ReactionStanza {
  @ApiProperty(id('Who reacted'))
  userId: string;

  @ApiProperty({ type: String, nullable: true, example: '👍', description: 'Their reaction now; null: they took it back' })
  emoji: string | null;

  @ApiProperty({ type: () => [ReactionViewDto], description: 'Every reaction to the message now' })
  reactions: ReactionViewDto[];
}

export class DrfiStatusStanzaDto implements DrfiStatusStanza {
  @ApiProperty(id('The DRFI request message'))
  messageid: string;

  @ApiProperty({ maxLength: 200, example: '1f0c7a52-8a7e-4c2b-9d1a-3b5e6f7a8c9d' })
  uniqueid: string;

  @ApiProperty({ enum: ['sent', 'accepted', 'denied'] })
  status: DrfiStatusStanza['status'];

  @ApiProperty({ ...id('The response message (none while unanswered or when denied without one)'), nullable: true })
  responseMessageId: string | null;

  @ApiProperty(id())
  conversationId: string;
}

/** Which message an ack is about. */
class MessageAckRefDto {
  @ApiProperty({ maxLength: 200, example: '1f0c7a52-8a7e-4c2b-9d1a-3b5e6f7a8c9d' })
  uniqueid: string;

  @ApiProperty(id())
  messageid: string;

  @ApiProperty(id())
  conversationId: string;
}

export class SentAckDto extends MessageAckRefDto implements SentAck {
  @ApiProperty({ enum: ['sent'] })
  status: 'sent';

  @ApiProperty(dateTime('When the server stored it'))
  created: string;
}

export class EditedAckDto extends MessageAckRefDto implements EditedAck {
  @ApiProperty({ enum: ['edited'] })
  status: 'edited';

  @ApiProperty({ example: 'See you at 8, not 7', description: 'Its text now' })
  text: string;

  @ApiProperty(dateTime('When it was last edited (an edit repeated with the same text answers the first one)'))
  editedAt: string;
}

export class ReactedAckDto extends MessageAckRefDto implements ReactedAck {
  @ApiProperty({ enum: ['reacted'] })
  status: 'reacted';

  @ApiProperty({ type: () => [ReactionViewDto], description: 'Every reaction to the message now' })
  reactions: ReactionViewDto[];
}

export class StatusUpdatedAckDto implements StatusUpdatedAck {
  @ApiProperty({ enum: ['statusUpdated'] })
  status: 'statusUpdated';

  @ApiProperty({ maxLength: 200, example: '1f0c7a52-8a7e-4c2b-9d1a-3b5e6f7a8c9d' })
  uniqueid: string;

  @ApiProperty(id())
  messageid: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, description: "The message's delivery status now (a no-op leaves it where it was)" })
  deliveryStatus: string;
}

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'msg' })
  field: string;

  @ApiProperty({ type: [String], example: ['msg must not be empty'] })
  errors: string[];
}

class ErrorAckBodyDto {
  @ApiProperty({ enum: Object.keys(ERROR_DEFINITIONS), example: 'VALIDATION_FAILED' })
  code: ErrorCode;

  @ApiProperty({ example: 'Validation failed: msg must not be empty' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'VALIDATION_FAILED only: the failed fields' })
  details?: FieldError[];
}

export class ErrorAckDto implements ErrorAck {
  @ApiProperty({ enum: ['error'] })
  status: 'error';

  @ApiPropertyOptional({ maxLength: 200, description: "The payload's uniqueid, if it had one" })
  uniqueid?: string;

  @ApiProperty({ type: ErrorAckBodyDto })
  error: ErrorAckBodyDto;
}

export class TypingStanzaDto implements TypingStanza {
  @ApiProperty(id('Who is typing'))
  from: string;

  @ApiProperty(id())
  conversationId: string;

  @ApiProperty({ description: 'true: started (or still typing); false: stopped' })
  typing: boolean;

  @ApiPropertyOptional({ example: 6000, description: 'With a start: how long it holds without another start (TYPING_EXPIRY_SECONDS); then a stop comes by itself' })
  expiresInMs?: number;
}

export class TypingAckDto implements TypingAck {
  @ApiProperty({ enum: ['typing'] })
  status: 'typing';
}
