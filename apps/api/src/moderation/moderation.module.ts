import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ModerationDalModule } from '@app/dal/moderation';
import { MessagesModule } from '../messages/messages.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { AdminAuditService } from './admin-audit.service';
import { AdminModerationController } from './admin-moderation.controller';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/**
 * Safety: users' reports and the admins' queue, and the audit trail of every admin action (a global
 * interceptor). The actions themselves live with their domains: deleting a message for everyone
 * in chat, suspending a user in users.
 */
@Module({
  imports: [ModerationDalModule, MessagesModule, UsersModule, RateLimitModule],
  controllers: [ReportsController, AdminModerationController],
  providers: [ReportsService, AdminAuditService, { provide: APP_INTERCEPTOR, useClass: AdminAuditInterceptor }],
  exports: [ReportsService, AdminAuditService],
})
export class ModerationModule {}
