import { Injectable } from '@nestjs/common';

/**
 * Who has a live socket right now. The socket gateway reports connects and disconnects; the chat
 * listings read `online` from here.
 */
@Injectable()
export class PresenceService {
  private readonly sockets = new Map<string, number>();

  connected(userId: string): void {
    this.sockets.set(userId, (this.sockets.get(userId) ?? 0) + 1);
  }

  disconnected(userId: string): void {
    const left = (this.sockets.get(userId) ?? 1) - 1;
    if (left > 0) this.sockets.set(userId, left);
    else this.sockets.delete(userId);
  }

  isOnline(userId: string): boolean {
    return this.sockets.has(userId);
  }
}
