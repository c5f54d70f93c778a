import { Injectable } from '@nestjs/common';
import { AdminAuditEntry, AdminAuditRepository } from '@app/dal/moderation';

/** The trail of admin actions (written by AdminAuditInterceptor, read by admins). */
@Injectable()
export class AdminAuditService {
  constructor(private readonly audit: AdminAuditRepository) {}

  record(entry: Omit<AdminAuditEntry, 'id' | 'at'>): Promise<void> {
    return this.audit.record(entry);
  }

  list(filter: { userId?: string; limit: number }): Promise<AdminAuditEntry[]> {
    return this.audit.list(filter);
  }
}
