import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';

export class VaultFieldDto {
  @ApiProperty({ example: '.contact.mobile' })
  path: string;

  @ApiProperty({ example: 'Mobile phone' })
  label: string;

  @ApiProperty({ enum: ['text', 'email', 'phone', 'date', 'country', 'postalCode', 'choice'], example: 'phone' })
  type: string;

  @ApiProperty({ example: 'Contact' })
  group: string;

  @ApiPropertyOptional({ example: 100, description: 'text: the longest value accepted' })
  maxLength?: number;

  @ApiPropertyOptional({ type: [String], description: 'choice: the values accepted' })
  options?: string[];
}

export class UserDataFieldDto {
  @ApiProperty({ example: '.basicInformation.firstName' })
  path: string;

  @ApiProperty({ example: 'First name' })
  label: string;

  @ApiProperty({ example: 'text' })
  type: string;

  @ApiProperty({ example: 'Chris', nullable: true, type: String })
  value: string | null;

  @ApiPropertyOptional({ enum: ['vaultCurrentValue', 'newValue'] })
  source?: string;
}

export class VaultChangeDto {
  @ApiProperty({ example: '.contact.mobile' })
  @IsString()
  @MaxLength(100)
  path: string;

  @ApiProperty({ example: '6590909090', nullable: true, type: String, description: 'null clears the value' })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(1000)
  value: string | null;
}

export class UpdateVaultRequestDto {
  @ApiProperty({ type: [VaultChangeDto], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => VaultChangeDto)
  fields: VaultChangeDto[];
}

