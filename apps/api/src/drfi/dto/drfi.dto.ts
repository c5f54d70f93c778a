import { OBJECT_ID_PATTERN } from '@app/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsMongoId, IsString, MaxLength, ValidateNested } from 'class-validator';

export class SubmittedFieldDto {
  @ApiProperty({ enum: ['vaultCurrentValue', 'newValue'], description: 'newValue fields are also written to my vault' })
  @IsIn(['vaultCurrentValue', 'newValue'])
  source: 'vaultCurrentValue' | 'newValue';

  @ApiProperty({ example: '.contact.mobile', description: 'Any vault field, requested or not' })
  @IsString()
  @MaxLength(100)
  path: string;

  @ApiProperty({ example: '6590909090' })
  @IsString()
  @MaxLength(1000)
  value: string;
}

export class AcceptDrfiRequestDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a67f16305100b0504addec9', description: 'The DRFI request message' })
  @IsMongoId()
  messageId: string;

  @ApiProperty({ type: [SubmittedFieldDto], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SubmittedFieldDto)
  fields: SubmittedFieldDto[];
}

export class DenyDrfiQueryDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a67f16305100b0504addec9', description: 'The DRFI request message' })
  @IsMongoId()
  messageId: string;
}

export class DrfiOutcomeDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a67f16305100b0504addec9' })
  requestMessageId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '5a68987605100b450cef5e73' })
  responseMessageId: string;

  @ApiProperty({ enum: ['accepted', 'denied'] })
  status: string;
}

export class DrfiAuditEntryDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN })
  id: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN })
  requestMessageId: string;

  @ApiProperty({ enum: ['requested', 'accepted', 'denied'] })
  event: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, description: 'Who did it' })
  actorId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, description: 'The other party' })
  counterpartId: string;

  @ApiProperty({ type: [String], description: 'requested: the paths asked for; accepted: the paths shared (never values)' })
  paths: string[];

  @ApiProperty({ type: [String], description: 'accepted: the paths written to the vault' })
  vaultUpdatedPaths: string[];

  @ApiProperty({ format: 'date-time', example: '2017-08-12T09:04:43.066Z' })
  at: string;
}
