import { io } from 'socket.io-client';
import { session } from './support/session';
import { connect } from './support/socket-client';
import { startTestApp, TEST_WEB_ORIGIN, TestApp } from './support/test-app';

describe('HTTP hardening: security headers, CORS allow-list, socket origin, no internals in errors', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('sends helmet security headers on API responses', async () => {
    const res = await app.http().get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows a listed browser origin (preflight and response) and gives no CORS grant to any other', async () => {
    const preflight = await app
      .http()
      .options('/Chat/Conversations/List')
      .set('Origin', TEST_WEB_ORIGIN)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(TEST_WEB_ORIGIN);

    const user = await session(app);
    const listed = await app.http().get('/Chat/Conversations/List').set(user.auth).set('Origin', TEST_WEB_ORIGIN).expect(200);
    expect(listed.headers['access-control-allow-origin']).toBe(TEST_WEB_ORIGIN);

    const foreignPreflight = await app
      .http()
      .options('/Chat/Conversations/List')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(foreignPreflight.headers['access-control-allow-origin']).toBeUndefined();
    const foreign = await app.http().get('/Chat/Conversations/List').set(user.auth).set('Origin', 'https://evil.example');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('opens a socket for a listed origin and for clients without one, and refuses any other origin', async () => {
    const user = await session(app);
    (await connect(app, user.token, { origin: TEST_WEB_ORIGIN })).close();
    (await connect(app, user.token)).close();
    await expect(connect(app, user.token, { origin: 'https://evil.example' })).rejects.toThrow();
  });

  it('refuses a foreign origin before the token is even looked at (no handshake reaches the gateway)', async () => {
    const socket = io(app.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { Origin: 'https://evil.example' } });
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    socket.close();
    // socket.io's refusal of the upgrade, not our "unauthenticated" error.
    expect(error.message).not.toMatch(/UNAUTHENTICATED|token/i);
  });

  it('answers malformed and failing requests with the envelope only: no stack, no internal message', async () => {
    const user = await session(app);
    const malformed = await app.http().post('/Chat/Message/Add').set(user.auth).set('Content-Type', 'application/json').send('{"text": ').expect(400);
    expect(Object.keys(malformed.body).sort()).toEqual(['error', 'message', 'success']);
    const text = JSON.stringify(malformed.body);
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+|SyntaxError|Unexpected end/);
  });
});
