import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsPageLimit, OBJECT_ID_PATTERN } from '@app/common';
import { PUSH_PLATFORMS, type PushContent } from '@app/dal';
import type { FcmResponse } from '../push.service';

const FCM_TOKEN = /^[A-Za-z0-9_:.-]{1,4096}$/;

export class RegisterTokenRequestDto {
  @ApiProperty({ example: 'dQw4w9WgXcQ:APA91bH...', description: 'The FCM registration token' })
  @IsString()
  @Matches(FCM_TOKEN, { message: 'token must be an FCM registration token' })
  token: string;

  @ApiProperty({ enum: PUSH_PLATFORMS })
  @IsIn(PUSH_PLATFORMS)
  platform: (typeof PUSH_PLATFORMS)[number];

  @ApiPropertyOptional({ example: 'pixel-8-work', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  deviceId?: string;
}

export class TokenParamDto {
  @ApiProperty({ example: 'dQw4w9WgXcQ:APA91bH...' })
  @IsString()
  @Matches(FCM_TOKEN, { message: 'token must be an FCM registration token' })
  token: string;
}

export class DeviceTokenResponseDto {
  @ApiProperty()
  token: string;

  @ApiProperty({ enum: PUSH_PLATFORMS })
  platform: string;

  @ApiProperty({ nullable: true, type: String })
  deviceId: string | null;

  @ApiProperty({ description: 'false once FCM reported the token unregistered or invalid' })
  active: boolean;

  @ApiProperty({ format: 'date-time', example: '2017-08-12T09:04:43.066Z' })
  createdAt: string;
}

export class AdminTokensQueryDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  @IsMongoId()
  userId: string;
}

export class RecentPushesQueryDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'Only pushes to this user' })
  @IsOptional()
  @IsMongoId()
  userId?: string;

  @IsPageLimit(200, 50)
  limit = 50;
}

export class PushContentDto implements PushContent {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'FCM data values (type, payload: the message as JSON text)' })
  data: Record<string, string>;

  @ApiProperty({ example: 'Alice Tan' })
  title: string;

  @ApiProperty({ maxLength: 200, example: 'Hello there' })
  body: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, description: "The conversation: its pushes replace each other on the device (Android tag, APNs collapse id and thread)" })
  collapseId: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 3, description: "The recipient's unread messages in all when the push was made (the app badge)" })
  badge?: number;

  @ApiPropertyOptional({ description: 'A data-only push after a read on another device: no alert, no sound' })
  silent?: boolean;
}

export class PushResultDto {
  @ApiProperty({ example: 'dQw4w9WgXcQ:APA91bH...' })
  token: string;

  @ApiPropertyOptional({ pattern: '^(projects/[^/]+/messages/|recorded:).+$', example: 'projects/chat/messages/0:1515994438299373', description: "FCM's name of the message sent (recorded:... from the recording provider)" })
  messageId?: string;

  @ApiPropertyOptional({ example: 'NotRegistered' })
  error?: string;
}

/** FCM's answer in the seed's (legacy HTTP API) shape. */
export class FcmResponseDto implements FcmResponse {
  @ApiProperty({ type: 'integer', format: 'int64', example: 8892582981373553 })
  multicast_id: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  success: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  failure: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  canonical_ids: number;

  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { message_id: { type: 'string' }, error: { type: 'string', example: 'NotRegistered' } },
      description: 'Per token, in order: message_id when sent, error when not',
    },
    example: [{ message_id: '0:1515994438299373%e609af1cf9fd7ecd' }],
  })
  results: FcmResponse['results'];
}

export class OutboxEntryDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN })
  id: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN })
  recipientId: string;

  @ApiProperty({ enum: ['message', 'drfi', 'read'], description: 'read: the silent push after the recipient read a conversation on one of their devices' })
  kind: string;

  @ApiProperty({ type: [String], enum: ['android', 'ios', 'web'], description: "Each token's platform, in order (empty for pushes queued before platforms were kept)" })
  platforms: string[];

  @ApiProperty({ enum: ['pending', 'sent', 'failed'] })
  status: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempts: number;

  @ApiProperty({ nullable: true, type: String, enum: ['fcm', 'recording'] })
  provider: string | null;

  @ApiProperty({ type: PushContentDto })
  content: PushContentDto;

  @ApiProperty({ type: [PushResultDto], description: 'Per token: what FCM answered' })
  results: PushResultDto[];

  @ApiProperty({ nullable: true, type: String })
  lastError: string | null;

  @ApiProperty({ format: 'date-time', example: '2017-08-12T09:04:43.066Z' })
  createdAt: string;
}
