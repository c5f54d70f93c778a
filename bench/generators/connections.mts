// Load generator: many idle authenticated clients, opened at a fixed rate: sockets (ours, the bare
// relay) or Matrix clients in a /sync long-poll loop (a homeserver's idle client; `users` are
// their access tokens, and the first /sync answered is the handshake).
//   {cmd:'ramp', url, mode:'chat'|'bare'|'matrix', count, perSecond, users?}  -> handshake times (ms)
//   {cmd:'close'}                                                            -> closes every client
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Socket } from 'socket.io-client';
import { LOOP_FILTER } from '../peer/matrix-client.mts';
import { serveCommands, token } from '../support.mts';

const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');

const sockets: Socket[] = [];
const stop = new AbortController();

/** A Matrix client: an initial /sync, then long-polls of 30 s, one after another, until closed. */
async function longPoll(url: string, accessToken: string): Promise<number> {
  const startedAt = performance.now();
  const poll = async (since?: string) => {
    const query = `timeout=${since ? 30_000 : 0}&filter=${encodeURIComponent(LOOP_FILTER)}${since ? `&since=${since}` : ''}`;
    const response = await fetch(`${url}/_matrix/client/v3/sync?${query}`, { headers: { authorization: `Bearer ${accessToken}` }, signal: stop.signal });
    if (!response.ok) throw new Error(`/sync: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { next_batch: string }).next_batch;
  };
  let since = await poll();
  const handshake = performance.now() - startedAt;
  void (async () => {
    while (!stop.signal.aborted) since = await poll(since).catch(() => since);
  })();
  return handshake;
}

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
  async ramp({ url, mode, count, perSecond, users }: { url: string; mode: 'chat' | 'bare' | 'matrix'; count: number; perSecond: number; users?: string[] }) {
    const handshakes: Promise<number>[] = [];
    const startedAt = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(count, Math.floor((perSecond * (performance.now() - startedAt)) / 1000) + 1);
        while (handshakes.length < due) {
          const user = users?.[handshakes.length] ?? randomBytes(12).toString('hex');
          if (mode === 'matrix') handshakes.push(longPoll(url, user));
          else handshakes.push(open(url, mode === 'chat' ? { auth: { token: token(user) } } : { query: { user } }));
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
    stop.abort();
    return { closed: true };
  },
});
