import { Module } from '@nestjs/common';
import { DrfiDalModule } from '@app/dal/drfi';
import { StatusModule } from '@app/status';
import { MessagesModule } from '../messages/messages.module';
import { UsersModule } from '../users/users.module';
import { VaultModule } from '../vault/vault.module';
import { DrfiAuditService } from './drfi-audit.service';
import { AdminDrfiController, DrfiController } from './drfi.controller';
import { DrfiRequestsService } from './drfi-requests.service';
import { DrfiService } from './drfi.service';

/** DRFI: requests (sent as chat messages), accept and deny exactly once, the audit trail. */
@Module({
  imports: [DrfiDalModule, MessagesModule, UsersModule, StatusModule, VaultModule],
  controllers: [DrfiController, AdminDrfiController],
  providers: [DrfiRequestsService, DrfiService, DrfiAuditService],
  exports: [DrfiRequestsService, DrfiAuditService],
})
export class DrfiModule {}
