import type { OutboxStatus, PushContent } from './push-outbox.schema';

export type { PushContent };

export interface OutboxEntry {
  id: string;
  recipientId: string;
  kind: string;
  tokens: string[];
  /** Each token's platform, in the same order (empty for an entry from before platforms were kept). */
  platforms: string[];
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

export type NewOutboxEntry = Pick<OutboxEntry, 'recipientId' | 'kind' | 'tokens' | 'platforms' | 'content'>;

/** How an attempt at an entry ended: done (sent, or given up), or another try later. */
export type OutboxOutcome =
  | { entry: OutboxEntry; status: 'sent' | 'failed'; attempts: number; provider: string; results: OutboxEntry['results']; lastError: string | null }
  | { entry: OutboxEntry; status: 'pending'; attempts: number; provider: string; results: OutboxEntry['results']; lastError: string; tokens: string[]; nextAttemptAt: Date };
