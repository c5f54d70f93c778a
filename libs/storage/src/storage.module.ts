import { Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { AttachmentLinks } from './attachment-links';
import { ATTACHMENT_STORAGE, AttachmentStorage } from './attachment-storage';
import { LocalAttachmentStorage } from './local-storage';
import { S3AttachmentStorage } from './s3-storage';

/** The attachment store ATTACHMENT_STORAGE names, and the signer of its links. */
export function attachmentStorageFor(config: AppConfig): AttachmentStorage {
  const storage = config.attachments.storage;
  return storage.kind === 's3' ? new S3AttachmentStorage(storage) : new LocalAttachmentStorage(storage.directory);
}

@Module({
  providers: [
    { provide: ATTACHMENT_STORAGE, inject: [AppConfig], useFactory: attachmentStorageFor },
    {
      provide: AttachmentLinks,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new AttachmentLinks(config.auth.jwtSecret, config.attachments.urlTtlSeconds, config.attachments.publicUrl),
    },
  ],
  exports: [ATTACHMENT_STORAGE, AttachmentLinks],
})
export class StorageModule {}
