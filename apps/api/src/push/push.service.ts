import { randomInt } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/common';
import type { Message, PushContent } from '@app/dal';
import { PushOutboxRepository } from '@app/dal/push';
import { Metrics } from '../metrics/metrics.service';
import { PresenceService } from '../presence/presence.service';
import { PUSH_PROVIDER, PushBatchResult, PushProvider } from './providers/push-provider';
import { PushPipeline } from './push-pipeline';

/** The seed's FCM result shape (legacy FCM API), mapped from firebase-admin's batch response. */
export interface FcmResponse {
  multicast_id: number;
  success: number;
  failure: number;
  canonical_ids: number;
  results: ({ message_id: string } | { error: string })[];
}

const LEGACY_ERROR: Record<string, string> = {
  'messaging/registration-token-not-registered': 'NotRegistered',
  'messaging/invalid-registration-token': 'InvalidRegistration',
  'messaging/invalid-argument': 'InvalidRegistration',
  'messaging/unavailable': 'Unavailable',
  'messaging/server-unavailable': 'Unavailable',
  'messaging/internal-error': 'InternalServerError',
  'messaging/message-rate-exceeded': 'DeviceMessageRateExceeded',
  'messaging/device-message-rate-exceeded': 'DeviceMessageRateExceeded',
  'messaging/quota-exceeded': 'DeviceMessageRateExceeded',
};

export function toFcmResponse(result: PushBatchResult): FcmResponse {
  return {
    multicast_id: randomInt(2 ** 47),
    success: result.successCount,
    failure: result.failureCount,
    canonical_ids: 0,
    results: result.results.map((r) => (r.messageId ? { message_id: r.messageId } : { error: LEGACY_ERROR[r.error ?? ''] ?? 'Unavailable' })),
  };
}

/** When a new message is pushed, and whether the caller waits for FCM. */
export type PushMode = 'await' | 'ifOffline';

/**
 * What producers ask of push (chat and DRFI hand it their content; push knows no domain). Every
 * push goes through the outbox by way of PushPipeline: owed durably before the caller goes on,
 * sent in batches, retried with backoff by PushWorker (also after a restart); tokens FCM calls
 * unregistered or invalid are deactivated. A push never fails or delays a message beyond
 * PUSH_SEND_TIMEOUT_MS.
 */
@Injectable()
export class PushService implements OnApplicationShutdown {
  private readonly logger = new Logger(PushService.name);

  constructor(
    private readonly config: AppConfig,
    @Inject(PUSH_PROVIDER) private readonly provider: PushProvider,
    private readonly pipeline: PushPipeline,
    private readonly presence: PresenceService,
    outbox: PushOutboxRepository,
    metrics: Metrics,
  ) {
    metrics.outboxDepthSource = () => outbox.countPending();
  }

  /**
   * Pushes a new message to its receiver's active tokens, saying `content` (built by the message's
   * producer; `collapseId` names its conversation). 'await' (REST Add) waits up to the bound and
   * returns the FCM result; 'ifOffline' (socket im) pushes only when the receiver has no live
   * socket, and waits only until the push is owed durably. Never throws.
   */
  async forNewMessage(message: Message, content: PushContent, mode: PushMode): Promise<FcmResponse | undefined> {
    try {
      if (mode === 'ifOffline' && (await this.presence.isOnline(message.receiverId))) return undefined;
      const queued = this.pipeline.enqueue({ recipientId: message.receiverId, kind: message.type === 'text' ? 'message' : 'drfi', content });
      if (!(await queued.durable) || mode !== 'await') return undefined;
      const result = await Promise.race([queued.result, delay(this.config.push.sendTimeoutMs)]);
      return result ? toFcmResponse(result) : undefined;
    } catch (err) {
      this.logger.warn({ err, messageId: message.id }, 'push not queued');
      return undefined;
    }
  }

  /**
   * `userId` read `conversationId` on one of their devices: every device of theirs gets a silent
   * data push with their badge, so that the conversation's notification is cleared wherever it is
   * still shown. Nothing waits for it.
   */
  readElsewhere(userId: string, conversationId: string): void {
    this.pipeline.enqueue({
      recipientId: userId,
      kind: 'read',
      content: { data: { type: 'read', conversationId }, title: '', body: '', collapseId: conversationId, silent: true },
    });
  }

  /** Lets pushes under way finish, within the send bound; the outbox keeps whatever did not. */
  async onApplicationShutdown(): Promise<void> {
    await this.pipeline.settle(this.config.push.sendTimeoutMs);
    await this.provider.close?.();
  }
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
