import { randomUUID } from 'node:crypto';
import type { PushContent } from '@app/dal';
import { PushBatchResult, PushProvider } from './push-provider';

/** Without Firebase credentials: every push "succeeds" and stays visible in the outbox (GET /Admin/Push/Recent). */
export class RecordingPushProvider implements PushProvider {
  readonly name = 'recording' as const;

  async send(tokens: string[], _content: PushContent): Promise<PushBatchResult> {
    return { successCount: tokens.length, failureCount: 0, results: tokens.map((token) => ({ token, messageId: `recorded:${randomUUID()}` })) };
  }
}
