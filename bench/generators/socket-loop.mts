// Load generator: socket.io sender/recipient pairs driving the message loop open-loop (messages
// start on a clock, whether or not earlier ones have finished). One message's loop: sender `im`,
// `sent` ack, recipient `im`, recipient `delivered`, sender's `messageStatusUpdate`.
// Commands (JSON lines on stdin, bench/support.mts Generator):
//   {cmd:'connect', url, mode:'chat'|'bare', pairs:[{from,to}], recipients?}  one socket per user
//                                  (recipients: false connects the senders only)
//   {cmd:'step', rate, seconds, drainSeconds}  -> latencies of the messages started in the step
//   {cmd:'fanout', seconds, offline:[ids]}     -> `im` in a closed loop per sender, acks only;
//                                                 how many went to the offline recipients, and when each was acked
//   {cmd:'finish', seconds}                    -> waits for stragglers; lost and duplicated in all
import { createRequire } from 'node:module';
import type { Socket } from 'socket.io-client';
import { serveCommands, token } from '../support.mts';
import { OpenLoop } from './open-loop.mts';

const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');

interface Pair {
  from: string;
  to: string;
  sender: Socket;
  /** Undefined when connected with recipients: false (they stay offline). */
  recipient?: Socket;
}

const loop = new OpenLoop();
let pairs: Pair[] = [];

function connect(url: string, options: object): Promise<Socket> {
  const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function wireRecipient(recipient: Socket): void {
  recipient.on('im', (stanza: { uniqueid: string; from: string }) => {
    if (loop.received(stanza.uniqueid)) recipient.emit('messageStatusUpdate', { status: 'delivered', uniqueid: stanza.uniqueid, sender: stanza.from });
  });
}

function wireSender(sender: Socket): void {
  sender.on('messageStatusUpdate', (update: { status: string; uniqueid: string }) => {
    if (update.status === 'delivered') loop.done(update.uniqueid);
  });
}

/** Starts one message; the promise says whether it was acknowledged as sent. */
function send(pair: Pair, expectsReceipt: boolean): { uniqueid: string; acked: Promise<boolean> } {
  const uniqueid = loop.start(expectsReceipt);
  const acked = new Promise<boolean>((resolve) => {
    pair.sender.emit('im', { to: pair.to, from: pair.from, msg: 'benchmark message', uniqueid }, (ack: { status?: string }) => {
      if (ack?.status === 'sent') {
        loop.acked(uniqueid);
        resolve(true);
        return;
      }
      loop.failed(uniqueid, JSON.stringify(ack));
      resolve(false);
    });
  });
  return { uniqueid, acked };
}

serveCommands({
  async connect({ url, mode, pairs: ids, recipients = true }: { url: string; mode: 'chat' | 'bare'; pairs: { from: string; to: string }[]; recipients?: boolean }) {
    const as = (user: string) => (mode === 'chat' ? { auth: { token: token(user) } } : { query: { user } });
    // One socket per user, fifty handshakes at a time: a burst of thousands would only measure the accept queue.
    const users = [...new Set(ids.flatMap(({ from, to }) => (recipients ? [from, to] : [from])))];
    const sockets = new Map<string, Socket>();
    for (let i = 0; i < users.length; i += 50) {
      await Promise.all(users.slice(i, i + 50).map(async (user) => sockets.set(user, await connect(url, as(user)))));
    }
    pairs = ids.map(({ from, to }) => ({ from, to, sender: sockets.get(from)!, recipient: sockets.get(to) }));
    const wired = new Set<Socket>();
    for (const pair of pairs) {
      if (pair.recipient && !wired.has(pair.recipient)) wireRecipient(pair.recipient);
      if (!wired.has(pair.sender)) wireSender(pair.sender);
      wired.add(pair.sender);
      if (pair.recipient) wired.add(pair.recipient);
    }
    return { connected: sockets.size };
  },

  async step({ rate, seconds, drainSeconds }: { rate: number; seconds: number; drainSeconds: number }) {
    let next = 0;
    return loop.step(rate, seconds, drainSeconds, () => send(pairs[next++ % pairs.length], true).uniqueid);
  },

  async fanout({ seconds, offline }: { seconds: number; offline: string[] }) {
    const offlineUsers = new Set(offline);
    const bySender = new Map<Socket, Pair[]>();
    for (const pair of pairs) bySender.set(pair.sender, [...(bySender.get(pair.sender) ?? []), pair]);
    const deadline = performance.now() + seconds * 1000;
    let started = 0;
    let acked = 0;
    let toOffline = 0;
    /** Each message to an offline recipient and when it was acknowledged (its push is timed from there). */
    const offlineAcks: [string, number][] = [];
    const errorsBefore = loop.errors;
    // Closed loop per sender: its next message when the last one is acknowledged.
    await Promise.all(
      [...bySender.values()].map(async (own) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const pair = own[i % own.length];
          started++;
          const { uniqueid, acked: sent } = send(pair, false);
          if (!(await sent)) continue;
          acked++;
          if (!offlineUsers.has(pair.to)) continue;
          toOffline++;
          offlineAcks.push([uniqueid, Date.now()]);
        }
      }),
    );
    return { started, acked, toOffline, offlineAcks, errors: loop.errors - errorsBefore, firstError: loop.firstError };
  },

  async finish({ seconds }: { seconds: number }) {
    const totals = await loop.finish(seconds);
    for (const pair of pairs) {
      pair.sender.close();
      pair.recipient?.close();
    }
    return totals;
  },
});
