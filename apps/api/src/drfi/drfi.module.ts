import { Module } from '@nestjs/common';
import { StatusModule } from '@app/status';
import { ChatModule } from '../chat/chat.module';
import { PushModule } from '../push/push.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { VaultModule } from '../vault/vault.module';
import { DrfiAuditService } from './drfi-audit.service';
import { AdminDrfiController, DrfiController } from './drfi.controller';
import { DrfiService } from './drfi.service';

@Module({
  imports: [ChatModule, StatusModule, RealtimeModule, VaultModule, PushModule],
  controllers: [DrfiController, AdminDrfiController],
  providers: [DrfiService, DrfiAuditService],
})
export class DrfiModule {}
