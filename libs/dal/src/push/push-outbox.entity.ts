import type { OutboxStatus, PushContent } from './push-outbox.schema';

export type { PushContent };

export interface OutboxEntry {
  id: string;
  recipientId: string;
  kind: string;
  tokens: string[];
  content: PushContent;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date;
  provider: string | null;
  lastError: string | null;
  results: { token: string; messageId?: string; error?: string }[];
  createdAt: Date;
  updatedAt: Date;
}
