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

export class InvitationIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d0' })
  @IsMongoId()
  invitationId: string;
}

export class InvitationSentResponseDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d0' })
  invitationId: string;

  @ApiProperty({
    enum: ['pending', 'accepted'],
    description:
      '`pending` whether or not the number belongs to anyone (and whatever its holder did with an earlier invitation); ' +
      '`accepted` only when the two are linked now: they had invited you too, or you were already linked',
  })
  status: 'pending' | 'accepted';

  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:04:43.066Z' })
  sentAt: string;

  @ApiPropertyOptional({ type: () => NetworkMemberResponseDto, description: 'The member, when `accepted`' })
  member?: NetworkMemberResponseDto;
}

export class InviterResponseDto extends OmitType(UserResponseDto, ['createdAt', 'accountId'] as const) {}

export class ReceivedInvitationResponseDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d0' })
  invitationId: string;

  @ApiProperty({ type: InviterResponseDto, description: 'Who invited you' })
  from: InviterResponseDto;

  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:04:43.066Z' })
  sentAt: string;
}

export class SentInvitationResponseDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d0' })
  invitationId: string;

  @ApiProperty({ pattern: E164_PATTERN, nullable: true, type: String, description: 'As you addressed it (or accountId)', example: '+6591234567' })
  phone: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'As you addressed it (or phone)' })
  accountId: string | null;

  @ApiProperty({ enum: ['pending'], description: 'Until accepted (then the member is in your network) or withdrawn' })
  status: 'pending';

  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:04:43.066Z' })
  sentAt: string;
}

export class InvitationsResponseDto {
  @ApiProperty({ type: [ReceivedInvitationResponseDto], description: 'Invitations waiting for your answer, oldest first' })
  received: ReceivedInvitationResponseDto[];

  @ApiProperty({ type: [SentInvitationResponseDto], description: 'Your invitations not accepted yet, oldest first' })
  sent: SentInvitationResponseDto[];
}

export class InvitationAnsweredDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d0' })
  invitationId: string;
}

export class BlockUserRequestDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  @IsMongoId()
  userId: string;
}

export class BlockedUserResponseDto extends OmitType(UserResponseDto, ['createdAt', 'accountId', 'phone'] as const) {
  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:04:43.066Z' })
  blockedAt: string;
}

export function mapBlocked(user: User, blockedAt: Date): BlockedUserResponseDto {
  return { id: user.id, name: user.name, avatar: user.avatar, blockedAt: blockedAt.toISOString() };
}

export function mapInviter(user: User): InviterResponseDto {
  return { id: user.id, name: user.name, phone: user.phone, avatar: user.avatar };
}
