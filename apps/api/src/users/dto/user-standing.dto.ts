import { ApiProperty } from '@nestjs/swagger';
import { IsMongoId } from 'class-validator';
import { OBJECT_ID_PATTERN } from '@app/common';

export class UserIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  @IsMongoId()
  userId: string;
}

export class SessionsRevokedDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  userId: string;

  @ApiProperty({ description: 'Tokens issued before this moment are refused (`iat` at or after it counts)', example: '2026-12-02T19:00:01.000Z' })
  sessionsValidFrom: string;
}

export class UserSuspensionDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  userId: string;

  @ApiProperty({ description: 'Whether the user is suspended now', example: true })
  suspended: boolean;
}
