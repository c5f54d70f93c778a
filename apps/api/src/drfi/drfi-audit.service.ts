import { Injectable } from '@nestjs/common';
import { DrfiAuditEntry, DrfiAuditRepository } from '@app/dal';

@Injectable()
export class DrfiAuditService {
  constructor(private readonly audit: DrfiAuditRepository) {}

  list(filter: { userId?: string; limit: number }): Promise<DrfiAuditEntry[]> {
    return this.audit.list(filter);
  }
}
