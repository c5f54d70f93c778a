import { JwtService } from '@nestjs/jwt';
import { session, Session } from './support/session';
import { startTestApp, TEST_JWT_SECRET, TestApp } from './support/test-app';

describe('Authentication and roles (CONTRACT section 1)', () => {
  let app: TestApp;
  let user: Session;
  let admin: Session;

  beforeAll(async () => {
    app = await startTestApp();
    user = await session(app);
    admin = await session(app, { admin: true });
  });
  afterAll(() => app.close());

  const sign = (claims: object, options: { secret?: string; expiresIn?: number; algorithm?: 'HS256' | 'HS512' } = {}) =>
    new JwtService().sign(claims, {
      secret: options.secret ?? TEST_JWT_SECRET,
      algorithm: options.algorithm ?? 'HS256',
      ...(options.expiresIn !== undefined ? { expiresIn: options.expiresIn } : {}),
    });

  const expectUnauthenticated = async (headers: Record<string, string>, message: RegExp) => {
    const res = await app.http().get('/Network/Members').set(headers).expect(401);
    expect(res.body).toEqual({
      success: false,
      message: expect.stringMatching(message),
      error: { code: 'UNAUTHENTICATED', requestId: expect.any(String) },
    });
  };

  it('refuses a request without a token', () => expectUnauthenticated({}, /missing/i));

  it('refuses a header that is not a bearer token', () =>
    expectUnauthenticated({ Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, /missing/i));

  it('refuses a malformed token', () => expectUnauthenticated({ Authorization: 'Bearer not.a.jwt' }, /invalid/i));

  it('refuses an expired token', () => {
    const expired = sign({ sub: user.user.id, exp: Math.floor(Date.now() / 1000) - 60 });
    return expectUnauthenticated({ Authorization: `Bearer ${expired}` }, /expired/i);
  });

  it('refuses a token signed with another secret', () => {
    const forged = sign({ sub: user.user.id }, { secret: 'another-secret-another-secret-another-secret' });
    return expectUnauthenticated({ Authorization: `Bearer ${forged}` }, /invalid/i);
  });

  it('refuses a token signed with another algorithm, even with the right secret', () => {
    const other = sign({ sub: user.user.id }, { algorithm: 'HS512' });
    return expectUnauthenticated({ Authorization: `Bearer ${other}` }, /invalid/i);
  });

  it('refuses an unsigned token (alg none)', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: user.user.id, roles: ['admin'] })).toString('base64url');
    return expectUnauthenticated({ Authorization: `Bearer ${header}.${payload}.` }, /invalid/i);
  });

  it('refuses a token whose subject is not a user id', () =>
    expectUnauthenticated({ Authorization: `Bearer ${sign({ sub: 'alice' })}` }, /subject/i));

  it('accepts a valid token', async () => {
    const res = await app.http().get('/Network/Members').set(user.auth).expect(200);
    expect(res.body).toEqual({ success: true, message: 'List 0 members', data: [] });
  });

  it.each([
    ['get', '/Admin/Users'],
    ['post', '/Admin/Users'],
    ['post', '/Admin/Network'],
    ['delete', '/Admin/Network'],
  ] as const)('gives 403 to a non-admin on %s %s', async (method, path) => {
    const res = await app.http()[method](path).set(user.auth).send({}).expect(403);
    expect(res.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
  });

  it('gives 401, not 403, to an anonymous caller on admin routes', async () => {
    await app.http().get('/Admin/Users').expect(401);
  });

  it('lets an admin in', async () => {
    await app.http().get('/Admin/Users').set(admin.auth).expect(200);
  });

  it('leaves /health and the docs public', async () => {
    await app.http().get('/health').expect(200);
    await app.http().get('/docs-json').expect(200);
  });
});
