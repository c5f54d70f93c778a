import { Injectable } from '@nestjs/common';
import type { DrfiAuditEntry } from '@app/dal';
import { DrfiAuditRepository } from '@app/dal/drfi';

@Injectable()
export class DrfiAuditService {
  constructor(private readonly audit: DrfiAuditRepository) {}

  list(filter: { userId?: string; limit: number }): Promise<DrfiAuditEntry[]> {
    return this.audit.list(filter);
  }
}
