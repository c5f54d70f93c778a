import { request as httpRequest } from 'node:http';
import { Types } from 'mongoose';
import { io } from 'socket.io-client';
import { createDrfiRequest, createMessage } from '@app/testing';
import { chatAs } from './support/chat-client';
import { conversationFixture, session } from './support/session';
import { connect, emitAck } from './support/socket-client';
import { startTestApp, TEST_SOCKET, TEST_WEB_ORIGIN, TestApp } from './support/test-app';

/** A real FCM registration token is 150 to 180 characters; this one is 163. */
const fcmToken = () => `${'f'.repeat(11)}:APA91b${Array.from({ length: 145 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789-_'[(i * 7 + Date.now()) % 38]).join('')}`;

/** What many mobile HTTP stacks send on every POST and DELETE: a JSON content type and no body. */
async function emptyJson(app: TestApp, method: 'POST' | 'DELETE', path: string, auth: { Authorization: string }) {
  const res = await fetch(`${app.url}${path}`, { method, headers: { ...auth, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '0' } });
  return { status: res.status, body: (await res.json()) as { success: boolean; error?: { code: string } } };
}

/** A raw HTTP/1.1 request (no client-side limits), for what Node's own parser answers. */
function raw(app: TestApp, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${app.url}${path}`, { headers, insecureHTTPParser: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A socket.io connection spoken by hand over Node's WebSocket: `emit(ackId, frame)` resolves with the ack. */
async function rawSocket(app: TestApp, token: string) {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const acks = new Map<number, (ack: unknown) => void>();
  let connected: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  ws.addEventListener('message', ({ data }) => {
    const frame = String(data);
    if (frame.startsWith('0')) ws.send(`40${JSON.stringify({ token })}`);
    else if (frame.startsWith('40')) connected();
    else if (frame === '2') ws.send('3');
    else {
      const ack = /^43(\d+)(.*)$/s.exec(frame);
      if (ack) acks.get(Number(ack[1]))?.((JSON.parse(ack[2]) as unknown[])[0]);
    }
  });
  await ready;
  return {
    emit: (id: number, frame: string) =>
      new Promise<unknown>((resolve) => {
        acks.set(id, resolve);
        ws.send(`42${id}${frame}`);
      }),
    close: () => ws.close(),
  };
}

const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('Edges real clients hit (issue 14)', () => {
  let app: TestApp;

  beforeAll(async () => {
    // A socket frame bound large enough for the 10,000-deep frame to reach the server.
    app = await startTestApp({ socket: { ...TEST_SOCKET, maxPayloadBytes: 128 * 1024 }, bodyLimitBytes: 128 * 1024 });
  });
  afterAll(() => app.close());

  describe('a JSON content type with an empty body', () => {
    it('is "no body" on every route that takes none', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const message = await createMessage(app, bob.user, alice.user);
      expect(await emptyJson(app, 'POST', `/Chat/Message/MarkRead/${message.id}`, alice.auth)).toMatchObject({ status: 200, body: { success: true } });
      expect(await emptyJson(app, 'POST', `/Chat/Conversation/MarkRead/${conversationId}`, alice.auth)).toMatchObject({ status: 200, body: { success: true } });
      const drfi = await createDrfiRequest(app, bob.user, alice.user, ['.contact.mobile']);
      expect(await emptyJson(app, 'POST', `/Chat/Drfi/Deny?messageId=${drfi.id}`, alice.auth)).toMatchObject({ status: 200, body: { success: true } });

      const token = fcmToken();
      await app.http().post('/Push/Tokens').set(alice.auth).send({ token, platform: 'android' }).expect(201);
      expect(await emptyJson(app, 'DELETE', `/Push/Tokens/${encodeURIComponent(token)}`, alice.auth)).toMatchObject({ status: 200, body: { success: true } });
      expect(await emptyJson(app, 'DELETE', `/Network/Members/${bob.user.id}`, alice.auth)).toMatchObject({ status: 200, body: { success: true } });
    });

    it('is still a validation error on a route that needs a body, and changes nothing', async () => {
      const { alice } = await conversationFixture(app);
      const res = await emptyJson(app, 'POST', '/Chat/Message/Add', alice.auth);
      expect(res).toMatchObject({ status: 400, body: { success: false, error: { code: 'VALIDATION_FAILED' } } });
      expect((await chatAs(app, alice).list().expect(200)).body.data[0].messagesCount).toBe(0);
    });
  });

  describe('push tokens as long as real FCM tokens', () => {
    it('registers, unregisters (owner) and deletes (admin) a 163-character token by its path', async () => {
      const alice = await session(app);
      const admin = await session(app, { admin: true });
      const [mine, another] = [fcmToken(), `${fcmToken()}x`];
      expect(mine).toHaveLength(163);
      for (const token of [mine, another]) await app.http().post('/Push/Tokens').set(alice.auth).send({ token, platform: 'android' }).expect(201);

      await app.http().delete(`/Push/Tokens/${encodeURIComponent(mine)}`).set(alice.auth).expect(200);
      await app.http().delete(`/Admin/Push/Tokens/${encodeURIComponent(another)}`).set(admin.auth).expect(200);
      const left = (await app.http().get('/Push/Tokens').set(alice.auth).expect(200)).body.data as { token: string }[];
      expect(left.map((t) => t.token)).toEqual([]);
    });
  });

  describe('protocol-level refusals in our envelope', () => {
    it('answers a path over the bound 414 with the envelope, not echoing the path', async () => {
      const alice = await session(app);
      const res = await app.http().delete(`/Push/Tokens/${'t'.repeat(5000)}`).set(alice.auth);
      expect(res.status).toBe(414);
      expect(res.body).toMatchObject({ success: false, message: expect.any(String), error: { code: 'URI_TOO_LONG' } });
      expect(res.text).not.toContain('tttttttttt');
    });

    it('answers headers over the bound 431 with the envelope', async () => {
      const res = await raw(app, '/health', { 'x-padding': 'p'.repeat(20_000) });
      expect(res.status).toBe(431);
      expect(JSON.parse(res.body)).toEqual({ success: false, message: expect.any(String), error: { code: 'HEADERS_TOO_LARGE' } });
    });

    it('answers a body of a type no route takes 415, and a JSON route given text/plain 415', async () => {
      const alice = await session(app);
      const res = await app.http().post('/Chat/Message/Add').set(alice.auth).set('Content-Type', 'text/plain').send('hello');
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ success: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    });

    it('answers a known path with the wrong method 405 with Allow, and an unknown path 404', async () => {
      const alice = await session(app);
      const wrong = await app.http().get('/Chat/Message/Add').set(alice.auth);
      expect(wrong.status).toBe(405);
      expect(wrong.headers.allow).toBe('POST');
      expect(wrong.body).toMatchObject({ success: false, error: { code: 'METHOD_NOT_ALLOWED' } });
      const vault = await app.http().delete('/Vault').set(alice.auth);
      expect(vault.status).toBe(405);
      expect(vault.headers.allow).toBe('GET, HEAD, PUT');
      // Case-insensitive like every route, and path parameters count.
      expect((await app.http().get(`/push/tokens/${'x'.repeat(10)}`).set(alice.auth)).headers.allow).toBe('DELETE');
      expect((await app.http().get('/Chat/Nothing/Here').set(alice.auth)).status).toBe(404);
    });
  });

  describe('deeply nested JSON', () => {
    it('REST: 10,000 levels is a 400 before any transformation, and nothing is written', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const body = `{"conversationId":"${conversationId}","ToReceiverId":"${bob.user.id}","text":"hi","extra":${deepJson(10_000)}}`;
      const res = await app.http().post('/Chat/Message/Add').set(alice.auth).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'VALIDATION_FAILED' } });
      expect((await chatAs(app, alice).list().expect(200)).body.data[0].messagesCount).toBe(0);
    });

    it('socket: a 10,000-deep frame gets an error ack, and the socket keeps working', async () => {
      const { alice, bob } = await conversationFixture(app);
      // socket.io-client cannot even encode such a frame (it recurses), so the frame is written by
      // hand on a plain WebSocket, in socket.io's wire format: 4 message, 2 event, then the ack id.
      const socket = await rawSocket(app, alice.token);
      try {
        const ack = await socket.emit(1, `["im",{"to":"${bob.user.id}","from":"${alice.user.id}","msg":"hi","uniqueid":"deep-1","x":${deepJson(10_000)}}]`);
        expect(ack).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
        expect(await socket.emit(2, JSON.stringify(['im', { to: bob.user.id, from: alice.user.id, msg: 'after', uniqueid: 'deep-2' }]))).toMatchObject({ status: 'sent' });
      } finally {
        socket.close();
      }
    });
  });

  describe('text limits count characters (code points), as README says', () => {
    it('takes exactly the maximum in emoji (twice as many UTF-16 units) and refuses one more, on REST and socket', async () => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      const max = app.config.chat.maxTextLength;
      await chatAs(app, alice).send(conversationId, bob, '😀'.repeat(max)).expect(200);
      const over = await chatAs(app, alice).send(conversationId, bob, '😀'.repeat(max + 1)).expect(400);
      expect(over.body.error.code).toBe('VALIDATION_FAILED');
      const socket = await connect(app, alice.token);
      try {
        expect(await emitAck(socket, 'im', { to: bob.user.id, from: alice.user.id, msg: '😀'.repeat(max), uniqueid: 'emoji-max' })).toMatchObject({ status: 'sent' });
        expect(await emitAck(socket, 'im', { to: bob.user.id, from: alice.user.id, msg: '😀'.repeat(max + 1), uniqueid: 'emoji-over' })).toMatchObject({
          status: 'error', error: { code: 'VALIDATION_FAILED' },
        });
      } finally {
        socket.close();
      }
      expect((await chatAs(app, alice).list().expect(200)).body.data[0].messagesCount).toBe(2);
    });
  });

  describe('sync cursors', () => {
    it.each([
      ['a position never handed out', Buffer.from(JSON.stringify({ v: 2, s: 999_999 })).toString('base64url')],
      ['a forged object id', Buffer.from(JSON.stringify({ v: 2, s: 1, id: 'zz' })).toString('base64url')],
      ['the earlier time-based format', Buffer.from(JSON.stringify({ t: Date.now(), id: new Types.ObjectId().toHexString() })).toString('base64url')],
      ['not base64 at all', '!!!not-a-cursor!!!'],
      ['a plain object id', new Types.ObjectId().toHexString()],
    ])('%s is INVALID_CURSOR on REST and socket', async (_, cursor) => {
      const alice = await session(app);
      const rest = await app.http().post('/Chat/Sync').set(alice.auth).send({ cursor });
      expect(rest.status).toBe(400);
      expect(rest.body.error.code).toBe('INVALID_CURSOR');
      const socket = await connect(app, alice.token);
      try {
        expect(await emitAck<{ error: { code: string } }>(socket, 'sync', { cursor })).toMatchObject({ status: 'error', error: { code: 'INVALID_CURSOR' } });
      } finally {
        socket.close();
      }
    });
  });

  describe('what a fuzz pass found (issue 33): every refusal in the envelope or an error ack, nothing stored', () => {
    it('refuses a multipart upload without a boundary, or cut off before its closing boundary, with 400 (no 500)', async () => {
      const { alice, bob } = await conversationFixture(app);
      const post = (contentType: string, body: string) =>
        fetch(`${app.url}/Chat/Attachments`, { method: 'POST', headers: { ...alice.auth, 'Content-Type': contentType }, body });
      const part = `--XyZ\r\nContent-Disposition: form-data; name="receiverId"\r\n\r\n${bob.user.id}\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello`;
      for (const res of [await post('multipart/form-data', part), await post('multipart/form-data; boundary=XyZ', part)]) {
        expect(res.status).toBe(400);
        expect((await res.json()) as object).toMatchObject({ success: false, error: { code: 'MALFORMED_REQUEST' } });
      }
      expect((await app.http().get('/Chat/Conversations/List').set(alice.auth).expect(200)).body.data[0].messagesCount).toBe(0);
    });

    it('refuses sync items that are not objects, and a sync without a payload, as VALIDATION_FAILED on REST and socket', async () => {
      const alice = await session(app);
      for (const body of [{ statuses: [[]] }, { messages: [[]] }, { statuses: [null] }, { messages: ['x'] }]) {
        expect((await app.http().post('/Chat/Sync').set(alice.auth).send(body).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      }
      const socket = await connect(app, alice.token);
      try {
        for (const body of [{ statuses: [[]] }, { messages: [[]] }]) {
          expect(await emitAck(socket, 'sync', body)).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
        }
        expect(await socket.timeout(5000).emitWithAck('sync', null)).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
        expect(await socket.timeout(5000).emitWithAck('sync')).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
        expect(await emitAck(socket, 'sync', {})).toMatchObject({ status: 'synced' });
      } finally {
        socket.close();
      }
    });

    it('answers an event nobody handles with an UNKNOWN_EVENT error ack, and the socket keeps working', async () => {
      const alice = await session(app);
      const socket = await connect(app, alice.token);
      try {
        expect(await socket.timeout(5000).emitWithAck('typo', { any: 'thing' })).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_EVENT', message: expect.stringContaining('typo') } });
        expect(await emitAck(socket, 'sync', {})).toMatchObject({ status: 'synced' });
      } finally {
        socket.close();
      }
    });

    it.each([
      ['a NUL character', 'before\u0000after'],
      ['a lone surrogate', 'half of a pair: \uD83D'],
    ])('refuses message text with %s on REST and socket, storing nothing', async (_, text) => {
      const { alice, bob, conversationId } = await conversationFixture(app);
      expect((await chatAs(app, alice).send(conversationId, bob, text).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      const socket = await connect(app, alice.token);
      try {
        expect(await emitAck(socket, 'im', { to: bob.user.id, from: alice.user.id, msg: text, uniqueid: 'unfit-text' })).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
      } finally {
        socket.close();
      }
      expect((await chatAs(app, alice).list().expect(200)).body.data[0].messagesCount).toBe(0);
      // A whole pair (an emoji) is text like any other.
      await chatAs(app, alice).send(conversationId, bob, 'a pair: \uD83D\uDE00').expect(200);
    });
  });

  describe('a resend after the pair was unlinked', () => {
    it('gets the original ack on the socket, as on REST', async () => {
      const { alice, bob } = await conversationFixture(app);
      const socket = await connect(app, alice.token);
      try {
        const first = await emitAck(socket, 'im', { to: bob.user.id, from: alice.user.id, msg: 'before the unlink', uniqueid: 'resend-after-unlink' });
        expect(first).toMatchObject({ status: 'sent' });
        await app.http().delete(`/Network/Members/${bob.user.id}`).set(alice.auth).expect(200);
        const again = await emitAck(socket, 'im', { to: bob.user.id, from: alice.user.id, msg: 'before the unlink', uniqueid: 'resend-after-unlink' });
        expect(again).toEqual(first);
        // A new message to the unlinked user is still refused.
        expect(await emitAck(socket, 'im', { to: bob.user.id, from: alice.user.id, msg: 'new', uniqueid: 'after-unlink' })).toMatchObject({
          status: 'error', error: { code: 'NOT_A_NETWORK_MEMBER' },
        });
      } finally {
        socket.close();
      }
    });
  });

  describe('a token for a user that does not exist', () => {
    it('is refused everywhere with 401 USER_NOT_FOUND, and creates nothing', async () => {
      const ghost = app.tokenFor(new Types.ObjectId().toHexString());
      const auth = { Authorization: `Bearer ${ghost}` };
      const token = await app.http().post('/Push/Tokens').set(auth).send({ token: fcmToken(), platform: 'android' });
      expect(token.status).toBe(401);
      expect(token.body.error.code).toBe('USER_NOT_FOUND');
      const vault = await app.http().put('/Vault').set(auth).send({ fields: [{ path: '.contact.mobile', value: '6590909090' }] });
      expect(vault.status).toBe(401);
      expect(vault.body.error.code).toBe('USER_NOT_FOUND');
      expect((await app.http().get('/Chat/Conversations/List').set(auth)).status).toBe(401);
      await expect(connect(app, ghost)).rejects.toMatchObject({ data: { code: 'USER_NOT_FOUND' } });
    });
  });

  describe('browsers', () => {
    it.each(['PUT', 'DELETE'])('a listed origin may %s (preflight grants it)', async (method) => {
      const preflight = await app
        .http()
        .options('/Vault')
        .set('Origin', TEST_WEB_ORIGIN)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.status).toBe(204);
      expect(String(preflight.headers['access-control-allow-methods']).split(/,\s*/)).toContain(method);
    });

    it('does not ask browsers to upgrade to HTTPS (Swagger UI over plain HTTP by host name)', async () => {
      const res = await app.http().get('/docs').redirects(1);
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    });
  });

  it('keeps the socket handshake open to clients that send no origin', async () => {
    const alice = await session(app);
    const socket = io(app.url, { transports: ['polling'], reconnection: false, forceNew: true, auth: { token: alice.token } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.close();
  });
});
