// Load generator: the message loop of scenario 1 through a Matrix homeserver's client-server API.
// One message's loop: the sender's `PUT /rooms/{room}/send/m.room.message/{txnId}` answered (the
// ack), the recipient's /sync long-poll receiving it, the recipient's read receipt, the sender's
// /sync seeing the receipt (the round trip). Matrix has no delivery receipt; a read receipt for
// an event covers every earlier event of the room, as the spec says, so it ends the round trip of
// each message of that room up to it.
// Commands (JSON lines on stdin, bench/support.mts Generator):
//   {cmd:'connect', url, pairs:[{from:{userId,accessToken}, to, roomId}]}  a /sync loop per user
//   {cmd:'step', rate, seconds, drainSeconds}  -> latencies of the messages started in the step
//   {cmd:'finish', seconds}                    -> waits for stragglers; lost and duplicated in all
import { call, LOOP_FILTER, type MatrixPair, type MatrixUser } from '../peer/matrix-client.mts';
import { serveCommands } from '../support.mts';
import { OpenLoop } from './open-loop.mts';

interface TimelineEvent {
  event_id: string;
  sender: string;
  content: { 'bench.uniqueid'?: string };
}

interface SyncReply {
  next_batch: string;
  rooms?: { join?: Record<string, { timeline?: { events: TimelineEvent[] }; ephemeral?: { events: { type: string; content: Record<string, { 'm.read'?: Record<string, unknown> }> }[] } }> };
}

const loop = new OpenLoop();
const stop = new AbortController();
let base = '';
let pairs: MatrixPair[] = [];
/** Per room, the sender's acknowledged messages not yet read, oldest first. */
const unread = new Map<string, { eventId: string; uniqueid: string }[]>();
/** Receipts that arrived before the PUT that sent their event was answered. */
const early = new Set<string>();
const loops: Promise<void>[] = [];

const room = (id: string) => `/rooms/${encodeURIComponent(id)}`;

/** The recipient's side of a sync answer: each new message of ours gets a read receipt. */
function onTimeline(user: MatrixUser, roomId: string, events: TimelineEvent[]): void {
  for (const event of events) {
    const uniqueid = event.content['bench.uniqueid'];
    if (event.sender === user.userId || !uniqueid || !loop.received(uniqueid)) continue;
    call(base, 'POST', `${room(roomId)}/receipt/m.read/${encodeURIComponent(event.event_id)}`, user.accessToken, {}).catch((err: Error) => loop.failed(uniqueid, err.message));
  }
}

/** The sender's side: a read receipt for an event ends the round trip of it and of every earlier one in its room. */
function onReceipt(roomId: string, eventId: string): void {
  const waiting = unread.get(roomId) ?? [];
  const at = waiting.findIndex((m) => m.eventId === eventId);
  if (at < 0) {
    early.add(eventId);
    return;
  }
  for (const message of waiting.splice(0, at + 1)) loop.done(message.uniqueid);
}

async function syncLoop(user: MatrixUser, reader: boolean): Promise<void> {
  const filter = encodeURIComponent(LOOP_FILTER);
  let since = (await call<SyncReply>(base, 'GET', `/sync?timeout=0&filter=${filter}`, user.accessToken)).next_batch;
  loops.push(
    (async () => {
      while (!stop.signal.aborted) {
        let reply: SyncReply;
        try {
          const response = await fetch(`${base}/_matrix/client/v3/sync?since=${since}&timeout=30000&filter=${filter}`, {
            headers: { authorization: `Bearer ${user.accessToken}` },
            signal: stop.signal,
          });
          if (!response.ok) throw new Error(`/sync: ${response.status} ${await response.text()}`);
          reply = (await response.json()) as SyncReply;
        } catch (err) {
          if (stop.signal.aborted) return;
          loop.errors++;
          const cause = (err as Error & { cause?: Error & { code?: string } }).cause;
          loop.firstError ??= `/sync: ${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
          continue;
        }
        since = reply.next_batch;
        for (const [roomId, joined] of Object.entries(reply.rooms?.join ?? {})) {
          if (reader) onTimeline(user, roomId, joined.timeline?.events ?? []);
          else {
            for (const receipt of joined.ephemeral?.events ?? []) {
              if (receipt.type !== 'm.receipt') continue;
              for (const [eventId, kinds] of Object.entries(receipt.content)) {
                if (Object.keys(kinds['m.read'] ?? {}).some((reader) => reader !== user.userId)) onReceipt(roomId, eventId);
              }
            }
          }
        }
      }
    })(),
  );
}

function send(pair: MatrixPair): string {
  const uniqueid = loop.start(true);
  call<{ event_id: string }>(base, 'PUT', `${room(pair.roomId)}/send/m.room.message/${uniqueid}`, pair.from.accessToken, {
    msgtype: 'm.text',
    body: 'benchmark message',
    'bench.uniqueid': uniqueid,
  }).then(
    ({ event_id: eventId }) => {
      loop.acked(uniqueid);
      const waiting = unread.get(pair.roomId) ?? [];
      waiting.push({ eventId, uniqueid });
      unread.set(pair.roomId, waiting);
      if (early.delete(eventId)) onReceipt(pair.roomId, eventId);
    },
    (err: Error) => loop.failed(uniqueid, err.message),
  );
  return uniqueid;
}

serveCommands({
  async connect({ url, pairs: given }: { url: string; pairs: MatrixPair[] }) {
    base = url;
    pairs = given;
    // Fifty initial syncs at a time, as the socket generator opens its sockets.
    const users = pairs.flatMap((p) => [{ user: p.from, reader: false }, { user: p.to, reader: true }]);
    for (let i = 0; i < users.length; i += 50) await Promise.all(users.slice(i, i + 50).map(({ user, reader }) => syncLoop(user, reader)));
    return { connected: users.length };
  },

  async step({ rate, seconds, drainSeconds }: { rate: number; seconds: number; drainSeconds: number }) {
    let next = 0;
    return loop.step(rate, seconds, drainSeconds, () => send(pairs[next++ % pairs.length]));
  },

  async finish({ seconds }: { seconds: number }) {
    const totals = await loop.finish(seconds);
    stop.abort();
    await Promise.all(loops);
    return totals;
  },
});
