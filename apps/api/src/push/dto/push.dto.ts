import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsPageLimit } from '@app/common';
import { PUSH_PLATFORMS } from '@app/dal';

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

  @ApiProperty({ example: '2017-08-12T09:04:43.066Z' })
  createdAt: string;
}

export class AdminTokensQueryDto {
  @ApiProperty({ example: '58c67eec6e1b455d503d3b55' })
  @IsMongoId()
  userId: string;
}

export class RecentPushesQueryDto {
  @ApiPropertyOptional({ description: 'Only pushes to this user' })
  @IsOptional()
  @IsMongoId()
  userId?: string;

  @IsPageLimit(200, 50)
  limit = 50;
}

export class OutboxEntryDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  recipientId: string;

  @ApiProperty({ enum: ['message', 'drfi'] })
  kind: string;

  @ApiProperty({ enum: ['pending', 'sent', 'failed'] })
  status: string;

  @ApiProperty()
  attempts: number;

  @ApiProperty({ nullable: true, type: String, enum: ['fcm', 'recording'] })
  provider: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'data (FCM data values), title, body, collapseId' })
  content: object;

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Per token: messageId or error' })
  results: object[];

  @ApiProperty({ nullable: true, type: String })
  lastError: string | null;

  @ApiProperty()
  createdAt: string;
}
