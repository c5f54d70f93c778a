import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsMongoId, IsOptional } from 'class-validator';
import { OBJECT_ID_PATTERN } from '@app/common';
import { DataExport, Erasure, ERASURE_STATES, EXPORT_STATES } from '@app/dal/privacy';

export class ExportIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d0' })
  @IsMongoId()
  exportId: string;
}

export class JobProgressDto {
  @ApiProperty({ description: 'The step it is at (`queued`, `profile`, `network`, `conversations`, ..., `ready`; erasure: `scheduled`, ..., `done`)', example: 'conversations' })
  step: string;

  @ApiProperty({ description: 'Steps done', example: 4 })
  done: number;

  @ApiProperty({ description: 'Steps in all (0 until it starts; one per conversation among them)', example: 12 })
  total: number;
}

export class DataExportDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d0' })
  exportId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55', description: 'Whose data' })
  userId: string;

  @ApiProperty({ enum: EXPORT_STATES, description: '`queued`, `running`, then `ready` (download the archive) or `failed`; `expired` once the archive is removed' })
  state: (typeof EXPORT_STATES)[number];

  @ApiProperty({ type: JobProgressDto })
  progress: JobProgressDto;

  @ApiProperty({ nullable: true, type: Number, description: 'The archive size in bytes, once ready', example: 48213 })
  size: number | null;

  @ApiProperty({ nullable: true, type: String, description: "Where the archive is downloaded (with the same token), once ready", example: '/Me/Exports/6650b3a1c2d4e5f6a7b8c9d0/Archive' })
  archivePath: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-12-08T09:04:43.066Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: '2026-12-08T09:04:49.120Z' })
  finishedAt: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the archive is removed (DATA_EXPORT_TTL_HOURS after it was made)' })
  expiresAt: string | null;
}

export class ErasureDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58c67eec6e1b455d503d3b55' })
  userId: string;

  @ApiProperty({ enum: ERASURE_STATES, description: '`scheduled` (until `dueAt`: it may be cancelled), `running`, `done`; `cancelled`' })
  state: (typeof ERASURE_STATES)[number];

  @ApiProperty({ format: 'date-time', example: '2026-12-08T09:04:43.066Z' })
  requestedAt: string;

  @ApiProperty({ format: 'date-time', description: 'When it is carried out (ERASURE_GRACE_DAYS after it was asked for, unless an admin skipped the wait)', example: '2026-12-22T09:04:43.066Z' })
  dueAt: string;

  @ApiProperty({ type: JobProgressDto })
  progress: JobProgressDto;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  completedAt: string | null;
}

export class AdminErasureRequestDto {
  @ApiPropertyOptional({ description: 'Skip the grace period: erase now', default: false })
  @IsOptional()
  @IsBoolean()
  immediately?: boolean;
}

export function mapExport(job: DataExport, base: string): DataExportDto {
  return {
    exportId: job.id,
    userId: job.userId,
    state: job.state,
    progress: job.progress,
    size: job.size,
    archivePath: job.state === 'ready' ? `${base}/${job.id}/Archive` : null,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    expiresAt: job.expiresAt?.toISOString() ?? null,
  };
}

export function mapErasure(erasure: Erasure): ErasureDto {
  return {
    userId: erasure.userId,
    state: erasure.state,
    requestedAt: erasure.requestedAt.toISOString(),
    dueAt: erasure.dueAt.toISOString(),
    progress: erasure.progress,
    completedAt: erasure.completedAt?.toISOString() ?? null,
  };
}
