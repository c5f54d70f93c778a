import { OBJECT_ID_PATTERN } from '@app/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FcmResponseDto } from '../../push/dto/push.dto';

export class MessageCreatedDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a216e4005100b3d9029dd71', description: 'The message just created (or the original, on a retry)' })
  messageId: string;

  @ApiProperty({ example: 'a3f1c9e2-6b7d-4f0e-9c1a-2b3c4d5e6f70' })
  uniqueid: string;

  @ApiProperty({ format: 'date-time', example: '2017-08-12T09:04:43.066Z' })
  created: string;

  @ApiPropertyOptional({ type: FcmResponseDto, description: "The FCM result (seed's shape), when the receiver has active tokens and FCM answered in time" })
  fcmResponse?: FcmResponseDto;
}

export class MessageMarkedReadDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a4db19205100b19c0c56d85' })
  messageId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ example: true })
  isRead: true;
}

export class ConversationMarkedReadDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ example: true })
  isRead: true;

  @ApiProperty({ example: 2, description: 'Messages marked read by this call; 0 if all were already read' })
  messagesMarkedRead: number;
}

export class MessageDeletedDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a21650305100b3f1454a8d1' })
  messageId: string;
}
