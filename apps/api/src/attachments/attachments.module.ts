import { Module } from '@nestjs/common';
import { AttachmentsDalModule } from '@app/dal/attachments';
import { StorageModule } from '@app/storage';
import { NetworkModule } from '../network/network.module';
import { AttachmentSweeper } from './attachment-sweeper';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { TusUploads } from './tus-uploads';

/** Photos, videos, voice notes and files: uploads, their checks, their links, their removal. */
@Module({
  imports: [AttachmentsDalModule, StorageModule, NetworkModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, TusUploads, AttachmentSweeper],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
