import { Module } from '@nestjs/common';
import { PrivacyDalModule } from '@app/dal/privacy';
import { StorageModule } from '@app/storage';
import { AttachmentsModule } from '../attachments/attachments.module';
import { ChatModule } from '../chat/chat.module';
import { DrfiModule } from '../drfi/drfi.module';
import { ModerationModule } from '../moderation/moderation.module';
import { NetworkModule } from '../network/network.module';
import { PushModule } from '../push/push.module';
import { UsersModule } from '../users/users.module';
import { VaultModule } from '../vault/vault.module';
import { DataExportService } from './data-export.service';
import { ErasureService } from './erasure.service';
import { AdminPrivacyController, PrivacyController } from './privacy.controller';
import { PrivacyWorker } from './privacy-worker';

/**
 * Data rights: a copy of a user's data, their erasure, message retention. Each domain hands over
 * its own part (UsersService.erase, NetworkPersonalData, ConversationPersonalData, VaultService,
 * DeviceTokensService, AttachmentsService, ReportsService); this module owns the jobs.
 */
@Module({
  imports: [PrivacyDalModule, StorageModule, UsersModule, NetworkModule, ChatModule, AttachmentsModule, VaultModule, PushModule, DrfiModule, ModerationModule],
  controllers: [PrivacyController, AdminPrivacyController],
  providers: [DataExportService, ErasureService, PrivacyWorker],
  exports: [PrivacyWorker],
})
export class PrivacyModule {}
