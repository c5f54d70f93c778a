import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsMongoId, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { OBJECT_ID_PATTERN } from '@app/common';
import { RECEIPT_STATUSES, ReceiptStatus } from '@app/status';
import type { EditRequest, ImRequest, ReactRequest, StatusUpdateRequest, SyncRequest, TypingRequest } from '../../../realtime/socket-events';
import { UNIQUE_ID } from '../chat.request.dto';

/** A person in a stanza: a user id, or a cell number in E.164 (the seed names people by cell number). */
export const PERSON = /^([0-9a-fA-F]{24}|\+[1-9]\d{6,14})$/;
const PERSON_MESSAGE = { message: '$property must be a user id or an E.164 cell number' };

/** `im`, client to server: the seed's chat message stanza. */
export class ImPayload implements ImRequest {
  @ApiProperty({ example: '+6590000002', description: 'Recipient: user id or cell number' })
  @IsString()
  @Matches(PERSON, PERSON_MESSAGE)
  to: string;

  @ApiProperty({ example: '+6590000001', description: 'Must be the authenticated user (id or cell number)' })
  @IsString()
  @Matches(PERSON, PERSON_MESSAGE)
  from: string;

  @ApiPropertyOptional({ example: 'Yamada Takai', description: 'Ignored: receivers get the stored name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fromFullName?: string;

  @ApiProperty({ maxLength: 4000, example: 'Hello there', description: 'At most MESSAGE_TEXT_MAX_LENGTH characters (default 4,000), counted as Unicode code points' })
  @IsString()
  @MaxLength(65_536)
  msg: string;

  @ApiProperty({ example: 'c7c1a1f0-2b1e-4d38-9d7e-0f6b1d2c3e4f' })
  @IsString()
  @Matches(UNIQUE_ID, { message: 'uniqueid must be 1 to 128 letters, digits or ._:-' })
  uniqueid: string;

  @ApiPropertyOptional({ description: "The client's own status of the message (ignored: the server's is authoritative)" })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  status?: string;

  @ApiPropertyOptional({ example: 'text' })
  @IsOptional()
  @IsIn(['text', 'chat'])
  type?: string;

  @ApiPropertyOptional({ example: 'image', description: "Without attachmentId: passed on as the client gave it (older clients). With one: the server sets it to the attachment's type" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  file_type?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'A ready upload of yours for this conversation; msg is then an optional caption' })
  @IsOptional()
  @IsMongoId()
  attachmentId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'Reply to an earlier message of this conversation (not a deleted one): every view shows a snippet of it' })
  @IsOptional()
  @IsMongoId()
  replyTo?: string;
}

/** `messageStatusUpdate`, client (the receiver) to server. */
export class StatusUpdatePayload implements StatusUpdateRequest {
  @ApiProperty({ enum: RECEIPT_STATUSES })
  @IsIn(RECEIPT_STATUSES)
  status: ReceiptStatus;

  @ApiProperty({ example: 'c7c1a1f0-2b1e-4d38-9d7e-0f6b1d2c3e4f' })
  @IsString()
  @Matches(UNIQUE_ID, { message: 'uniqueid must be 1 to 128 letters, digits or ._:-' })
  uniqueid: string;

  @ApiProperty({ example: '+6590000001', description: "The message's sender: user id or cell number" })
  @IsString()
  @Matches(PERSON, PERSON_MESSAGE)
  sender: string;
}

/** `sync` (socket) and POST /Chat/Sync: what the client could not get acknowledged, and its cursor. */
export class SyncPayload implements SyncRequest {
  @ApiPropertyOptional({ description: 'The cursor of the previous sync; none for the first' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ type: [ImPayload], maxItems: 100, description: 'Messages sent without a `sent` ack' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true, message: 'each of messages must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ImPayload)
  messages?: ImPayload[];

  @ApiPropertyOptional({ type: [StatusUpdatePayload], maxItems: 500, description: 'Receipts sent without a `statusUpdated` ack' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsObject({ each: true, message: 'each of statuses must be an object' })
  @ValidateNested({ each: true })
  @Type(() => StatusUpdatePayload)
  statuses?: StatusUpdatePayload[];
}

export class EditPayload implements EditRequest {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a21650305100b3f1454a8d1', description: 'A text message you sent' })
  @IsMongoId()
  messageid: string;

  @ApiProperty({ maxLength: 4000, example: 'See you at 8, not 7', description: 'The new text: at most MESSAGE_TEXT_MAX_LENGTH characters; may be empty only on a message with an attachment (its caption)' })
  @IsString()
  @MaxLength(65_536)
  text: string;
}

export class ReactPayload implements ReactRequest {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a21650305100b3f1454a8d1', description: 'A message of one of your conversations' })
  @IsMongoId()
  messageid: string;

  @ApiProperty({ type: String, nullable: true, example: '👍', description: 'One emoji (it replaces your earlier reaction); null takes your reaction back' })
  @ValidateIf((payload: ReactPayload) => payload.emoji !== null)
  @IsString()
  @MaxLength(64)
  emoji: string | null;
}

export class TypingPayload implements TypingRequest {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55', description: 'The other party (a user id)' })
  @IsMongoId()
  to: string;

  @ApiProperty({ description: 'true: started typing (send again every few seconds while typing); false: stopped' })
  @IsBoolean()
  typing: boolean;
}
