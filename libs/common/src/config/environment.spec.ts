import { ConfigurationError, validateEnvironment } from './environment';

const problemsOf = (raw: NodeJS.ProcessEnv): string[] => {
  try {
    validateEnvironment(raw);
  } catch (err) {
    if (err instanceof ConfigurationError) return err.problems;
    throw err;
  }
  return [];
};

describe('validateEnvironment', () => {
  it('applies the documented defaults', () => {
    expect(validateEnvironment({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: './.data',
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 262144,
      MONGODB_URI: undefined,
    });
  });

  it('converts numbers and keeps a valid URI', () => {
    expect(validateEnvironment({ PORT: '8080', MONGODB_URI: 'mongodb://db:27017/chat' })).toMatchObject({
      PORT: 8080,
      MONGODB_URI: 'mongodb://db:27017/chat',
    });
  });

  it('treats an empty MONGODB_URI as unset', () => {
    expect(validateEnvironment({ MONGODB_URI: '' }).MONGODB_URI).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT/],
    [{ PORT: '70000' }, /^PORT/],
    [{ MONGODB_URI: 'http://example.com' }, /^MONGODB_URI/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL/],
    [{ AUTH_JWT_SECRET: 'short' }, /^AUTH_JWT_SECRET/],
    [{ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/chat' }, /AUTH_JWT_SECRET is required/],
    [{ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) }, /MONGODB_URI is required when NODE_ENV=production/],
  ])('names the bad variable in %j', (raw, named) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(named);
  });

  it('runs production on the embedded database only when asked to', () => {
    expect(problemsOf({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), EMBEDDED_DB_IN_PRODUCTION: 'true' })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), MONGODB_URI: 'mongodb://db/chat' })).toEqual([]);
  });

  it('lists every bad variable at once', () => {
    expect(() => validateEnvironment({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
  });
});
