import { session, Session } from './support/session';
import { startTestApp, TestApp } from './support/test-app';

describe('Error envelope (CONTRACT section 3)', () => {
  let app: TestApp;
  let admin: Session;

  beforeAll(async () => {
    app = await startTestApp({ bodyLimitBytes: 4096 });
    admin = await session(app, { admin: true });
  });
  afterAll(() => app.close());

  it('answers an unknown route with a 404 envelope', async () => {
    const res = await app.http().get('/Chat/Nowhere').set(admin.auth).expect(404);
    expect(res.body).toEqual({
      success: false,
      message: expect.any(String),
      error: { code: 'ROUTE_NOT_FOUND', requestId: expect.any(String) },
    });
  });

  it('answers an unknown route with 404 even without a token', async () => {
    const res = await app.http().post('/nope').expect(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await app.http().post('/Admin/Users').set(admin.auth).set('content-type', 'application/json').send('{"name": "x",').expect(400);
    expect(res.body).toMatchObject({ success: false, error: { code: 'MALFORMED_REQUEST' } });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers an oversized body with 413', async () => {
    const res = await app.http().post('/Admin/Users').set(admin.auth).send({ name: 'x'.repeat(5000), phone: '+6591234567' }).expect(413);
    expect(res.body).toMatchObject({ success: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await app.http().post('/Admin/Users').set(admin.auth).set('content-type', 'application/xml').send('<user/>').expect(415);
    expect(res.body).toMatchObject({ success: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await app.http().get('/health').set('x-request-id', 'req-123').expect(200);
    expect(given.headers['x-request-id']).toBe('req-123');
    const made = await app.http().get('/health').set('x-request-id', 'bad id with spaces').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await app.http().get('/nope').set('x-request-id', 'req-456').expect(404);
    expect(failed.body.error.requestId).toBe('req-456');
  });

  it('matches the customer\'s paths without regard to case, as their ASP.NET clients expect', async () => {
    await app.http().get('/admin/users').set(admin.auth).expect(200);
    await app.http().get('/ADMIN/USERS').set(admin.auth).expect(200);
  });
});
