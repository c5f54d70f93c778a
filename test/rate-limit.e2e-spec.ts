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
