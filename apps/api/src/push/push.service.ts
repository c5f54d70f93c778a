import { randomInt } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { AppConfig, inSpan } from '@app/common';
import type { Message, OutboxEntry, PushContent } from '@app/dal';
import { DeviceTokenRepository, PushOutboxRepository } from '@app/dal/push';
import { Metrics } from '../metrics/metrics.service';
import { PresenceService } from '../presence/presence.service';
import { PUSH_PROVIDER, PushBatchResult, PushProvider } from './providers/push-provider';

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
 * Pushes through a durable outbox: the push is written before the first attempt; a push that
 * failed for a transient reason or timed out is retried with backoff by PushWorker (also after a
 * restart); tokens FCM calls unregistered or invalid are deactivated. A push never fails or
 * delays a message beyond PUSH_SEND_TIMEOUT_MS.
 */
@Injectable()
export class PushService implements OnApplicationShutdown {
  private readonly logger = new Logger(PushService.name);
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly config: AppConfig,
    @Inject(PUSH_PROVIDER) private readonly provider: PushProvider,
    private readonly tokens: DeviceTokenRepository,
    private readonly outbox: PushOutboxRepository,
    private readonly presence: PresenceService,
    private readonly metrics: Metrics,
  ) {
    metrics.outboxDepthSource = () => outbox.countPending();
  }

  get providerName(): string {
    return this.provider.name;
  }

  /**
   * Pushes a new message to its receiver's active tokens, saying `content` (built by the message's
   * producer: chat or DRFI; push knows no domain). 'await' (REST Add) waits up to the bound
   * and returns the FCM result; 'ifOffline' (socket im) pushes only when the receiver has no live
   * socket, without waiting. Never throws: a push failure is the outbox's business.
   */
  async forNewMessage(message: Message, content: PushContent, mode: PushMode): Promise<FcmResponse | undefined> {
    try {
      if (mode === 'ifOffline' && (await this.presence.isOnline(message.receiverId))) return undefined;
      const active = await this.tokens.listFor(message.receiverId, { activeOnly: true });
      if (active.length === 0) return undefined;
      const entry = await this.outbox.create({
        recipientId: message.receiverId,
        kind: message.type === 'text' ? 'message' : 'drfi',
        tokens: active.map((t) => t.token),
        content,
        lockMs: this.config.push.lockMs,
      });
      const attempt = this.track(this.attempt(entry));
      if (mode !== 'await') return undefined;
      const result = await Promise.race([attempt, delay(this.config.push.sendTimeoutMs)]);
      return result ? toFcmResponse(result) : undefined;
    } catch (err) {
      this.logger.warn({ err, messageId: message.id }, 'push not queued');
      return undefined;
    }
  }

  /** One try at an outbox entry (from a request or the worker); records the outcome. */
  async attempt(entry: OutboxEntry): Promise<PushBatchResult | undefined> {
    const attempts = entry.attempts + 1;
    let result: PushBatchResult;
    try {
      // A span per send (ids and counts only: a push's text never goes into a trace).
      result = await inSpan('fcm send', { kind: SpanKind.CLIENT, attributes: { 'push.provider': this.provider.name, 'push.kind': entry.kind, 'push.tokens': entry.tokens.length, 'push.attempt': attempts } }, async (span) => {
        const sent = await this.provider.send(entry.tokens, entry.content);
        span.setAttributes({ 'push.success_count': sent.successCount, 'push.failure_count': sent.failureCount });
        return sent;
      });
    } catch (err) {
      const reason = (err as { code?: string }).code ?? (err as Error).message;
      this.metrics.pushAttempts.inc({ outcome: 'error' });
      await this.retryLater(entry, entry.tokens, attempts, `send failed: ${reason}`, []);
      return undefined;
    }
    for (const failed of result.results.filter((r) => r.error)) this.metrics.pushFailures.inc({ code: failed.error });
    for (const gone of result.results.filter((r) => r.tokenGone)) {
      await this.tokens.deactivate(gone.token, gone.error ?? 'unregistered');
      this.metrics.pushTokensPruned.inc();
    }
    const retry = result.results.filter((r) => r.transient).map((r) => r.token);
    const recorded = result.results.map(({ token, messageId, error }) => ({ token, ...(messageId ? { messageId } : {}), ...(error ? { error } : {}) }));
    if (retry.length > 0) await this.retryLater(entry, retry, attempts, `transient: ${result.results.find((r) => r.transient)?.error}`, recorded);
    else await this.outbox.markSent(entry.id, this.provider.name, recorded);
    this.metrics.pushAttempts.inc({ outcome: retry.length > 0 ? 'retry' : result.failureCount > 0 ? 'partial' : 'sent' });
    return result;
  }

  /** Lets pushes under way finish, within the send bound; the outbox keeps whatever did not. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.race([Promise.allSettled([...this.inFlight]), delay(this.config.push.sendTimeoutMs)]);
    await this.provider.close?.();
  }

  private async retryLater(entry: OutboxEntry, tokens: string[], attempts: number, error: string, results: OutboxEntry['results']): Promise<void> {
    if (attempts >= this.config.push.maxAttempts) {
      this.metrics.pushAttempts.inc({ outcome: 'gave-up' });
      await this.outbox.markFailed(entry.id, error, attempts);
      return;
    }
    const backoffMs = Math.min(1000 * 2 ** (attempts - 1), 5 * 60_000) * (0.5 + Math.random() / 2);
    await this.outbox.reschedule(entry.id, {
      tokens,
      attempts,
      nextAttemptAt: new Date(Date.now() + backoffMs),
      lastError: error,
      provider: this.provider.name,
      results,
    });
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise.catch((err: unknown) => {
      this.logger.warn({ err }, 'push attempt failed');
      return undefined as T;
    });
  }
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
