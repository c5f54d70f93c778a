import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AttachmentRepository } from './attachment.repository';
import { AttachmentRecord, AttachmentSchema } from './attachment.schema';

/** The `attachments` collection; only the attachments module imports this (dependency-cruiser). */
@Module({
  imports: [MongooseModule.forFeature([{ name: AttachmentRecord.name, schema: AttachmentSchema }])],
  providers: [AttachmentRepository],
  exports: [AttachmentRepository],
})
export class AttachmentsDalModule {}

export { AttachmentRepository };
export type { NewAttachment } from './attachment.repository';
