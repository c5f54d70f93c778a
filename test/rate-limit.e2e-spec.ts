import { Metrics } from '../apps/api/src/metrics/metrics.service';
import { testConfig, startTestApp, TestApp } from './support/test-app';
import { session } from './support/session';

describe('REST rate limit per user', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ rest: { ...testConfig().rest, requestsPerMinute: 5 } });
  });
  afterAll(() => app.close());

  it('answers a user over the limit with 429 and Retry-After, and leaves other users alone', async () => {
    const [greedy, other] = [await session(app), await session(app)];
    for (let i = 0; i < 5; i++) await app.http().get('/Network/Members').set(greedy.auth).expect(200);
    const limited = await app.http().get('/Network/Members').set(greedy.auth).expect(429);
    expect(limited.body).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.get(Metrics).rateLimited.get()).values).toEqual([expect.objectContaining({ labels: { surface: 'rest' }, value: 1 })]);
    await app.http().get('/Network/Members').set(other.auth).expect(200);
    await app.http().get('/health').expect(200);
  });
});

describe('REST rate limit per IP on public routes', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ rest: { ...testConfig().rest, publicRequestsPerMinute: 3 } });
  });
  afterAll(() => app.close());

  it('answers a client over the limit on /health with 429, and still serves authenticated users', async () => {
    const user = await session(app);
    for (let i = 0; i < 3; i++) await app.http().get('/health').expect(200);
    const limited = await app.http().get('/health').expect(429);
    expect(limited.body).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Counted per user, not per IP: the same address with a token is not limited.
    await app.http().get('/Network/Members').set(user.auth).expect(200);
  });
});

describe('The per-IP limit behind a proxy', () => {
  const limited = async (app: TestApp, forwardedFor: string) => (await app.http().get('/health').set('X-Forwarded-For', forwardedFor)).status;

  it('counts the client X-Forwarded-For names when the peer is a trusted proxy (TRUSTED_PROXIES)', async () => {
    const app = await startTestApp({ rest: { ...testConfig().rest, publicRequestsPerMinute: 2 }, trustedProxies: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] });
    try {
      expect([await limited(app, '203.0.113.1'), await limited(app, '203.0.113.1'), await limited(app, '203.0.113.1')]).toEqual([200, 200, 429]);
      // Another client behind the same proxy has a budget of its own.
      expect(await limited(app, '203.0.113.2')).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (a client cannot pick its address)', async () => {
    const app = await startTestApp({ rest: { ...testConfig().rest, publicRequestsPerMinute: 2 } });
    try {
      expect([await limited(app, '203.0.113.1'), await limited(app, '203.0.113.2'), await limited(app, '203.0.113.3')]).toEqual([200, 200, 429]);
    } finally {
      await app.close();
    }
  });
});
