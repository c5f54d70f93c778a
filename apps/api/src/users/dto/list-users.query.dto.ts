import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsMongoId, IsOptional } from 'class-validator';
import { IsPageLimit, OBJECT_ID_PATTERN } from '@app/common';

export class ListUsersQueryDto {
  @IsPageLimit(200, 50)
  limit = 50;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: "Return users after this id (the previous page's nextAfter)", example: '58c67eec6e1b455d503d3b55' })
  @IsOptional()
  @IsMongoId()
  after?: string;
}
