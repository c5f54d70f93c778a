import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createUser, testTempDir } from '@app/testing';
import { startTestApp, TEST_JWT_SECRET, TestApp } from './support/test-app';

const run = promisify(execFile);
const DIST_CLI = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'cli');

/** Runs a built command-line program the way `scripts/run token|seed` does. */
function cli(name: string, args: string[], env: Record<string, string>) {
  return run(process.execPath, [join(DIST_CLI, `${name}.js`), ...args], {
    env: { PATH: process.env.PATH ?? '', AUTH_JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'warn', ...env },
  });
}

describe('Command-line programs (built; the test command builds first)', () => {
  let app: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    app = await startTestApp();
    dataDir = testTempDir('cli');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('npm run token', () => {
    it('mints an admin token the server accepts on admin routes', async () => {
      const user = await createUser(app);
      const { stdout } = await cli('token', ['--user', user.id, '--admin'], { DATA_DIR: dataDir });
      await app.http().get('/Admin/Users').set('Authorization', `Bearer ${stdout.trim()}`).expect(200);
    });

    it('mints a plain user token that is refused on admin routes', async () => {
      const user = await createUser(app);
      const { stdout } = await cli('token', ['--user', user.id], { DATA_DIR: dataDir });
      const auth = { Authorization: `Bearer ${stdout.trim()}` };
      await app.http().get('/Network/Members').set(auth).expect(200);
      await app.http().get('/Admin/Users').set(auth).expect(403);
    });

    it('refuses a user that is not an id', async () => {
      await expect(cli('token', ['--user', 'alice'], { DATA_DIR: dataDir })).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/--user must be a user id/),
      });
    });
  });

  describe('npm run seed', () => {
    it('creates demo users in one network, prints working tokens, and is safe to run twice', async () => {
      const env = { MONGODB_URI: app.config.mongodbUri!, DATA_DIR: dataDir };
      await cli('seed', [], env);
      const { stdout } = await cli('seed', [], env);

      const users = [...stdout.matchAll(/^(.+?)(?: \(admin\))? {2}id=([0-9a-f]{24}) {2}phone=(\+\d+)\n {2}(\S+)$/gm)].map((m) => ({
        name: m[1],
        id: m[2],
        token: m[4],
      }));
      expect(users.map((u) => u.name)).toEqual(['Admin', 'Yamada Takai', 'Cindy Nguyen', 'Angela Simson']);

      const yamada = users[1];
      const members = await app.http().get('/Network/Members').set('Authorization', `Bearer ${yamada.token}`).expect(200);
      expect(members.body.data.map((m: { name: string }) => m.name).sort()).toEqual(['Angela Simson', 'Cindy Nguyen']);

      const admin = users[0];
      const all = await app.http().get('/Admin/Users?limit=200').set('Authorization', `Bearer ${admin.token}`).expect(200);
      const demoPhones = all.body.data.users.filter((u: { phone: string }) => ['+10000000001', '+6590000001', '+6590000002', '+6590000003'].includes(u.phone));
      expect(demoPhones).toHaveLength(4);
    });
  });
});
