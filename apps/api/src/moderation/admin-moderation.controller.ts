import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrors, ApiErrorsOf, Envelope, ok } from '@app/common';
import { AdminAuditService } from './admin-audit.service';
import {
  AdminAuditEntryDto,
  AdminAuditQueryDto,
  CloseReportRequestDto,
  ListReportsQueryDto,
  mapAuditEntry,
  mapReport,
  ReportDto,
  ReportIdParamDto,
  ReportPageDto,
} from './dto/moderation.dto';
import { ReportsService } from './reports.service';

@ApiTags('Admin')
@AdminOnly()
@Controller('Admin')
export class AdminModerationController {
  constructor(
    private readonly reports: ReportsService,
    private readonly audit: AdminAuditService,
  ) {}

  @Get('Reports')
  @ApiOperation({ operationId: 'listReports', summary: 'Reports in one status (open by default), oldest first, a page at a time' })
  @ApiEnvelope(ReportPageDto, { description: 'A page of reports', message: 'List 2 reports' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async list(@Query() query: ListReportsQueryDto): Promise<Envelope<ReportPageDto>> {
    const reports = await this.reports.list({ status: query.status, limit: query.limit + 1, after: query.after });
    const page = reports.slice(0, query.limit);
    return ok(`List ${page.length} reports`, { reports: page.map(mapReport), nextAfter: reports.length > query.limit ? page[page.length - 1].id : null });
  }

  @Post('Reports/:reportId/Close')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'closeReport', summary: 'Close an open report with a resolution (after deleting the message or suspending the user, or dismissing it)' })
  @ApiEnvelope(ReportDto, { description: 'The report, closed', message: 'Report closed' })
  @ApiErrorsOf(ReportsService, 'close', 'INVALID_ID', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async close(@CurrentUser() me: AuthUser, @Param() params: ReportIdParamDto, @Body() body: CloseReportRequestDto): Promise<Envelope<ReportDto>> {
    return ok('Report closed', mapReport(await this.reports.close(params.reportId, me.userId, body.resolution)));
  }

  @Get('Audit')
  @ApiOperation({ operationId: 'listAdminAudit', summary: 'The trail of admin actions, newest first (who did what to which ids, never content)' })
  @ApiEnvelope(AdminAuditEntryDto, { isArray: true, description: 'Audit entries', message: 'List 3 admin actions' })
  @ApiErrors('VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN')
  async auditTrail(@Query() query: AdminAuditQueryDto): Promise<Envelope<AdminAuditEntryDto[]>> {
    const entries = await this.audit.list(query);
    return ok(`List ${entries.length} admin actions`, entries.map(mapAuditEntry));
  }
}
