import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testTempDir } from '@app/testing';
import { ServerProcess, sign } from './support/fault-harness';

/** The embedded database across restarts: a server killed with kill -9 comes back at once. */
describe('Restarting a server on the embedded database', () => {
  const binary = () => process.env.FERRETDB_TEST_BINARY!;
  const servers: ServerProcess[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  /** A server on its own embedded FerretDB (no MONGODB_URI) under `dataDir`. */
  async function embeddedServer(dataDir: string): Promise<ServerProcess> {
    const server = await ServerProcess.create({ DATA_DIR: dataDir, FERRETDB_BIN: binary() });
    servers.push(server);
    return server;
  }

  const admin = { Authorization: `Bearer ${sign('000000000000000000000001', ['admin'])}` };

  it('is healthy within 5 s after kill -9 and an immediate restart, with its data', async () => {
    const dataDir = testTempDir('restart');
    const first = await embeddedServer(dataDir);
    await first.start();
    const created = await fetch(`${first.url}/Admin/Users`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Before the crash', phone: '+6598760001' }),
    });
    expect(created.status).toBe(201);
    const { id } = ((await created.json()) as { data: { id: string } }).data;
    await first.kill();

    const again = await embeddedServer(dataDir);
    await again.start({ healthyWithinMs: 5000 });
    const users = (await (await fetch(`${again.url}/Admin/Users?limit=10`, { headers: admin })).json()) as { data: { users: { id: string }[] } };
    expect(users.data.users.map((u) => u.id)).toContain(id);
  });

  it('does not trust an instance record whose process lives but whose database does not answer', async () => {
    const dataDir = testTempDir('stale');
    mkdirSync(join(dataDir, 'ferretdb'), { recursive: true });
    // A live pid that is not a database owner (this test's own) and a port nobody listens on.
    writeFileSync(join(dataDir, 'ferretdb', 'instance.json'), JSON.stringify({ pid: process.pid, port: 9 }));
    const server = await embeddedServer(dataDir);
    await server.start({ healthyWithinMs: 5000 });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
