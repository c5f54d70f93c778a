import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ApiEnvelope, ApiErrorsOf, Envelope, ok } from '@app/common';
import { FileReportRequestDto, ReportFiledDto } from './dto/moderation.dto';
import { ReportsService } from './reports.service';

@ApiTags('Reports')
@ApiBearerAuth()
@Controller('Reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @ApiOperation({ operationId: 'fileReport', summary: 'Report a message I received or a user, with a reason (reporting the same thing again is the same report)' })
  @ApiEnvelope(ReportFiledDto, { status: 201, description: 'The report', message: 'Report filed' })
  @ApiErrorsOf(ReportsService, 'file', 'UNAUTHENTICATED')
  async file(@CurrentUser() me: AuthUser, @Body() body: FileReportRequestDto): Promise<Envelope<ReportFiledDto>> {
    const report = await this.reports.file(me.userId, body);
    return ok('Report filed', { reportId: report.id, status: report.status, reportedAt: report.reportedAt.toISOString() });
  }
}
