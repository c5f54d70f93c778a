import type { PushContent, PushPlatform } from '@app/dal';

/** One push to one device: its token, its platform (unknown for entries from before platforms were kept) and what it says. */
export interface OutgoingPush {
  token: string;
  platform?: PushPlatform;
  content: PushContent;
}

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

/** The most pushes one provider call takes (firebase-admin's sendEach). */
export const PROVIDER_BATCH_MAX = 500;

/**
 * Where pushes go: FCM through firebase-admin when credentials are configured, else the
 * recording provider (the pushes are kept in the push log for admins to see). `send` takes up to
 * PROVIDER_BATCH_MAX pushes, to any number of users, and answers one result per push, in order.
 */
export interface PushProvider {
  readonly name: 'fcm' | 'recording';
  send(pushes: OutgoingPush[]): Promise<TokenResult[]>;
  close?(): Promise<void>;
}

export const PUSH_PROVIDER = Symbol('PUSH_PROVIDER');
