// A local stand-in for Google's side of push: the OAuth token endpoint (HTTP/1.1) and the FCM v1
// send endpoint (cleartext HTTP/2), answering each send after LATENCY_MS with 429 for a share of
// them. bench/fcm-redirect.cjs points the server's firebase-admin here.
//   {cmd:'listen', latencyMs, throttledShare}  -> {oauthPort, fcmPort}
//   {cmd:'stats'}                              -> accepted and throttled sends, first and last at
import { createServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { serveCommands } from '../support.mts';

const stats = { accepted: 0, throttled: 0, firstAt: 0, lastAt: 0 };

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
    fcm.on('stream', (stream) => {
      stream.resume();
      stream.on('end', () => {
        setTimeout(() => {
          if (stream.destroyed) return;
          const now = Date.now();
          stats.firstAt ||= now;
          stats.lastAt = now;
          if (Math.random() < throttledShare) {
            stats.throttled++;
            stream.respond({ ':status': 429, 'content-type': 'application/json' });
            stream.end(quotaExceeded);
            return;
          }
          stats.accepted++;
          stream.respond({ ':status': 200, 'content-type': 'application/json' });
          stream.end(JSON.stringify({ name: `projects/bench/messages/${stats.accepted}` }));
        }, latencyMs);
      });
    });
    return { oauthPort: await listen(oauth), fcmPort: await listen(fcm) };
  },

  async stats() {
    return { ...stats };
  },
});
