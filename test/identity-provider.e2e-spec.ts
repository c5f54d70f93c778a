import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { operatorId } from '@app/auth';
import type { User } from '@app/dal';
import { createUser } from '@app/testing';
import { connect } from './support/socket-client';
import { startTestApp, TEST_JWT_SECRET, TestApp } from './support/test-app';

const ISSUER = 'https://idp.chat.test/';
const AUDIENCE = 'chat-backend';

type Algorithm = 'RS256' | 'ES256' | 'EdDSA';
interface ProviderKey {
  kid: string;
  alg: Algorithm;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  jwk: JWK;
}

async function providerKey(kid: string, alg: Algorithm): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The identity provider's JWKS endpoint: a real HTTP server whose published keys the test changes (rotation). */
class JwksServer {
  published: ProviderKey[] = [];
  /** What the endpoint answers: the key set (200), or an error status with a body that is not one. */
  status = 200;
  private readonly server: Server = createServer((_req, res) => {
    if (this.status !== 200) return void res.writeHead(this.status, { 'content-type': 'text/html' }).end('<h1>Internal error</h1>');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.published.map((k) => k.jwk) }));
  });

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}

describe('Tokens from an identity provider (JWKS)', () => {
  const jwks = new JwksServer();
  let app: TestApp;
  let user: User;
  let rsa: ProviderKey;
  let ec: ProviderKey;
  let ed: ProviderKey;

  beforeAll(async () => {
    [rsa, ec, ed] = await Promise.all([providerKey('rsa-1', 'RS256'), providerKey('ec-2', 'ES256'), providerKey('ed-3', 'EdDSA')]);
    jwks.published = [rsa, ed];
    const jwksUrl = await jwks.start();
    app = await startTestApp({
      auth: {
        jwtSecret: TEST_JWT_SECRET,
        acceptHs256: false,
        provider: { jwksUrl, issuer: ISSUER, audience: AUDIENCE, accountClaim: 'accountId', clockSkewSeconds: 30, jwksCooldownMs: 0, jwksCacheSeconds: 0 },
      },
    });
    user = await createUser(app);
  });
  afterAll(async () => {
    await app.close();
    await jwks.stop();
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const sign = (key: ProviderKey, claims: Record<string, unknown> = {}, options: { iss?: string; aud?: string; exp?: number | null } = {}) => {
    const jwt = new SignJWT({ accountId: user.accountId, ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setSubject('provider-uid-123')
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt();
    if (options.exp !== null) jwt.setExpirationTime(options.exp ?? nowSeconds() + 300);
    return jwt.sign(key.privateKey);
  };
  const list = (token: string) => app.http().get('/Chat/Conversations/List').set({ Authorization: `Bearer ${token}` });
  const expectRefused = async (token: string, code: string, message?: RegExp) => {
    const res = await list(token).expect(code === 'IDENTITY_PROVIDER_UNAVAILABLE' ? 503 : 401);
    expect(res.body).toMatchObject({ success: false, error: { code } });
    if (message) expect(res.body.message).toMatch(message);
  };

  it('accepts RS256 and EdDSA tokens signed by a published key, naming the user by accountId', async () => {
    for (const key of [rsa, ed]) {
      const res = await list(await sign(key)).expect(200);
      expect(res.body).toMatchObject({ success: true, data: [] });
    }
  });

  it('follows a key rotation: the new key is accepted once published, the withdrawn one refused', async () => {
    // (This app trusts a fetched set for 0 s, AUTH_JWKS_CACHE_SECONDS, so a withdrawal shows at once.)
    const newToken = await sign(ec);
    await expectRefused(newToken, 'UNAUTHENTICATED', /invalid/i); // not published yet
    // Rotation starts: the new key is published beside the old one; tokens from either are good.
    jwks.published = [rsa, ec];
    await list(newToken).expect(200);
    await list(await sign(rsa)).expect(200);
    // The old key is withdrawn.
    jwks.published = [ec];
    await expectRefused(await sign(rsa), 'UNAUTHENTICATED', /invalid/i);
    await list(newToken).expect(200);
    jwks.published = [rsa, ec, ed];
  });

  it('refuses the wrong issuer, the wrong audience and a token without exp', async () => {
    await expectRefused(await sign(rsa, {}, { iss: 'https://evil.test/' }), 'UNAUTHENTICATED', /invalid/i);
    await expectRefused(await sign(rsa, {}, { aud: 'another-app' }), 'UNAUTHENTICATED', /invalid/i);
    await expectRefused(await sign(rsa, {}, { exp: null }), 'UNAUTHENTICATED', /invalid/i);
  });

  it('allows the configured clock skew on exp, and no more', async () => {
    await list(await sign(rsa, {}, { exp: nowSeconds() - 10 })).expect(200);
    await expectRefused(await sign(rsa, {}, { exp: nowSeconds() - 120 }), 'UNAUTHENTICATED', /expired/i);
  });

  it('refuses alg none and our own HS256 tokens when only the provider is configured', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ accountId: user.accountId, iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 60 })).toString('base64url');
    await expectRefused(`${header}.${payload}.`, 'UNAUTHENTICATED', /invalid/i);
    await expectRefused(app.tokenFor(user.id), 'UNAUTHENTICATED', /invalid/i);
  });

  it('refuses a token for an unknown account and one without the account claim', async () => {
    await expectRefused(await sign(rsa, { accountId: '4b9a3c1e-0d6f-4e7a-9b2c-5f8e1d3a7c60' }), 'USER_NOT_FOUND');
    await expectRefused(await sign(rsa, { accountId: undefined }), 'UNAUTHENTICATED', /accountId/);
  });

  it('carries roles from the provider: an admin claim unlocks the admin API', async () => {
    const plain = await sign(rsa);
    await app.http().get('/Admin/Users').set({ Authorization: `Bearer ${plain}` }).expect(403);
    const admin = await sign(rsa, { roles: ['admin'] });
    await app.http().get('/Admin/Users').set({ Authorization: `Bearer ${admin}` }).expect(200);
  });

  it('answers 503 (and no 401) when the provider answers 5xx or 429 with the cached key set expired, and 200 once it recovers', async () => {
    // (This app's cached set expires at once, AUTH_JWKS_CACHE_SECONDS 0: every request refetches.)
    const token = await sign(rsa);
    for (const status of [500, 502, 503, 429]) {
      jwks.status = status;
      await expectRefused(token, 'IDENTITY_PROVIDER_UNAVAILABLE');
      await expect(connect(app, token)).rejects.toThrow(/identity provider/i);
    }
    jwks.status = 200;
    await list(token).expect(200);
  });

  it('lets an operator with the admin role and no chat user into the admin API, so provider-only deployments can create the first users', async () => {
    const operator = await sign(rsa, { accountId: undefined, roles: ['admin'] });
    const unknownAccount = await sign(rsa, { accountId: '0f0e5a7c-3b1d-4c2e-8a9f-6d5b4c3a2e10', roles: ['admin'] });
    const created = await app.http().post('/Admin/Users').set({ Authorization: `Bearer ${operator}` }).send({ name: 'First User', phone: '+15550009911' }).expect(201);
    await app.http().get('/Admin/Users').set({ Authorization: `Bearer ${unknownAccount}` }).expect(200);
    // The audit names the operator by the id derived from their provider subject.
    const audit = await app.http().get('/Admin/Audit').set({ Authorization: `Bearer ${operator}` }).expect(200);
    expect(audit.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ actorId: operatorId('provider-uid-123'), action: 'createUser', targets: { userId: created.body.data.id } })]));
    // They are no chat user: the user-facing API still refuses them, and a plain token without the claim is refused as before.
    await expectRefused(operator, 'USER_NOT_FOUND');
    await expectRefused(await sign(rsa, { accountId: undefined }), 'UNAUTHENTICATED', /accountId/);
  });

  it("measures erasure's fresh sign-in by the provider's auth_time: a new token from an old sign-in is not enough", async () => {
    const erase = (token: string) => app.http().post('/Me/Erasure').set({ Authorization: `Bearer ${token}` });
    const stale = await erase(await sign(rsa, { auth_time: nowSeconds() - 3600 })).expect(401);
    expect(stale.body.error.code).toBe('REAUTHENTICATION_REQUIRED');
    expect((await erase(await sign(rsa, { auth_time: nowSeconds() - 10 })).expect(202)).body.data.state).toBe('scheduled');
    await app.http().delete('/Me/Erasure').set({ Authorization: `Bearer ${await sign(rsa)}` }).expect(200);
  });

  it('uses the same verifier for the socket handshake', async () => {
    const socket = await connect(app, await sign(ec));
    expect(socket.connected).toBe(true);
    socket.close();
    await expect(connect(app, app.tokenFor(user.id))).rejects.toThrow(/invalid/i);
    await expect(connect(app, await sign(rsa, {}, { aud: 'another-app' }))).rejects.toThrow(/invalid/i);
  });

  it('answers 503 (and no 401) when the key set cannot be fetched', async () => {
    const late = await providerKey('rsa-4', 'RS256');
    await jwks.stop();
    await expectRefused(await sign(late), 'IDENTITY_PROVIDER_UNAVAILABLE');
  });
});
