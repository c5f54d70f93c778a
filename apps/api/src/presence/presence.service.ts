import { randomUUID } from 'node:crypto';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { SharedRedis } from '../redis/shared-redis';

const TTL_MS = 60_000;
const HEARTBEAT_MS = 20_000;

/**
 * Who has a live socket right now. The gateway reports connects and disconnects; the chat
 * listings and push read it. One process: a count per user in memory. With Redis: a sorted set
 * per user of this process's sockets with an expiry that a heartbeat renews, so a process that
 * dies stops counting within TTL_MS.
 */
@Injectable()
export class PresenceService implements OnApplicationShutdown {
  private readonly sockets = new Map<string, Set<string>>();
  private readonly processId = randomUUID();
  private readonly heartbeat?: NodeJS.Timeout;

  constructor(private readonly redis: SharedRedis) {
    if (redis.client) {
      this.heartbeat = setInterval(() => void this.renew(), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  async connected(userId: string, socketId: string): Promise<void> {
    const mine = this.sockets.get(userId) ?? new Set<string>();
    mine.add(socketId);
    this.sockets.set(userId, mine);
    await this.redis.client?.zadd(this.redis.key('presence', userId), Date.now() + TTL_MS, this.member(socketId)).catch(() => undefined);
  }

  async disconnected(userId: string, socketId: string): Promise<void> {
    const mine = this.sockets.get(userId);
    mine?.delete(socketId);
    if (mine && mine.size === 0) this.sockets.delete(userId);
    await this.redis.client?.zrem(this.redis.key('presence', userId), this.member(socketId)).catch(() => undefined);
  }

  async isOnline(userId: string): Promise<boolean> {
    if (this.sockets.has(userId)) return true;
    if (!this.redis.client) return false;
    const live = await this.redis.client.zcount(this.redis.key('presence', userId), Date.now(), '+inf').catch(() => 0);
    return live > 0;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
  }

  private member(socketId: string): string {
    return `${this.processId}:${socketId}`;
  }

  private async renew(): Promise<void> {
    const expiry = Date.now() + TTL_MS;
    for (const [userId, ids] of this.sockets) {
      const key = this.redis.key('presence', userId);
      await this.redis.client?.zremrangebyscore(key, '-inf', Date.now()).catch(() => undefined);
      for (const id of ids) await this.redis.client?.zadd(key, expiry, this.member(id)).catch(() => undefined);
    }
  }
}
