import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { pairId } from '@app/dal';
import { RealtimeNotifier } from '../realtime/realtime-notifier.service';
import type { TypingAck } from '../realtime/socket-events';
import { ChatAccessService } from './chat-access.service';

/**
 * Typing indicators (issue 34): a start or a stop goes to the other party's sockets only, never
 * stored. Only between linked users: a block unlinks the pair, so nothing reaches someone who blocked
 * the typist (and the typist's ack is the same either way). A start holds TYPING_EXPIRY_SECONDS: the
 * process that got it sends the stop itself unless another start or a stop comes first.
 */
@Injectable()
export class TypingService implements OnApplicationShutdown {
  /** The pending automatic stop of each (typist, other party) that started on this process. */
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly config: AppConfig,
    private readonly access: ChatAccessService,
    private readonly notifier: RealtimeNotifier,
  ) {}

  async typing(userId: string, input: { to: string; typing: boolean }): Promise<TypingAck> {
    const to = input.to.toLowerCase();
    if (to !== userId && (await this.access.isLinked(userId, to))) this.signal(userId, to, input.typing);
    return { status: 'typing' };
  }

  onApplicationShutdown(): void {
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
  }

  private signal(from: string, to: string, typing: boolean): void {
    const key = `${from}:${to}`;
    clearTimeout(this.expiries.get(key));
    this.expiries.delete(key);
    const conversationId = pairId(from, to).toHexString();
    const expiresInMs = this.config.socket.typingExpiryMs;
    this.notifier.toUser(to, 'typing', { from, conversationId, typing, ...(typing ? { expiresInMs } : {}) });
    if (!typing) return;
    const timer = setTimeout(() => {
      this.expiries.delete(key);
      this.notifier.toUser(to, 'typing', { from, conversationId, typing: false });
    }, expiresInMs);
    timer.unref();
    this.expiries.set(key, timer);
  }
}
