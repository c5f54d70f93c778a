import { rmSync } from 'node:fs';
import { FerretDbServer } from '@app/embedded-db';
import { eventually, testTempDir } from '@app/testing';
import { startTestApp, TestApp } from './support/test-app';

describe('GET /health with the database going away and coming back', () => {
  // A database server of this file's own, so stopping it disturbs no other test file.
  let database: FerretDbServer;
  let app: TestApp;

  beforeAll(async () => {
    const binary = process.env.FERRETDB_TEST_BINARY;
    if (!binary) throw new Error('FERRETDB_TEST_BINARY is not set (the jest global setup sets it)');
    database = new FerretDbServer({ binary, dataDir: testTempDir('ferretdb-health') });
    await database.start();
    app = await startTestApp({ mongodbUri: database.uri('health') });
  });

  afterAll(async () => {
    await app.close();
    await database.stop();
    rmSync(database.dataDir, { recursive: true, force: true });
  });

  it('is 200 with a database ping, 503 while the database is down, 200 again once it is back', async () => {
    const up = await app.http().get('/health').expect(200);
    expect(up.body).toEqual({ success: true, message: 'OK', data: { status: 'ok', database: 'up' } });

    await database.stop();
    const down = await eventually(() => app.http().get('/health').expect(503));
    expect(down.body).toEqual({
      success: false,
      message: 'Database unavailable',
      error: { code: 'DATABASE_UNAVAILABLE', requestId: expect.any(String) },
    });

    await database.start();
    await eventually(() => app.http().get('/health').expect(200), { timeoutMs: 45_000 });
  });
});
