import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AdminAuditRepository } from './admin-audit.repository';
import { AdminAuditRecord, AdminAuditSchema } from './admin-audit.schema';
import { ReportRepository } from './report.repository';
import { ReportRecord, ReportSchema } from './report.schema';

/** The `reports` and `admin_audit` collections; only the moderation module imports this (dependency-cruiser). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ReportRecord.name, schema: ReportSchema },
      { name: AdminAuditRecord.name, schema: AdminAuditSchema },
    ]),
  ],
  providers: [ReportRepository, AdminAuditRepository],
  exports: [ReportRepository, AdminAuditRepository],
})
export class ModerationDalModule {}

export { AdminAuditRepository, ReportRepository };
export type { NewReport } from './report.repository';
export * from './moderation.entity';
export { REPORT_REASONS, REPORT_STATUSES } from './report.schema';
