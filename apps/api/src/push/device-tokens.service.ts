import { Injectable } from '@nestjs/common';
import { AppError, Throws } from '@app/common';
import type { DeviceToken, OutboxEntry, PushPlatform } from '@app/dal';
import { DeviceTokenRepository, PushOutboxRepository } from '@app/dal/push';
import { PushPipeline } from './push-pipeline';

export interface DeviceTokenView {
  token: string;
  platform: string;
  deviceId: string | null;
  active: boolean;
  createdAt: string;
}

const view = (t: DeviceToken): DeviceTokenView => ({ token: t.token, platform: t.platform, deviceId: t.deviceId, active: t.active, createdAt: t.createdAt.toISOString() });

/** Device tokens, each visible and removable only by its owner (and admins). */
@Injectable()
export class DeviceTokensService {
  constructor(
    private readonly tokens: DeviceTokenRepository,
    private readonly outbox: PushOutboxRepository,
    private readonly pipeline: PushPipeline,
  ) {}

  async register(ownerId: string, token: string, platform: PushPlatform, deviceId: string | null): Promise<DeviceTokenView> {
    const registered = view(await this.tokens.register(ownerId, token, platform, deviceId));
    this.pipeline.devicesChanged(ownerId);
    return registered;
  }

  async listOwn(ownerId: string): Promise<DeviceTokenView[]> {
    return (await this.tokens.listFor(ownerId, { activeOnly: false })).map(view);
  }

  @Throws('NOT_FOUND')
  async removeOwn(ownerId: string, token: string): Promise<void> {
    // Someone else's token answers like no token at all.
    if (!(await this.tokens.removeOwned(ownerId, token))) throw new AppError('NOT_FOUND', 'No such token of yours');
  }

  async listAll(userId: string): Promise<DeviceTokenView[]> {
    return (await this.tokens.listFor(userId, { activeOnly: false })).map(view);
  }

  @Throws('NOT_FOUND')
  async revoke(token: string): Promise<void> {
    const found = await this.tokens.find(token);
    if (!found || !(await this.tokens.removeOwned(found.userId, token))) throw new AppError('NOT_FOUND', 'No such token');
  }

  /**
   * Erasure: the user's tokens, the pushes to them, and the pushes that carried their messages to
   * others (`carriedTo`: each other party, with the conversations that were the erased user's).
   */
  async erase(userId: string, carriedTo: Map<string, string[]>): Promise<void> {
    await this.tokens.removeAllOf(userId);
    this.pipeline.devicesChanged(userId);
    await this.outbox.removeFor(userId);
    for (const [recipientId, conversationIds] of carriedTo) await this.outbox.removeFor(recipientId, conversationIds);
  }

  /** Message retention: finished pushes older than the cutoff go (their bodies are message text). */
  removeFinishedBefore(cutoff: Date): Promise<number> {
    return this.outbox.removeFinishedBefore(cutoff);
  }

  async recentPushes(limit: number, userId?: string): Promise<(Omit<OutboxEntry, 'createdAt' | 'updatedAt' | 'nextAttemptAt' | 'lockedUntil' | 'tokens'> & { createdAt: string })[]> {
    return (await this.outbox.recent(limit, userId)).map(({ tokens: _tokens, updatedAt: _u, nextAttemptAt: _n, lockedUntil: _l, ...entry }) => ({
      ...entry,
      createdAt: entry.createdAt.toISOString(),
    }));
  }
}
