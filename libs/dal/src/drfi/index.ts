import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DrfiAuditRepository } from './drfi-audit.repository';
import { DrfiAuditRecord, DrfiAuditSchema } from './drfi-audit.schema';

/** The `drfi_audit` collection; only the DRFI module imports this (dependency-cruiser). */
@Module({
  imports: [MongooseModule.forFeature([{ name: DrfiAuditRecord.name, schema: DrfiAuditSchema }])],
  providers: [DrfiAuditRepository],
  exports: [DrfiAuditRepository],
})
export class DrfiDalModule {}

export { DrfiAuditRepository };
