// Load generator: socket.io sender/recipient pairs driving the message loop open-loop (messages
// start on a clock, whether or not earlier ones have finished). One message's loop: sender `im`,
// `sent` ack, recipient `im`, recipient `delivered`, sender's `messageStatusUpdate`.
// Commands (JSON lines on stdin, bench/support.mts Generator):
//   {cmd:'connect', url, mode:'chat'|'bare', pairs:[{from,to}], recipients?}  one socket per user
//                                  (recipients: false connects the senders only)
//   {cmd:'step', rate, seconds, drainSeconds}  -> latencies of the messages started in the step
//   {cmd:'fanout', seconds, offline:[ids]}     -> `im` in a closed loop per sender, acks only;
//                                                 how many went to the offline recipients
//   {cmd:'finish', seconds}                    -> waits for stragglers; lost and duplicated in all
import { createRequire } from 'node:module';
import type { Socket } from 'socket.io-client';
import { serveCommands, token } from '../support.mts';

const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');

interface Pair {
  from: string;
  to: string;
  sender: Socket;
  /** Undefined when connected with recipients: false (they stay offline). */
  recipient?: Socket;
}

interface InFlight {
  startedAt: number;
  ackAt?: number;
  doneAt?: number;
  expectsReceipt: boolean;
}

const tag = `g${process.pid}-${Date.now().toString(36)}`;
let sequence = 0;
let pairs: Pair[] = [];
const inFlight = new Map<string, InFlight>();
const delivered = new Set<string>();
let duplicated = 0;
let errors = 0;
let firstError: string | undefined;

function connect(url: string, options: object): Promise<Socket> {
  const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function wireRecipient(recipient: Socket): void {
  recipient.on('im', (stanza: { uniqueid: string; from: string }) => {
    if (!inFlight.has(stanza.uniqueid)) return;
    if (delivered.has(stanza.uniqueid)) {
      duplicated++;
      return;
    }
    delivered.add(stanza.uniqueid);
    recipient.emit('messageStatusUpdate', { status: 'delivered', uniqueid: stanza.uniqueid, sender: stanza.from });
  });
}

function wireSender(sender: Socket): void {
  sender.on('messageStatusUpdate', (update: { status: string; uniqueid: string }) => {
    const message = inFlight.get(update.uniqueid);
    if (update.status === 'delivered' && message && message.doneAt === undefined) message.doneAt = performance.now();
  });
}

/** Starts one message; the promise says whether it was acknowledged as sent. */
function send(pair: Pair, expectsReceipt: boolean): { uniqueid: string; acked: Promise<boolean> } {
  const uniqueid = `${tag}-${sequence++}`;
  const message: InFlight = { startedAt: performance.now(), expectsReceipt };
  inFlight.set(uniqueid, message);
  const acked = new Promise<boolean>((resolve) => {
    pair.sender.emit('im', { to: pair.to, from: pair.from, msg: 'benchmark message', uniqueid }, (ack: { status?: string }) => {
      if (ack?.status === 'sent') {
        message.ackAt = performance.now();
        resolve(true);
        return;
      }
      errors++;
      firstError ??= JSON.stringify(ack);
      inFlight.delete(uniqueid);
      resolve(false);
    });
  });
  return { uniqueid, acked };
}

const finished = (m: InFlight) => m.ackAt !== undefined && (!m.expectsReceipt || m.doneAt !== undefined);

/** Starts `rate` messages a second for `seconds`, round robin over the pairs; returns their ids. */
async function drive(rate: number, seconds: number, expectsReceipt: boolean): Promise<string[]> {
  const ids: string[] = [];
  const total = Math.round(rate * seconds);
  const startedAt = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((rate * (performance.now() - startedAt)) / 1000));
      while (ids.length < due) ids.push(send(pairs[next++ % pairs.length], expectsReceipt).uniqueid);
      if (ids.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  return ids;
}

async function settle(ids: string[], seconds: number): Promise<number> {
  const startedAt = performance.now();
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline && ids.some((id) => inFlight.has(id) && !finished(inFlight.get(id)!))) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Math.round(performance.now() - startedAt);
}

const round = (ms: number) => Math.round(ms * 100) / 100;

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
    const errorsBefore = errors;
    const ids = await drive(rate, seconds, true);
    const drainMs = await settle(ids, drainSeconds);
    const messages = ids.map((id) => inFlight.get(id)).filter((m): m is InFlight => m !== undefined);
    const done = messages.filter(finished);
    return {
      started: ids.length,
      completed: done.length,
      late: messages.length - done.length,
      errors: errors - errorsBefore,
      firstError,
      drainMs,
      ack: done.map((m) => round(m.ackAt! - m.startedAt)),
      roundTrip: done.map((m) => round(m.doneAt! - m.startedAt)),
    };
  },

  async fanout({ seconds, offline }: { seconds: number; offline: string[] }) {
    const offlineUsers = new Set(offline);
    const bySender = new Map<Socket, Pair[]>();
    for (const pair of pairs) bySender.set(pair.sender, [...(bySender.get(pair.sender) ?? []), pair]);
    const deadline = performance.now() + seconds * 1000;
    let started = 0;
    let acked = 0;
    let toOffline = 0;
    const errorsBefore = errors;
    // Closed loop per sender: its next message when the last one is acknowledged.
    await Promise.all(
      [...bySender.values()].map(async (own) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const pair = own[i % own.length];
          started++;
          if (!(await send(pair, false).acked)) continue;
          acked++;
          if (offlineUsers.has(pair.to)) toOffline++;
        }
      }),
    );
    return { started, acked, toOffline, errors: errors - errorsBefore, firstError };
  },

  async finish({ seconds }: { seconds: number }) {
    const ids = [...inFlight.keys()];
    await settle(ids, seconds);
    const lost = ids.filter((id) => !finished(inFlight.get(id)!)).length;
    for (const pair of pairs) {
      pair.sender.close();
      pair.recipient?.close();
    }
    return { messages: ids.length, lost, duplicated, errors, firstError };
  },
});
