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

  describe('scripts/run token', () => {
    const onAppDatabase = () => ({ MONGODB_URI: app.config.mongodbUri!, DATA_DIR: dataDir });

    it('mints an admin token the server accepts on admin routes', async () => {
      const user = await createUser(app);
      const { stdout } = await cli('token', ['--user', user.id, '--admin'], onAppDatabase());
      await app.http().get('/Admin/Users').set('Authorization', `Bearer ${stdout.trim()}`).expect(200);
    });

    it('mints a plain user token that is refused on admin routes', async () => {
      const user = await createUser(app);
      const { stdout } = await cli('token', ['--user', user.id], onAppDatabase());
      const auth = { Authorization: `Bearer ${stdout.trim()}` };
      await app.http().get('/Network/Members').set(auth).expect(200);
      await app.http().get('/Admin/Users').set(auth).expect(403);
    });

    it('refuses a user that is not an id', async () => {
      await expect(cli('token', ['--user', 'alice'], onAppDatabase())).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/--user must be a user id/),
      });
    });

    it('refuses a user that does not exist, unless told --any-user', async () => {
      const nobody = '0123456789abcdef01234567';
      await expect(cli('token', ['--user', nobody], onAppDatabase())).rejects.toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(/^no user 0123456789abcdef01234567 in the database .*\nusage: scripts\/run token/),
      });
      // Without opening the database: here one nobody listens on.
      const { stdout } = await cli('token', ['--user', nobody, '--any-user'], { MONGODB_URI: 'mongodb://127.0.0.1:9/nowhere', DATA_DIR: dataDir });
      const minted = await app.http().get('/Network/Members').set('Authorization', `Bearer ${stdout.trim()}`);
      expect(minted.body.error?.code).toBe('USER_NOT_FOUND'); // signed with the secret: the server reads it, and finds no such user
    });

    it('refuses an unknown flag with one line of reason and the usage, no stack trace', async () => {
      const refused = await cli('token', ['--usr', 'x'], onAppDatabase()).catch((err: { code: number; stderr: string }) => err);
      expect(refused).toMatchObject({ code: 2 });
      const lines = (refused as { stderr: string }).stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/--usr/);
      expect(lines[1]).toMatch(/^usage: scripts\/run token -- --user <userId>/);
    });
  });

  describe('scripts/run seed', () => {
    it('creates a demo with history and a pending DRFI request, prints each token labelled with the admin last, and is safe to run twice', async () => {
      const env = { MONGODB_URI: app.config.mongodbUri!, DATA_DIR: dataDir };
      await cli('seed', [], env);
      const { stdout } = await cli('seed', [], env);

      const people = [...stdout.matchAll(/^(.+?) {2}id=([0-9a-f]{24}) {2}phone=(\+\d+)\n {2}demo page: (\S+)\n {2}token: (\S+)$/gm)].map((m) => ({ name: m[1], id: m[2], demo: m[4], token: m[5] }));
      expect(people.map((u) => u.name)).toEqual(['Yamada Takai', 'Cindy Nguyen', 'Angela Simson']);
      // The link signs the page in (the token in the fragment, which the browser does not send).
      for (const person of people) expect(person.demo).toBe(`http://localhost:3000/demo#token=${person.token}`);
      const adminToken = stdout.match(/^ {2}admin token: (\S+)$/m)?.[1];
      expect(stdout.trim().split('\n').at(-1)).toBe(`  admin token: ${adminToken}`);
      expect(stdout).toMatch(/^Admin, for the \/Admin routes only/m);

      const [yamada, cindy] = people;
      const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
      const members = await app.http().get('/Network/Members').set(auth(yamada.token)).expect(200);
      expect(members.body.data.map((m: { name: string }) => m.name).sort()).toEqual(['Angela Simson', 'Cindy Nguyen']);

      // Seeded twice, the history is there once: Cindy's two messages, Yamada's reply and the DRFI request.
      const printed = stdout.match(new RegExp(`^ {2}conversation with Cindy Nguyen: conversationId=([0-9a-f]{24}) {2}ToReceiverId=${cindy.id}$`, 'm'));
      expect(printed).not.toBeNull();
      const history = (await app.http().get(`/Chat/Conversation?withUserId=${cindy.id}`).set(auth(yamada.token)).expect(200)).body.data;
      expect(history.id).toBe(printed![1]);
      expect(history.messages.map((m: { text: string }) => m.text)).toEqual([
        'Hi Yamada, are we still on for the site visit on Friday?',
        'Yes, 10am at the north gate.',
        'Great. I will need your contact details for the visitor pass.',
        '[DRFI Request]',
      ]);
      // Yamada can answer from his vault: the request shows him its values.
      expect(history.messages.at(-1).drfiFields.map((f: { path: string; value: string }) => [f.path, f.value])).toEqual([
        ['.basicInformation.firstName', 'Yamada'],
        ['.contact.mobile', '6590000001'],
      ]);
      const listed = (await app.http().get('/Chat/Conversations/List').set(auth(yamada.token)).expect(200)).body.data;
      expect(listed.find((c: { conversationId: string }) => c.conversationId === printed![1])).toMatchObject({ messagesCount: 4 });

      const all = await app.http().get('/Admin/Users?limit=200').set(auth(adminToken!)).expect(200);
      const demoPhones = all.body.data.users.filter((u: { phone: string }) => ['+10000000001', '+6590000001', '+6590000002', '+6590000003'].includes(u.phone));
      expect(demoPhones).toHaveLength(4);
    });
  });
});
