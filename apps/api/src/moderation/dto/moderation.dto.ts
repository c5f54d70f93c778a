import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPageLimit, OBJECT_ID_PATTERN } from '@app/common';
import { REPORT_REASONS, REPORT_STATUSES } from '@app/dal/moderation';
import type { AdminAuditEntry, Report, ReportReason, ReportStatus } from '@app/dal/moderation';

export const REPORT_RESOLUTIONS = ['actioned', 'dismissed'] as const;

export class FileReportRequestDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'A message you received (give this or userId)', example: '5a21650305100b3f1454a8d1' })
  @IsOptional()
  @IsMongoId()
  messageId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'A user (give this or messageId)', example: '58c67eec6e1b455d503d3b55' })
  @IsOptional()
  @IsMongoId()
  userId?: string;

  @ApiProperty({ enum: REPORT_REASONS, example: 'spam' })
  @IsIn(REPORT_REASONS)
  reason: ReportReason;

  @ApiPropertyOptional({ maxLength: 1000, description: 'What happened, in your words', example: 'Sends the same link to everyone' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class ReportFiledDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d1' })
  reportId: string;

  @ApiProperty({ enum: REPORT_STATUSES, example: 'open' })
  status: ReportStatus;

  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:04:43.066Z' })
  reportedAt: string;
}

export class ReportDto extends ReportFiledDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '58cde4d96e1b1b3dd01c29ee' })
  reporterId: string;

  @ApiProperty({ enum: ['message', 'user'] })
  kind: 'message' | 'user';

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, description: 'The user reported (for a message, its sender)', example: '58c67eec6e1b455d503d3b55' })
  userId: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, nullable: true, type: String, example: '5a21650305100b3f1454a8d1' })
  messageId: string | null;

  @ApiProperty({ enum: REPORT_REASONS })
  reason: ReportReason;

  @ApiProperty({ nullable: true, type: String })
  note: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'A text message as it read when reported (other kinds keep no content)' })
  messageText: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'text' })
  messageType: string | null;

  @ApiProperty({ nullable: true, type: String, description: '`actioned` or `dismissed` once closed' })
  resolution: string | null;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, nullable: true, type: String })
  closedBy: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  closedAt: string | null;
}

export class ListReportsQueryDto {
  @ApiPropertyOptional({ enum: REPORT_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(REPORT_STATUSES)
  status: ReportStatus = 'open';

  @IsPageLimit(200, 50)
  limit = 50;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: "Reports after this one (the previous page's nextAfter)" })
  @IsOptional()
  @IsMongoId()
  after?: string;
}

export class ReportPageDto {
  @ApiProperty({ type: [ReportDto] })
  reports: ReportDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `after` for the next page; null on the last page' })
  nextAfter: string | null;
}

export class ReportIdParamDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN, example: '6650b3a1c2d4e5f6a7b8c9d1' })
  @IsMongoId()
  reportId: string;
}

export class CloseReportRequestDto {
  @ApiProperty({ enum: REPORT_RESOLUTIONS, description: '`actioned`: something was done (a message deleted, a user suspended); `dismissed`: nothing needed', example: 'actioned' })
  @IsIn(REPORT_RESOLUTIONS)
  resolution: (typeof REPORT_RESOLUTIONS)[number];
}

export class AdminAuditQueryDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN, description: 'Only actions by this admin or naming this user' })
  @IsOptional()
  @IsMongoId()
  userId?: string;

  @IsPageLimit(500, 100)
  limit = 100;
}

export class AdminAuditTargetsDto {
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN })
  userId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN })
  memberId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN })
  messageId?: string;

  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN })
  reportId?: string;
}

export class AdminAuditEntryDto {
  @ApiProperty({ pattern: OBJECT_ID_PATTERN })
  id: string;

  @ApiProperty({ pattern: OBJECT_ID_PATTERN, description: 'The admin' })
  actorId: string;

  @ApiProperty({ description: 'The operation (its operationId)', example: 'suspendUser' })
  action: string;

  @ApiProperty({ example: 'POST' })
  method: string;

  @ApiProperty({ example: '/Admin/Users/:userId/Suspend' })
  route: string;

  @ApiProperty({ type: AdminAuditTargetsDto, description: 'The ids the action named' })
  targets: AdminAuditTargetsDto;

  @ApiProperty({ nullable: true, type: String, description: "A report's resolution, when the action closed one" })
  resolution: string | null;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

export function mapReport(r: Report): ReportDto {
  return {
    reportId: r.id,
    status: r.status,
    reportedAt: r.reportedAt.toISOString(),
    reporterId: r.reporterId,
    kind: r.kind,
    userId: r.userId,
    messageId: r.messageId,
    reason: r.reason,
    note: r.note,
    messageText: r.messageText,
    messageType: r.messageType,
    resolution: r.resolution,
    closedBy: r.closedBy,
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

export function mapAuditEntry(e: AdminAuditEntry): AdminAuditEntryDto {
  return { ...e, at: e.at.toISOString() };
}
