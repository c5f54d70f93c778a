import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { eventually, freshDatabaseUri, testTempDir } from '@app/testing';
import { MongoClient } from 'mongodb';
import { connectTo, sign } from './support/fault-harness';
import { LoggedServer } from './support/logged-server';
import { seedPair } from './support/seed-pair';
import { TcpProxy } from './support/tcp-proxy';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const databasePort = () => Number(new URL(freshDatabaseUri()).port);

/**
 * The server as an operator runs it (docs/operations.md): start-up with a dependency down, a
 * stalled database, production without a database. Each case is the built server as a process.
 */
describe('Operability', () => {
  const servers: LoggedServer[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await LoggedServer.start(env);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
  });

  it('refuses production without MONGODB_URI, in one line naming it (unless EMBEDDED_DB_IN_PRODUCTION=true)', async () => {
    const server = await start({ NODE_ENV: 'production' });
    expect(await server.exited).toBe(1);
    expect(server.stderr.join('\n')).toMatch(/MONGODB_URI is required when NODE_ENV=production .*EMBEDDED_DB_IN_PRODUCTION=true/);
    expect(server.lines).toEqual([]);
  });

  it('names a database that does not answer before the first attempt, counts the attempts, and exits with one clear line', async () => {
    const port = await closedPort();
    const server = await start({
      MONGODB_URI: `mongodb://someone:secret@127.0.0.1:${port}/chat`,
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '300',
      MONGODB_CONNECT_ATTEMPTS: '3',
    });
    expect(await server.exited).toBe(1);
    const texts = server.lines.map((l) => String(l.json?.msg ?? ''));
    const connecting = texts.findIndex((t) => t.startsWith(`connecting to mongodb://127.0.0.1:${port}/chat (3 attempts`));
    const attempts = texts.flatMap((t, i) => (/Unable to connect to the database\. .*Retrying \(\d\)/.test(t) ? [[i, /Retrying \((\d)\)/.exec(t)![1]]] : []));
    expect(attempts.map(([, n]) => n)).toEqual(['1', '2', '3']);
    // The first line, written before the application's modules load, already names it.
    expect(server.lines[0].json).toMatchObject({ context: 'Bootstrap', msg: expect.stringContaining(`database mongodb://127.0.0.1:${port}/chat`) });
    // Named before the first attempt ends.
    expect(connecting).toBeGreaterThanOrEqual(0);
    expect(connecting).toBeLessThan(attempts[0][0] as number);
    // Every line is JSON; the last says why the start-up ended; no credential anywhere.
    expect(server.lines.every((l) => l.json !== undefined)).toBe(true);
    expect(server.lines.at(-1)!.json).toMatchObject({ level: 60, msg: expect.stringMatching(/^start-up failed: .*127\.0\.0\.1/) });
    expect(server.lines.map((l) => l.text).join('\n')).not.toContain('secret');
    expect(server.stderr).toEqual([]);
  });

  it('supervises the embedded database: a FerretDB killed under traffic is started again and traffic resumes by itself; one that cannot be kept up ends the process with one line', async () => {
    const dataDir = testTempDir('supervised');
    const server = await start({ DATA_DIR: dataDir, FERRETDB_BIN: process.env.FERRETDB_TEST_BINARY! });
    await server.logged(/listening on/);
    const databaseDir = join(dataDir, 'ferretdb');
    const { port } = JSON.parse(readFileSync(join(databaseDir, 'instance.json'), 'utf8')) as { port: number };
    const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/chat`);
    const [alice, bob] = await seedPair(client).finally(() => client.close());
    const ferretdbPid = () => Number(execFileSync('pgrep', ['-f', `^\\S*ferretdb --handler=sqlite --sqlite-url=file:${databaseDir}/`], { encoding: 'utf8' }).trim());
    const socket = await connectTo(server.url, alice);
    try {
      const im = (uniqueid: string) => socket.timeout(5000).emitWithAck('im', { to: bob, from: alice, msg: uniqueid, uniqueid }) as Promise<{ status: string }>;
      expect(await im('before')).toMatchObject({ status: 'sent' });

      // kill -9 under traffic: the server notices, starts it again, and the same client's messages go through again.
      const first = ferretdbPid();
      process.kill(first, 'SIGKILL');
      await server.logged(/embedded FerretDB exited unexpectedly \(exit status 137\)/);
      await server.logged(/embedded FerretDB running again/);
      expect(ferretdbPid()).not.toBe(first);
      await eventually(async () => expect(await im('after')).toMatchObject({ status: 'sent' }), { timeoutMs: 30_000 });
      await eventually(async () => expect((await fetch(`${server.url}/health/ready`)).status).toBe(200));

      // Now it cannot start (its data folder is gone, a file where it was): readiness fails, then the process ends.
      renameSync(databaseDir, `${databaseDir}-moved`);
      writeFileSync(databaseDir, 'not a folder');
      process.kill(ferretdbPid(), 'SIGKILL');
      await eventually(async () => expect((await fetch(`${server.url}/health/ready`)).status).toBe(503));
      expect(await server.exited).toBe(1);
      const fatal = server.lines.filter((l) => Number(l.json?.level) === 60);
      expect(fatal.map((l) => l.json!.msg)).toEqual([expect.stringMatching(/^the embedded FerretDB could not be kept running \(5 restarts within 60 s; its log: .*\): exiting/)]);
    } finally {
      socket.close();
    }
  });

  it('comes up once a database that was down at start answers', async () => {
    const proxy = await TcpProxy.to('127.0.0.1', databasePort());
    await proxy.cut('refuse');
    try {
      const uri = freshDatabaseUri().replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${proxy.port}`);
      const server = await start({ MONGODB_URI: uri, MONGODB_SERVER_SELECTION_TIMEOUT_MS: '300', MONGODB_CONNECT_ATTEMPTS: '100' });
      await server.logged(/Retrying \(1\)/);
      await proxy.restore();
      await server.logged(/listening on/);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it('starts with Redis down, works alone meanwhile (one line per outage, not one per attempt), and uses Redis once it is back', async () => {
    const redisPort = Number(new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379').port || 6379);
    const proxy = await TcpProxy.to('127.0.0.1', redisPort);
    await proxy.cut('refuse');
    const direct = freshDatabaseUri();
    const client = await MongoClient.connect(direct);
    try {
      const [alice, bob] = await seedPair(client);
      const server = await start({ MONGODB_URI: direct, REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: `ops-${randomUUID().slice(0, 8)}`, LOG_LEVEL: 'debug' });
      await server.logged(/listening on/);
      await server.logged(/Redis \(socket\.io subscriber\) unavailable/);
      // Alone meanwhile: a message between two of its own sockets is acknowledged and delivered.
      const [aliceSocket, bobSocket] = [await connectTo(server.url, alice), await connectTo(server.url, bob)];
      try {
        const received = new Promise((resolve) => bobSocket.once('im', resolve));
        const ack = await aliceSocket.timeout(10_000).emitWithAck('im', { to: bob, from: alice, msg: 'Redis is away', uniqueid: randomUUID() });
        expect(ack).toMatchObject({ status: 'sent' });
        expect(await received).toMatchObject({ msg: 'Redis is away' });
        // Still up past the 20th attempt, where the subscriber's SUBSCRIBE used to give up and end the process.
        await server.logged(/Redis \(socket\.io subscriber\) reconnecting \(attempt 22\)/);
        expect(server.running).toBe(true);
        await proxy.restore();
        await server.logged(/Redis \(socket\.io subscriber\) back after \d+ failed attempt/);
        await server.logged(/^(?=.*"Redis back after)/);
        expect(server.running).toBe(true);
        // One "unavailable" line per connection for the whole outage.
        expect(server.lines.filter((l) => /unavailable \(/.test(l.text)).length).toBeLessThanOrEqual(3);
        const again = await aliceSocket.timeout(10_000).emitWithAck('im', { to: bob, from: alice, msg: 'Redis is back', uniqueid: randomUUID() });
        expect(again).toMatchObject({ status: 'sent' });
      } finally {
        aliceSocket.close();
        bobSocket.close();
      }
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('answers 503 within a few MONGODB_SOCKET_TIMEOUT_MS when the database stalls (connections open, no answers), and recovers', async () => {
    const proxy = await TcpProxy.to('127.0.0.1', databasePort());
    const direct = freshDatabaseUri();
    const uri = direct.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${proxy.port}`);
    const client = await MongoClient.connect(direct);
    try {
      const userId = (await client.db().collection('users').insertOne({ accountId: randomUUID(), name: 'Op', phone: '+6590000001', avatar: null, sessionsValidFrom: null, suspendedAt: null, createdAt: new Date(), updatedAt: new Date() })).insertedId.toHexString();
      const server = await start({ MONGODB_URI: uri, MONGODB_SOCKET_TIMEOUT_MS: '1000', MONGODB_SERVER_SELECTION_TIMEOUT_MS: '1000' });
      await server.logged(/listening on/);
      const members = () => fetch(`${server.url}/Network/Members`, { headers: { authorization: `Bearer ${sign(userId)}` }, signal: AbortSignal.timeout(15_000) });
      expect((await members()).status).toBe(200);
      proxy.stall();
      // Bounded: the abort signal above fails the test if the server waits for the database much
      // longer than its bound (a stalled database used to hold a request ~45 s).
      const stalled = await members();
      expect({ status: stalled.status, code: ((await stalled.json()) as { error: { code: string } }).error.code }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE' });
      await proxy.restore();
      expect((await members()).status).toBe(200);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  describe('SIGTERM', () => {
    const phases = (server: LoggedServer) =>
      server.lines.filter((l) => l.json?.context === 'Shutdown').map((l) => String(l.json!.msg).split(':')[0].split(' ')[0]);

    it('fails readiness first, keeps serving through the drain window, lets sockets reconnect elsewhere, and exits 0 with every phase logged', async () => {
      const direct = freshDatabaseUri();
      const client = await MongoClient.connect(direct);
      try {
        const [alice, bob] = await seedPair(client);
        // A drain window the burst below fits in on a loaded machine (a full test run beside it): the burst is sent during the drain.
        const server = await start({ MONGODB_URI: direct, SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_DEADLINE_MS: '20000' });
        await server.logged(/listening on/);
        const [aliceSocket, bobSocket] = [await connectTo(server.url, alice), await connectTo(server.url, bob)];
        const dropped = new Promise<string>((resolve) => aliceSocket.once('disconnect', (reason) => resolve(reason)));
        try {
          expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
          server.child.kill('SIGTERM');
          await server.logged(/SIGTERM: draining/);
          // Readiness fails at once; liveness and everything else are still served.
          const ready = await fetch(`${server.url}/health/ready`);
          expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 503, body: { error: { code: 'NOT_READY' }, message: 'Not ready: lifecycle' } });
          expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
          // Under load: requests and socket events sent together during the drain are all answered,
          // and every message reaches the recipient.
          const burst = 20;
          const received: unknown[] = [];
          const allReceived = new Promise<void>((resolve) => bobSocket.on('im', (stanza) => received.push(stanza) === burst && resolve()));
          const [requests, acks] = await Promise.all([
            Promise.all(Array.from({ length: burst }, () => fetch(`${server.url}/Network/Members`, { headers: { authorization: `Bearer ${sign(alice)}` } }).then((r) => r.status))),
            Promise.all(Array.from({ length: burst }, (_, i) => aliceSocket.timeout(10_000).emitWithAck('im', { to: bob, from: alice, msg: `during the drain ${i}`, uniqueid: randomUUID() }))),
          ]);
          expect(requests).toEqual(Array(burst).fill(200));
          expect(acks).toEqual(Array(burst).fill(expect.objectContaining({ status: 'sent' })));
          await allReceived;
          expect(received).toContainEqual(expect.objectContaining({ msg: 'during the drain 0' }));
          // Closed at the transport: a client reconnects by itself (a server "go away" would not).
          expect(await dropped).toBe('transport close');
          expect(await server.exited).toBe(0);
          expect(phases(server)).toEqual(['SIGTERM', 'closing', 'asked', 'stopped']);
          expect(server.lines.find((l) => /asked/.test(l.text))!.json!.msg).toMatch(/^asked 2 sockets to reconnect elsewhere/);
        } finally {
          aliceSocket.close();
          bobSocket.close();
        }
      } finally {
        await client.close();
      }
    });

    it('exits by SHUTDOWN_DEADLINE_MS even with a socket event stuck on a stalled database', async () => {
      const proxy = await TcpProxy.to('127.0.0.1', databasePort());
      const direct = freshDatabaseUri();
      const client = await MongoClient.connect(direct);
      try {
        const [alice, bob] = await seedPair(client);
        const uri = direct.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${proxy.port}`);
        const server = await start({ MONGODB_URI: uri, SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_DEADLINE_MS: '3000', MONGODB_SOCKET_TIMEOUT_MS: '120000' });
        await server.logged(/listening on/);
        const aliceSocket = await connectTo(server.url, alice);
        try {
          proxy.stall();
          aliceSocket.emit('im', { to: bob, from: alice, msg: 'stuck', uniqueid: randomUUID() }, () => undefined);
          // The event is in flight once its first read (of the two users, by id) is stuck at the database.
          await eventually(async () => expect(proxy.held().includes(Buffer.from(bob, 'hex'))).toBe(true));
          server.child.kill('SIGTERM');
          expect(await server.exited).toBe(1);
          expect(server.lines.find((l) => /^closing/.test(String(l.json?.msg)))!.json!.msg).toMatch(/waiting for 1 in flight/);
          expect(phases(server)).toEqual(['SIGTERM', 'closing', 'deadline']);
        } finally {
          aliceSocket.close();
        }
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });
});
