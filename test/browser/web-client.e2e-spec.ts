import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { freeLoopbackPort } from '@app/embedded-db';
import { createMessage } from '@app/testing';
import { conversationFixture } from '../support/session';
import { startTestApp, TEST_SOCKET, TestApp } from '../support/test-app';
import { CHROMIUM_ARGS } from './chromium';

/**
 * A web app on another origin, as a browser runs it: the page is served by a server of its own
 * (http://web.chat.example:PORT), the API by the app (http://api.chat.example:PORT), both host
 * names mapped to the loopback by Chromium's resolver rules, so the browser applies CORS and
 * the content policy exactly as it would on the internet.
 */
describe('A web app on another origin, in a real browser', () => {
  let app: TestApp;
  let web: Server;
  let webOrigin: string;
  let apiUrl: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    web = createServer((req, res) => {
      if (req.url === '/socket.io.min.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(readFileSync(join(__dirname, '..', '..', 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js')));
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html><head><script src="/socket.io.min.js"></script></head><body>web app</body></html>');
      }
    });
    const webPort = await freeLoopbackPort();
    await new Promise<void>((resolve) => web.listen(webPort, '127.0.0.1', resolve));
    webOrigin = `http://web.chat.example:${(web.address() as AddressInfo).port}`;
    app = await startTestApp({ socket: { ...TEST_SOCKET, corsOrigins: [webOrigin] } });
    apiUrl = app.url.replace('127.0.0.1', 'api.chat.example');
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP web.chat.example 127.0.0.1, MAP api.chat.example 127.0.0.1'],
    });
    page = await browser.newPage();
    await page.goto(`${webOrigin}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
    await new Promise((resolve) => web.close(resolve));
  });

  it('calls every method the API uses, with a bearer token and JSON bodies (preflights granted)', async () => {
    const { alice, bob, conversationId } = await conversationFixture(app);
    const message = await createMessage(app, bob.user, alice.user);
    const results = await page.evaluate(
      async ({ api, token, conversationId, bob, messageId }) => {
        const call = async (method: string, path: string, body?: unknown) => {
          const res = await fetch(`${api}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          return { method, path, status: res.status, requestId: res.headers.get('x-request-id') };
        };
        return [
          await call('GET', '/Chat/Conversations/List'),
          await call('POST', '/Chat/Message/Add', { conversationId, ToReceiverId: bob, text: 'from the web' }),
          await call('POST', `/Chat/Message/MarkRead/${messageId}`),
          await call('PUT', '/Vault', { fields: [{ path: '.contact.mobile', value: '6590909090' }] }),
          await call('POST', '/Push/Tokens', { token: 'web-push-token-1', platform: 'web' }),
          await call('DELETE', '/Push/Tokens/web-push-token-1'),
          await call('DELETE', `/Network/Members/${bob}`),
        ];
      },
      { api: apiUrl, token: alice.token, conversationId, bob: bob.user.id, messageId: message.id },
    );
    expect(results.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/Chat/Conversations/List', 200],
      ['POST', '/Chat/Message/Add', 200],
      ['POST', `/Chat/Message/MarkRead/${message.id}`, 200],
      ['PUT', '/Vault', 200],
      ['POST', '/Push/Tokens', 201],
      ['DELETE', '/Push/Tokens/web-push-token-1', 200],
      ['DELETE', `/Network/Members/${bob.user.id}`, 200],
    ]);
    // Exposed to the page's script, as the API lists it.
    expect(results.every((r) => typeof r.requestId === 'string' && r.requestId.length > 0)).toBe(true);
  });

  it.each(['polling', 'websocket'])('opens a socket over %s and gets the ack of an im', async (transport) => {
    const { alice, bob } = await conversationFixture(app);
    const ack = await page.evaluate(
      ({ api, token, transport, to, from }) =>
        new Promise((resolve, reject) => {
          const socket = (globalThis as unknown as { io: (url: string, options: object) => any }).io(api, { auth: { token }, transports: [transport], reconnection: false }); // eslint-disable-line @typescript-eslint/no-explicit-any
          socket.on('connect_error', (err: Error) => reject(err.message));
          socket.on('connect', () =>
            socket.emit('im', { to, from, msg: `over ${transport}`, uniqueid: `web-${transport}` }, (reply: unknown) => {
              socket.close();
              resolve(reply);
            }),
          );
        }),
      { api: apiUrl, token: alice.token, transport, to: bob.user.id, from: alice.user.id },
    );
    expect(ack).toMatchObject({ status: 'sent', uniqueid: `web-${transport}` });
  });

  it('is refused by the API from an origin not listed (the browser blocks the response)', async () => {
    const { alice } = await conversationFixture(app);
    const other = await browser.newPage();
    try {
      const port = await freeLoopbackPort();
      const stranger = createServer((_, res) => res.end('<!doctype html><title>other</title>'));
      await new Promise<void>((resolve) => stranger.listen(port, '127.0.0.1', resolve));
      await other.goto(`http://web.chat.example:${port}/`);
      const outcome = await other.evaluate(
        async ({ api, token }) => fetch(`${api}/Chat/Conversations/List`, { headers: { authorization: `Bearer ${token}` } }).then(() => 'read', () => 'blocked'),
        { api: apiUrl, token: alice.token },
      );
      expect(outcome).toBe('blocked');
      await new Promise((resolve) => stranger.close(resolve));
    } finally {
      await other.close();
    }
  });
});
