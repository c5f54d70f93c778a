import type { ReportKind, ReportReason, ReportStatus } from './report.schema';

export type { ReportKind, ReportReason, ReportStatus };

/** What an admin did, to whom, when: ids and the action's few words, never message text or vault values. */
export interface AdminAuditEntry {
  id: string;
  actorId: string;
  /** The operation (its OpenAPI operationId, e.g. `suspendUser`). */
  action: string;
  method: string;
  route: string;
  /** The ids the action named (route, query, body, or the object it created). */
  targets: Partial<Record<'userId' | 'memberId' | 'messageId' | 'reportId', string>>;
  /** A report's resolution, when the action closed one. */
  resolution: string | null;
  at: Date;
}

export interface Report {
  id: string;
  reporterId: string;
  kind: ReportKind;
  /** The user reported (a message's sender, for a message). */
  userId: string;
  messageId: string | null;
  reason: ReportReason;
  note: string | null;
  /** A text message as it read when reported (other kinds keep no content: DRFI answers carry personal data). */
  messageText: string | null;
  messageType: string | null;
  status: ReportStatus;
  resolution: string | null;
  closedBy: string | null;
  closedAt: Date | null;
  reportedAt: Date;
}
