import { Injectable, Logger } from '@nestjs/common';
import type { Server } from 'socket.io';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracer } from '@app/common';
import type { ClientToServerEvents, ServerEvent, ServerPayload, ServerToClientEvents } from './socket-events';

export const userRoom = (userId: string) => `user:${userId}`;

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents>;

/**
 * The one way services reach sockets: events to every socket of a user (all their devices), on
 * this process or, with the Redis adapter, on any. The gateway attaches the server at start-up;
 * before that (CLIs, or no socket server) events go nowhere, and clients catch up through sync.
 */
@Injectable()
export class RealtimeNotifier {
  private readonly logger = new Logger(RealtimeNotifier.name);
  private server?: ChatServer;

  attach(server: ChatServer): void {
    this.server = server;
  }

  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerPayload<E>): void {
    this.toUsers([userId], event, payload);
  }

  /** Disconnects every socket of the user, on every process (the Redis adapter carries it). */
  disconnectUser(userId: string): void {
    if (!this.server) return;
    try {
      this.server.in(userRoom(userId)).disconnectSockets(true);
    } catch (err) {
      // Best effort, like an emit: the revocation is written, and the token check refuses the
      // reconnect; a socket missed here keeps its connection until it next reconnects.
      this.logger.warn({ err, userId }, 'disconnect failed');
    }
  }

  /**
   * Closes every socket of this process at the transport (shutdown): clients see a lost connection,
   * not a server's "go away", so they reconnect (to another process) and sync. Returns how many.
   */
  closeTransports(): number {
    if (!this.server) return 0;
    const sockets = [...this.server.of('/').sockets.values()];
    for (const socket of sockets) socket.conn.close();
    return sockets.length;
  }

  /** The same event to every socket of each of these users (both parties of a change). */
  toUsers<E extends ServerEvent>(userIds: string[], event: E, payload: ServerPayload<E>): void {
    if (!this.server) return;
    // The delivery, as a child of the span that caused it (the sender's `im`, a REST call).
    const span = tracer.startSpan(`socket.io emit ${event}`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'socket.io', 'messaging.operation.name': 'emit', 'chat.recipients': userIds.length } });
    try {
      // socket.io's typed emit needs the event's exact parameters; E is one of them.
      const rooms = this.server.to(userIds.map(userRoom));
      (rooms.emit as (event: E, payload: ServerPayload<E>) => boolean).call(rooms, event, payload);
    } catch (err) {
      // A failed emit never fails the write that caused it: the client gets the change by sync.
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'emit failed' });
      this.logger.warn({ err, event }, 'emit failed');
    } finally {
      span.end();
    }
  }
}
