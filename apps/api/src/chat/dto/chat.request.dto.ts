import { OBJECT_ID_PATTERN } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsMongoId, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** A client message id: what the socket flow calls `uniqueid`. */
export const UNIQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class AddMessageRequestDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58b3dc67689f5e3418c88302' })
  @IsMongoId()
  conversationId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '585a367553bc292828bdac1f', description: 'The other member of the conversation' })
  @IsMongoId()
  ToReceiverId: string;

  @ApiPropertyOptional({
    maxLength: 4000,
    example: 'A chat message',
    description:
      'Required (not blank) except for a DRFI request, whose text is [DRFI Request]. At most MESSAGE_TEXT_MAX_LENGTH characters (default 4,000, the maxLength here), counted as Unicode code points',
  })
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  text?: string;

  @ApiPropertyOptional({ enum: ['drfi'], description: 'Only for a DRFI request' })
  @IsOptional()
  @IsIn(['drfi'])
  type?: 'drfi';

  // No example: Swagger UI's example body is then a plain text message, which works as shown.
  @ApiPropertyOptional({ type: [String], description: 'DRFI (with type drfi): vault field paths, known, no duplicates, 1 to 50, e.g. [".basicInformation.firstName", ".contact.mobile"]' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  drfiPaths?: string[];

  @ApiPropertyOptional({
    example: 'a3f1c9e2-6b7d-4f0e-9c1a-2b3c4d5e6f70',
    description: 'Client id for this message: a retry with the same one returns the original and creates nothing',
  })
  @IsOptional()
  @Matches(UNIQUE_ID, { message: 'uniqueid must be 1 to 128 letters, digits or ._:-' })
  uniqueid?: string;

  @ApiPropertyOptional({
    pattern: OBJECT_ID_PATTERN,
    description: 'A photo, video, voice note or file: the id of your upload for this conversation (POST /Chat/Attachments or the tus upload), ready. text is then an optional caption',
  })
  @IsOptional()
  @IsMongoId()
  attachmentId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'Reply to an earlier message of this conversation (not a deleted one): every view shows a snippet of it (`replyTo` in the message)' })
  @IsOptional()
  @IsMongoId()
  replyTo?: string;
}

export class DeleteMessageRequestDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58b3dc67689f5e3418c88302' })
  @IsMongoId()
  conversationId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a216e4005100b3d9029dd71' })
  @IsMongoId()
  ToReceiverId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a21650305100b3f1454a8d1' })
  @IsMongoId()
  messageid: string;
}

export class ConversationQueryDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, example: '58cf43cd6e1b1b32388e2f42', description: 'The other user (give this or withAccountId)' })
  @IsOptional()
  @IsMongoId()
  withUserId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: 'efbfae6c-b935-43cb-878c-dbea7166c78f', description: "The other user's account id" })
  @IsOptional()
  @IsUUID()
  withAccountId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, description: 'Only the newest `limit` messages (before `before`)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, example: '598ec4ab6e1b1b7474e1e144', description: 'Messages older than this message id' })
  @IsOptional()
  @IsMongoId()
  before?: string;
}

export class MessageIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a4db19205100b19c0c56d85' })
  @IsMongoId()
  messageId: string;
}

export class ConversationIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58b3dc67689f5e3418c88302' })
  @IsMongoId()
  conversationId: string;
}

