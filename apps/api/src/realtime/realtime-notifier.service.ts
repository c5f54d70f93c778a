import { Injectable, Logger } from '@nestjs/common';
import type { Server } from 'socket.io';

/** What the server sends to clients, event by event (docs/protocol.md). */
export interface ServerToClientEvents {
  im: (stanza: object) => void;
  messageStatusUpdate: (update: object) => void;
  messageDeleted: (deleted: object) => void;
  drfiStatusUpdate: (update: object) => void;
}

export const userRoom = (userId: string) => `user:${userId}`;

/**
 * The one way services reach sockets: events to every socket of a user (all their devices), on
 * this process or, with the Redis adapter, on any. The gateway attaches the server at start-up;
 * before that (CLIs, or no socket server) events go nowhere, and clients catch up through sync.
 */
@Injectable()
export class RealtimeNotifier {
  private readonly logger = new Logger(RealtimeNotifier.name);
  private server?: Server;

  attach(server: Server): void {
    this.server = server;
  }

  toUser<E extends keyof ServerToClientEvents>(userId: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    if (!this.server) return;
    try {
      this.server.to(userRoom(userId)).emit(event, payload);
    } catch (err) {
      // A failed emit never fails the write that caused it: the client gets the change by sync.
      this.logger.warn({ err, event }, 'emit failed');
    }
  }
}
