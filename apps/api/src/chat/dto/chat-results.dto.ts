import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MessageCreatedDto {
  @ApiProperty({ example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ example: '5a216e4005100b3d9029dd71', description: 'The message just created (or the original, on a retry)' })
  messageId: string;

  @ApiProperty({ example: 'a3f1c9e2-6b7d-4f0e-9c1a-2b3c4d5e6f70' })
  uniqueid: string;

  @ApiProperty({ example: '2017-08-12T09:04:43.066Z' })
  created: string;

  @ApiPropertyOptional({
    description: "The FCM result (seed's shape), when the receiver has active tokens and FCM answered in time",
    example: { multicast_id: 8892582981373553, success: 1, failure: 0, canonical_ids: 0, results: [{ message_id: '0:1515994438299373%e609af1cf9fd7ecd' }] },
  })
  fcmResponse?: object;
}

export class MessageMarkedReadDto {
  @ApiProperty({ example: '5a4db19205100b19c0c56d85' })
  messageId: string;

  @ApiProperty({ example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ example: true })
  isRead: true;
}

export class ConversationMarkedReadDto {
  @ApiProperty({ example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ example: true })
  isRead: true;

  @ApiProperty({ example: 2, description: 'Messages marked read by this call; 0 if all were already read' })
  messagesMarkedRead: number;
}

export class MessageDeletedDto {
  @ApiProperty({ example: '58b3dc67689f5e3418c88302' })
  conversationId: string;

  @ApiProperty({ example: '5a21650305100b3f1454a8d1' })
  messageId: string;
}
