// A local stand-in for Google's side of push: the OAuth token endpoint (HTTP/1.1) and the FCM v1
// send endpoint (cleartext HTTP/2), answering each send after LATENCY_MS with 429 for a share of
// them. libs/testing/src/fcm-redirect.cjs points the server's firebase-admin here.
//   {cmd:'listen', latencyMs, throttledShare}  -> {oauthPort, fcmPort}
//   {cmd:'stats'}                              -> accepted and throttled sends, first and last at, calls (HTTP/2 connections)
//   {cmd:'between', from, to}                  -> pushes accepted in that time (ms since the epoch), whatever they were
//   {cmd:'lag', acked:[[uniqueid, ackedAt]]}   -> how long after each message's ack its push was accepted (ms percentiles),
//                                                 how many were not, how many twice, the first and last acceptance among them,
//                                                 and the same percentiles for the pushes never answered 429 (accepted at the first try)
import { createServer } from 'node:http';
import { createServer as createHttp2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { percentile, serveCommands } from '../support.mts';

const stats = { accepted: 0, throttled: 0, firstAt: 0, lastAt: 0, calls: 0 };
/** When the push of each message (by its uniqueid) was first accepted, and how many times it was. */
const acceptedAt = new Map<string, number>();
const acceptances = new Map<string, number>();
/** When each push was accepted, in order (any push: message, DRFI, silent). */
const acceptedTimes: number[] = [];
/** Messages whose push was answered 429 at least once (retried by the server's outbox). */
const throttledIds = new Set<string>();

const quotaExceeded = JSON.stringify({
  error: {
    code: 429,
    message: 'Quota exceeded',
    status: 'RESOURCE_EXHAUSTED',
    details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'QUOTA_EXCEEDED' }],
  },
});

function listen(server: { listen(port: number, host: string, done: () => void): unknown; address(): unknown }): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** The message's uniqueid, from the seed's data payload (none for a silent push). */
function uniqueidOf(body: string): string | undefined {
  try {
    const payload = (JSON.parse(body) as { message?: { data?: { payload?: string } } }).message?.data?.payload;
    return payload ? (JSON.parse(payload) as { uniqueid?: string }).uniqueid : undefined;
  } catch {
    return undefined;
  }
}

function answer(stream: ServerHttp2Stream, body: string, throttledShare: number): void {
  if (stream.destroyed) return;
  const now = Date.now();
  stats.firstAt ||= now;
  stats.lastAt = now;
  if (Math.random() < throttledShare) {
    stats.throttled++;
    const throttledId = uniqueidOf(body);
    if (throttledId) throttledIds.add(throttledId);
    stream.respond({ ':status': 429, 'content-type': 'application/json' });
    stream.end(quotaExceeded);
    return;
  }
  stats.accepted++;
  acceptedTimes.push(now);
  const uniqueid = uniqueidOf(body);
  if (uniqueid) {
    if (!acceptedAt.has(uniqueid)) acceptedAt.set(uniqueid, now);
    acceptances.set(uniqueid, (acceptances.get(uniqueid) ?? 0) + 1);
  }
  stream.respond({ ':status': 200, 'content-type': 'application/json' });
  stream.end(JSON.stringify({ name: `projects/bench/messages/${stats.accepted}` }));
}

serveCommands({
  async listen({ latencyMs, throttledShare }: { latencyMs: number; throttledShare: number }) {
    const oauth = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ access_token: 'ya29.bench', expires_in: 3600, token_type: 'Bearer' }));
      });
    });
    const fcm = createHttp2Server();
    fcm.on('session', () => stats.calls++);
    fcm.on('stream', (stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        setTimeout(() => answer(stream, Buffer.concat(chunks).toString(), throttledShare), latencyMs);
      });
    });
    return { oauthPort: await listen(oauth), fcmPort: await listen(fcm) };
  },

  async stats() {
    return { ...stats };
  },

  async between({ from, to }: { from: number; to: number }) {
    return { accepted: acceptedTimes.filter((at) => at >= from && at <= to).length };
  },

  async lag({ acked }: { acked: [string, number][] }) {
    const lags: number[] = [];
    const firstTry: number[] = [];
    let missing = 0;
    let firstAt = Infinity;
    let lastAt = 0;
    let duplicated = 0;
    for (const [uniqueid, at] of acked) {
      if ((acceptances.get(uniqueid) ?? 0) > 1) duplicated++;
      const accepted = acceptedAt.get(uniqueid);
      if (accepted === undefined) {
        missing++;
        continue;
      }
      lags.push(Math.max(0, accepted - at));
      if (!throttledIds.has(uniqueid)) firstTry.push(Math.max(0, accepted - at));
      firstAt = Math.min(firstAt, accepted);
      lastAt = Math.max(lastAt, accepted);
    }
    lags.sort((a, b) => a - b);
    const tail = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? Math.max(...values) : 0 });
    return { count: lags.length, missing, duplicated, ...tail(lags), firstTry: { count: firstTry.length, ...tail(firstTry) }, firstAt: lags.length ? firstAt : 0, lastAt };
  },
});
