import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { Metrics } from '../metrics/metrics.service';

/**
 * What happens to sockets, for the logs and the metrics: connects, disconnects with their reason,
 * refused handshakes with theirs, rate-limit hits. Lines carry the user id and socket id, never a
 * token, an address or message content.
 */
@Injectable()
export class SocketActivity {
  private readonly logger = new Logger('Sockets');

  constructor(private readonly metrics: Metrics) {}

  connected(socket: Socket): void {
    const userId = (socket.data as { user?: { userId: string } }).user?.userId;
    this.metrics.socketsConnected.inc();
    this.metrics.socketConnections.inc({ outcome: 'accepted' });
    this.logger.log({ userId, socketId: socket.id, transport: socket.conn.transport.name }, 'socket connected');
    socket.once('disconnect', (reason) => {
      this.metrics.socketsConnected.dec();
      this.logger.log({ userId, socketId: socket.id, reason }, 'socket disconnected');
    });
  }

  /** A handshake turned away: `code` is what the client is told (connect_error), `detail` what the operator needs. */
  refused(code: string, detail: Record<string, unknown> = {}): void {
    this.metrics.socketConnections.inc({ outcome: code });
    this.logger.warn({ code, ...detail }, 'socket refused');
  }

  rateLimited(userId: string, event: string): void {
    this.metrics.rateLimited.inc({ surface: 'socket' });
    this.logger.warn({ userId, event }, 'socket event rate-limited');
  }
}
