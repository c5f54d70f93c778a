// Load generator: a reconnect storm. Every socket of every user connects at once and syncs its
// cursor chain to the end (what every app does when a network comes back).
//   {cmd:'storm', url, users, socketsPerUser}  -> how long until the last socket had synced, per-socket times
import { createRequire } from 'node:module';
import type { Socket } from 'socket.io-client';
import { serveCommands, token } from '../support.mts';

const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');

interface SyncAck {
  status: string;
  cursor: string;
  hasMore: boolean;
  messages: unknown[];
  sent: unknown[];
  statusUpdates: unknown[];
  error?: { code: string };
}

/** Connects, then syncs from the start until nothing more waits; resolves with the time it took and the changes read. */
function reconnectAndSync(url: string, userId: string, startedAt: number): Promise<{ ms: number; changes: number; pages: number }> {
  const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: token(userId) } });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', async () => {
      try {
        let cursor: string | undefined;
        let changes = 0;
        let pages = 0;
        for (;;) {
          const ack = (await socket.timeout(120_000).emitWithAck('sync', cursor ? { cursor } : {})) as SyncAck;
          if (ack.status !== 'synced') throw new Error(`sync refused: ${JSON.stringify(ack.error)}`);
          pages += 1;
          changes += ack.messages.length + ack.sent.length + ack.statusUpdates.length;
          cursor = ack.cursor;
          if (!ack.hasMore) break;
        }
        resolve({ ms: performance.now() - startedAt, changes, pages });
      } catch (err) {
        reject(err);
      } finally {
        socket.close();
      }
    });
  });
}

serveCommands({
  async storm({ url, users, socketsPerUser }: { url: string; users: string[]; socketsPerUser: number }) {
    const startedAt = performance.now();
    const done = await Promise.all(users.flatMap((user) => Array.from({ length: socketsPerUser }, () => reconnectAndSync(url, user, startedAt))));
    return {
      sockets: done.length,
      durationMs: Math.round(Math.max(...done.map((d) => d.ms))),
      socketMs: done.map((d) => Math.round(d.ms)),
      changes: done.reduce((n, d) => n + d.changes, 0),
      pages: done.reduce((n, d) => n + d.pages, 0),
    };
  },
});
