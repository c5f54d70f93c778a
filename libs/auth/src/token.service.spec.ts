import { JwtService } from '@nestjs/jwt';
import { bearerToken, TokenService } from './token.service';

describe('TokenService', () => {
  const secret = 'unit-test-secret-unit-test-secret-0123';
  const userId = '58c67eec6e1b455d503d3b55';
  const tokens = new TokenService(new JwtService({ secret }), { standing: async (id: string) => (id === userId ? { sessionsValidFrom: null, suspended: false } : undefined), userIdForAccount: async () => undefined });

  it('verifies what it signs', async () => {
    const before = Date.now();
    const user = await tokens.verify(tokens.sign({ userId, roles: ['admin'] }, '5m'));
    expect(user).toEqual({ userId, roles: ['admin'], expiresAt: expect.any(Number), issuedAt: expect.any(Number), authenticatedAt: expect.any(Number) });
    expect(user.authenticatedAt).toBe(user.issuedAt);
    expect(user.expiresAt! - before).toBeGreaterThan(4 * 60_000);
    expect(user.expiresAt! - before).toBeLessThanOrEqual(5 * 60_000 + 1000);
  });

  it('keeps only string roles', async () => {
    const token = new JwtService({ secret }).sign({ sub: userId, roles: ['admin', 7, null] });
    await expect(tokens.verify(token)).resolves.toEqual({ userId, roles: ['admin'], issuedAt: expect.any(Number), authenticatedAt: expect.any(Number) });
  });

  it('treats a token without roles as a plain user', async () => {
    const token = new JwtService({ secret }).sign({ sub: userId });
    await expect(tokens.verify(token)).resolves.toEqual({ userId, roles: [], issuedAt: expect.any(Number), authenticatedAt: expect.any(Number) });
  });

  it('refuses a valid token for a user that does not exist (USER_NOT_FOUND)', async () => {
    const token = new JwtService({ secret }).sign({ sub: '58c67eec6e1b455d503d3b56' });
    await expect(tokens.verifyUser(token)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(tokens.verifyUser(tokens.sign({ userId, roles: [] }, '5m'))).resolves.toMatchObject({ userId });
  });

  it('says when a token has expired', async () => {
    const token = new JwtService({ secret }).sign({ sub: userId, exp: Math.floor(Date.now() / 1000) - 1 });
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'Access token expired' });
  });

  it('refuses a missing token', async () => {
    await expect(tokens.verify(undefined)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'Missing access token' });
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['Bearer  abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('reads %p as %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
