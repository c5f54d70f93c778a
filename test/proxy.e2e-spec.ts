import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { freeLoopbackPort } from '@app/embedded-db';
import { eventually, freshDatabaseUri, testTempDir } from '@app/testing';
import { ServerProcess, sign } from './support/fault-harness';
import { collect, emitAck } from './support/socket-client';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const NGINX = process.env.NGINX_PATH || 'nginx';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * deploy/nginx.conf itself (what docker-compose.yml runs), in Debian's nginx, in front of two API
 * processes: its upstreams pointed at them and its port at a free one, nothing else changed.
 */
async function startNginx(upstreams: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = testTempDir('nginx');
  for (const temp of ['body', 'proxy']) mkdirSync(join(dir, temp), { recursive: true });
  const port = await freeLoopbackPort();
  let site = readFileSync(join(__dirname, '..', 'deploy', 'nginx.conf'), 'utf8').replace('listen 80;', `listen 127.0.0.1:${port};`);
  upstreams.forEach((address, i) => (site = site.replaceAll(`server api-${i + 1}:3000;`, `server ${address};`)));
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\n` +
      `events {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n` +
      `  fastcgi_temp_path ${dir}/proxy;\n  uwsgi_temp_path ${dir}/proxy;\n  scgi_temp_path ${dir}/proxy;\n  include ${dir}/site.conf;\n}\n`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'inherit' });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => expect((await fetch(`${url}/health`)).status).toBe(200), { timeoutMs: 10_000 });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}

/** A socket.io client with every default (long-polling first, then the upgrade to a WebSocket). */
function defaultClient(url: string, userId: string): Promise<Socket> {
  const socket = io(url, { auth: { token: sign(userId) }, forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('deploy/nginx.conf in front of two API processes, with default socket.io clients', () => {
  let servers: ServerProcess[] = [];
  let proxy: Awaited<ReturnType<typeof startNginx>>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env = { MONGODB_URI: freshDatabaseUri(), REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}` };
    servers = await Promise.all([ServerProcess.create(env), ServerProcess.create(env)]);
    await Promise.all(servers.map((s) => s.start()));
    proxy = await startNginx(servers.map((s) => s.url.replace('http://', '')));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await proxy?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('connects default clients (polling, then the upgrade) and carries a message and its receipt between them', async () => {
    const admin = `Bearer ${sign('5a216e4005100b3d9029dd71', ['admin'])}`;
    const make = async (name: string) =>
      (await request(proxy.url).post('/Admin/Users').set('Authorization', admin).send({ name, phone: `+1777${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}` }).expect(201))
        .body.data as Json;
    const [alice, bob] = [await make('Alice'), await make('Bob')];
    await request(proxy.url).post('/Admin/Network').set('Authorization', admin).send({ userId: alice.id, memberId: bob.id }).expect(201);

    const [a, b] = [await defaultClient(proxy.url, alice.id), await defaultClient(proxy.url, bob.id)];
    sockets.push(a, b);
    // Every request of each session reached the process that made it: the upgrade completes.
    for (const socket of [a, b]) {
      if (socket.io.engine.transport.name !== 'websocket') await new Promise((resolve) => socket.io.engine.once('upgrade', resolve));
    }
    const incoming = collect<Json>(b, 'im');
    const receipts = collect<Json>(a, 'messageStatusUpdate');
    expect(await emitAck(a, 'im', { to: bob.id, from: alice.id, msg: 'through nginx', uniqueid: 'nginx-1' })).toMatchObject({ status: 'sent' });
    expect(await incoming.next((m) => m.uniqueid === 'nginx-1')).toMatchObject({ msg: 'through nginx', from: alice.id });
    await emitAck(b, 'messageStatusUpdate', { status: 'seen', uniqueid: 'nginx-1', sender: alice.id });
    expect(await receipts.next((r) => r.uniqueid === 'nginx-1')).toMatchObject({ status: 'seen' });
  });

  it('keeps a polling-only client (one that never upgrades) on one process for its whole session', async () => {
    const admin = `Bearer ${sign('5a216e4005100b3d9029dd71', ['admin'])}`;
    const user = (await request(proxy.url).post('/Admin/Users').set('Authorization', admin).send({ name: 'Poller', phone: `+1778${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}` }).expect(201)).body.data as Json;
    const socket = io(proxy.url, { auth: { token: sign(user.id) }, transports: ['polling'], forceNew: true, reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    // Many round trips, each a new HTTP request through the proxy: every one finds its session.
    for (let i = 0; i < 10; i++) expect(await emitAck(socket, 'sync', {})).toMatchObject({ status: 'synced' });
    expect(socket.connected).toBe(true);
  });
});
