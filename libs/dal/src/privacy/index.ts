import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DataExportRepository } from './data-export.repository';
import { ErasureRepository } from './erasure.repository';
import { DataExportRecord, DataExportSchema, ErasureRecord, ErasureSchema } from './privacy.schema';

/** The `data_exports` and `erasures` collections; only the privacy module imports this (dependency-cruiser). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: DataExportRecord.name, schema: DataExportSchema },
      { name: ErasureRecord.name, schema: ErasureSchema },
    ]),
  ],
  providers: [DataExportRepository, ErasureRepository],
  exports: [DataExportRepository, ErasureRepository],
})
export class PrivacyDalModule {}

export { DataExportRepository, ErasureRepository };
export * from './privacy.entity';
export { ERASURE_STATES, EXPORT_STATES } from './privacy.schema';
