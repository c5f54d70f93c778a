import type { PushContent } from '@app/dal';

/** How one token fared. `transient` errors are worth retrying; `tokenGone` ones mean never use the token again. */
export interface TokenResult {
  token: string;
  messageId?: string;
  error?: string;
  transient?: boolean;
  tokenGone?: boolean;
}

export interface PushBatchResult {
  successCount: number;
  failureCount: number;
  results: TokenResult[];
}

/**
 * Where pushes go: FCM through firebase-admin when credentials are configured, else the
 * recording provider (the pushes are kept in the outbox for admins to see).
 */
export interface PushProvider {
  readonly name: 'fcm' | 'recording';
  send(tokens: string[], content: PushContent): Promise<PushBatchResult>;
  close?(): Promise<void>;
}

export const PUSH_PROVIDER = Symbol('PUSH_PROVIDER');
