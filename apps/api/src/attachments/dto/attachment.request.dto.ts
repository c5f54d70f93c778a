import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsIn, IsInt, IsMongoId, Max, Min } from 'class-validator';
import { OBJECT_ID_PATTERN } from '@app/common';

export class AttachmentIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN })
  @IsMongoId()
  id: string;
}

export class AttachmentLinkParamDto extends AttachmentIdParamDto {
  @ApiProperty({ enum: ['file', 'thumbnail'] })
  @IsIn(['file', 'thumbnail'])
  variant: 'file' | 'thumbnail';
}

export class AttachmentLinkQueryDto {
  @ApiProperty({ type: 'integer', description: 'Unix seconds the link works until (part of the signed URL)' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2 ** 40)
  expires: number;

  @ApiProperty({ description: 'The signature (part of the signed URL)', maxLength: 64 })
  @IsBase64({ urlSafe: true })
  signature: string;
}
