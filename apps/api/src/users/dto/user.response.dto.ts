import { OBJECT_ID_PATTERN, E164_PATTERN } from '@app/common';
import { ApiProperty } from '@nestjs/swagger';
import { User } from '@app/dal';

export class UserResponseDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  id: string;

  @ApiProperty({ example: 'f401327f-e99f-4eb5-8e32-8f412f8a000e', format: 'uuid' })
  accountId: string;

  @ApiProperty({ example: 'Cindy Nguyen' })
  name: string;

  @ApiProperty({ pattern: E164_PATTERN, example: '+6591234567' })
  phone: string;

  @ApiProperty({ example: '/Content/ProfilePictures/58c67eec6e1b455d503d3b55_profile_pic.jpg', nullable: true, type: String })
  avatar: string | null;

  @ApiProperty({ format: 'date-time', example: '2017-08-12T09:04:43.066Z' })
  createdAt: string;
}

export class UserPageResponseDto {
  @ApiProperty({ type: [UserResponseDto] })
  users: UserResponseDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `after` for the next page; null on the last page' })
  nextAfter: string | null;
}

export function mapUser(user: User): UserResponseDto {
  return {
    id: user.id,
    accountId: user.accountId,
    name: user.name,
    phone: user.phone,
    avatar: user.avatar,
    createdAt: user.createdAt.toISOString(),
  };
}
