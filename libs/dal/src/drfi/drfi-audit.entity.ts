import type { DrfiAuditEvent } from './drfi-audit.schema';

export interface DrfiAuditEntry {
  id: string;
  requestMessageId: string;
  event: DrfiAuditEvent;
  actorId: string;
  counterpartId: string;
  paths: string[];
  vaultUpdatedPaths: string[];
  at: Date;
}
