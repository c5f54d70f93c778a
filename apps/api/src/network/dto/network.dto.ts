import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsMongoId, IsOptional, IsString, IsUUID } from 'class-validator';
import { IsE164Phone, OBJECT_ID_PATTERN, E164_PATTERN } from '@app/common';
import { User } from '@app/dal';
import { mapUser, UserResponseDto } from '../../users/dto/user.response.dto';

export class AddNetworkMemberRequestDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Account id of the user to add (give this or phone)', example: 'f401327f-e99f-4eb5-8e32-8f412f8a000e' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ pattern: E164_PATTERN, description: 'Cell number of the user to add (give this or accountId)', example: '+6591234567' })
  @IsOptional()
  @IsString()
  @IsE164Phone()
  phone?: string;
}

export class MemberIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  @IsMongoId()
  userId: string;
}

export class LinkUsersRequestDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58cde4d96e1b1b3dd01c29ee' })
  @IsMongoId()
  userId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  @IsMongoId()
  memberId: string;
}

export class NetworkMemberResponseDto extends OmitType(UserResponseDto, ['createdAt'] as const) {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, description: 'The one-to-one conversation with this member', example: '58d36da86e1b2963a0c42548' })
  conversationId: string;
}

export class NetworkLinkResponseDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58cde4d96e1b1b3dd01c29ee' })
  userId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  memberId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58d36da86e1b2963a0c42548' })
  conversationId: string;

  @ApiProperty({ description: 'false when the two were already linked (linking is idempotent)' })
  created: boolean;
}

export function mapMember(user: User, conversationId: string): NetworkMemberResponseDto {
  const { createdAt: _createdAt, ...profile } = mapUser(user);
  return { ...profile, conversationId };
}
