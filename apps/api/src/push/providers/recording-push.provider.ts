import { randomUUID } from 'node:crypto';
import { OutgoingPush, PushProvider, TokenResult } from './push-provider';

/** Without Firebase credentials: every push "succeeds" and stays visible in the push log (GET /Admin/Push/Recent). */
export class RecordingPushProvider implements PushProvider {
  readonly name = 'recording' as const;

  async send(pushes: OutgoingPush[]): Promise<TokenResult[]> {
    return pushes.map(({ token }) => ({ token, messageId: `recorded:${randomUUID()}` }));
  }
}
