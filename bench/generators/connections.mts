// Load generator: many idle authenticated sockets, opened at a fixed rate.
//   {cmd:'ramp', url, mode:'chat'|'bare', count, perSecond, users?}  -> handshake times (ms)
//   {cmd:'close'}                                                   -> closes every socket
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Socket } from 'socket.io-client';
import { serveCommands, token } from '../support.mts';

const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');

const sockets: Socket[] = [];

function open(url: string, options: object): Promise<number> {
  const startedAt = performance.now();
  const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(performance.now() - startedAt));
    socket.once('connect_error', reject);
  });
}

serveCommands({
  async ramp({ url, mode, count, perSecond, users }: { url: string; mode: 'chat' | 'bare'; count: number; perSecond: number; users?: string[] }) {
    const handshakes: Promise<number>[] = [];
    const startedAt = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(count, Math.floor((perSecond * (performance.now() - startedAt)) / 1000) + 1);
        while (handshakes.length < due) {
          const user = users?.[handshakes.length] ?? randomBytes(12).toString('hex');
          handshakes.push(open(url, mode === 'chat' ? { auth: { token: token(user) } } : { query: { user } }));
        }
        if (handshakes.length >= count) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    const settled = await Promise.allSettled(handshakes);
    const times = settled.flatMap((s) => (s.status === 'fulfilled' ? [Math.round(s.value * 100) / 100] : []));
    const failure = settled.find((s) => s.status === 'rejected');
    return {
      connected: times.length,
      failed: settled.length - times.length,
      firstFailure: failure ? String((failure as PromiseRejectedResult).reason) : undefined,
      handshakes: times,
    };
  },

  async close() {
    for (const socket of sockets.splice(0)) socket.close();
    return { closed: true };
  },
});
