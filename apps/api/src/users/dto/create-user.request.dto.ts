import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsE164Phone, E164_PATTERN } from '@app/common';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserRequestDto {
  @ApiProperty({ example: 'Cindy Nguyen', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ pattern: E164_PATTERN, example: '+6591234567', description: 'Cell number in E.164; unique' })
  @IsString()
  @IsE164Phone()
  phone: string;

  @ApiPropertyOptional({
    type: String,
    example: '/Content/ProfilePictures/58c67eec6e1b455d503d3b55_profile_pic.jpg',
    nullable: true,
    maxLength: 2048,
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  avatar?: string | null;
}
