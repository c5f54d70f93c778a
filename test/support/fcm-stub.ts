import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';

// The redirect is plain CommonJS so that the push benchmark can preload it into a server process too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { redirectFirebase } = require('../../libs/testing/src/fcm-redirect.cjs') as { redirectFirebase: (origins: { oauthOrigin: string; fcmOrigin: string }) => () => void };

export const FCM_PROJECT = 'chat-test';

/** A service account with a real RSA key, so firebase-admin signs a real JWT for the token exchange. */
export function testServiceAccountJson(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    project_id: FCM_PROJECT,
    private_key_id: 'test-key',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `push@${FCM_PROJECT}.iam.gserviceaccount.com`,
    client_id: '1',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}

export interface FcmRequest {
  token: string;
  message: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Which FCM call carried it: firebase-admin opens one HTTP/2 connection per sendEach call. */
  call: number;
}

type Behaviour = 'ok' | 'unregistered' | 'unavailable-once' | 'quota-once' | 'internal-once' | 'hang';

const fcmError = (status: number, code: string, errorCode: string) => ({
  error: { code: status, message: code, status: code, details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] },
});

function listen(server: Server | Http2Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/**
 * Google's side of the wire, at the network edge: an OAuth token endpoint (HTTP/1.1) and the FCM
 * v1 send endpoint (HTTP/2, the transport firebase-admin uses in production), on loopback ports
 * that firebase-admin's two hosts are redirected to in this process (firebase-admin itself runs
 * unchanged). What a token gets is set per token; every FCM request is recorded with the call
 * (HTTP/2 connection) that carried it.
 */
export class FcmStub {
  readonly requests: FcmRequest[] = [];
  tokenExchanges = 0;
  /** FCM calls so far (HTTP/2 connections). */
  calls = 0;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly failedOnce = new Set<string>();
  private sequence = 0;
  private readonly hanging: (() => void)[] = [];
  private readonly sessions = new Set<Http2Session>();
  private oauth?: Server;
  private fcm?: Http2Server;
  private undo?: () => void;

  async install(): Promise<void> {
    this.oauth = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.tokenExchanges++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ access_token: 'ya29.test-access-token', expires_in: 3600, token_type: 'Bearer' }));
      });
    });
    this.fcm = createHttp2Server();
    this.fcm.on('session', (session) => {
      const call = ++this.calls;
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      session.on('stream', (stream, headers) => this.receive(stream, String(headers[':path']), call));
    });
    this.undo = redirectFirebase({ oauthOrigin: await listen(this.oauth), fcmOrigin: await listen(this.fcm) });
  }

  async uninstall(): Promise<void> {
    this.hanging.splice(0).forEach((answer) => answer());
    this.undo?.();
    for (const session of this.sessions) session.destroy();
    await Promise.all([this.oauth, this.fcm].map((server) => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))));
    this.oauth?.closeAllConnections();
  }

  on(token: string, behaviour: Behaviour): void {
    this.behaviours.set(token, behaviour);
  }

  sentTo(token: string): FcmRequest[] {
    return this.requests.filter((r) => r.token === token);
  }

  private receive(stream: ServerHttp2Stream, path: string, call: number): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      if (path !== `/v1/projects/${FCM_PROJECT}/messages:send`) return this.respond(stream, [404, fcmError(404, 'NOT_FOUND', 'UNSPECIFIED_ERROR')]);
      const { message } = JSON.parse(Buffer.concat(chunks).toString()) as { message: FcmRequest['message'] };
      void Promise.resolve(this.answer(message, call)).then((answer) => this.respond(stream, answer));
    });
  }

  private respond(stream: ServerHttp2Stream, [status, body]: [number, object]): void {
    if (stream.destroyed) return;
    stream.respond({ ':status': status, 'content-type': 'application/json' });
    stream.end(JSON.stringify(body));
  }

  private answer(message: FcmRequest['message'], call: number): [number, object] | Promise<[number, object]> {
    const token = message.token as string;
    this.requests.push({ token, message, call });
    const behaviour = this.behaviours.get(token) ?? 'ok';
    const once = (status: number, code: string, errorCode: string): [number, object] => {
      if (this.failedOnce.has(token)) return this.ok();
      this.failedOnce.add(token);
      return [status, fcmError(status, code, errorCode)];
    };
    switch (behaviour) {
      case 'unregistered':
        return [404, fcmError(404, 'NOT_FOUND', 'UNREGISTERED')];
      case 'unavailable-once':
        return once(503, 'UNAVAILABLE', 'UNAVAILABLE');
      case 'quota-once':
        return once(429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED');
      case 'internal-once':
        return once(500, 'INTERNAL', 'INTERNAL');
      case 'hang':
        // No answer until the test is over (uninstall): the server stops waiting long before.
        return new Promise((resolve) => this.hanging.push(() => resolve(this.ok())));
      default:
        return this.ok();
    }
  }

  private ok(): [number, object] {
    return [200, { name: `projects/${FCM_PROJECT}/messages/m-${++this.sequence}` }];
  }
}
