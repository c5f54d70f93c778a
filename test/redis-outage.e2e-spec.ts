import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freeLoopbackPort } from '@app/embedded-db';
import { eventually, freshDatabaseUri } from '@app/testing';
import { AppClient, newRecord, sign, Store } from './support/fault-harness';
import { TcpProxy } from './support/tcp-proxy';
import { TEST_JWT_SECRET } from './support/test-app';
import { io } from 'socket.io-client';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

/**
 * Redis goes away under a running server (REDIS_URL through a proxy that stops listening, or that
 * accepts and drops every connection): the server keeps
 * serving its own sockets (rate limits count in memory meanwhile), logs the broadcasts to other
 * processes that failed, and does not die (before: an unhandled rejection in the socket.io Redis
 * adapter's publish ended the process, and every socket event was refused as RATE_LIMITED).
 */
describe('A Redis outage under a running server', () => {
  let proxy: TcpProxy;
  let child: ChildProcess;
  let store: Store;
  const logLines: string[] = [];
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];

  beforeAll(async () => {
    proxy = await TcpProxy.to('127.0.0.1', Number(new URL(process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379').port || 6379));
    const uri = freshDatabaseUri();
    store = await Store.connect(uri);
    const port = await freeLoopbackPort();
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', MONGODB_URI: uri, AUTH_JWT_SECRET: TEST_JWT_SECRET, SHUTDOWN_DRAIN_MS: '0',
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: `outage-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logLines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) waiter.resolve();
    });
    (child as ChildProcess & { url: string }).url = `http://127.0.0.1:${port}`;
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200), { timeoutMs: 30_000 });
  });
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await proxy.close();
    await store.close();
  });

  /** A log line matching `pattern` from line `from` on (now, or when it comes). */
  const logged = (pattern: RegExp, from: number) =>
    logLines.slice(from).some((l) => pattern.test(l)) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pattern, resolve }));

  it.each(['refuse', 'drop'] as const)('keeps serving its own sockets, logs the failed broadcasts, and stays up (connections: %s)', async (how) => {
    const url = (child as ChildProcess & { url: string }).url;
    const [{ sender, recipient }] = await store.pairs(1);
    const record = newRecord();
    const [alice, bob] = [new AppClient(url, sender, record), new AppClient(url, recipient, record)];
    await Promise.all([alice.connected(), bob.connected()]);
    try {
      const linesBefore = logLines.length;
      await proxy.cut(how);
      const uniqueid = alice.send(recipient, 'while Redis is away');
      // Not refused as "rate limited" either: the rate limit counts in memory meanwhile.
      // (The recipient may get the message before the sender gets its ack: wait for both.)
      await eventually(
        async () =>
          expect({ acked: record.acked.has(uniqueid), received: record.received.get(uniqueid)?.size, errorAcks: [...record.errorAcks] }).toEqual({
            acked: true,
            received: 1,
            errorAcks: [],
          }),
        { timeoutMs: 30_000 },
      );
      await logged(/broadcast to other processes failed/, linesBefore);
      // Still up and serving.
      expect(child.exitCode).toBeNull();
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const probe = io(url, { transports: ['websocket'], auth: { token: sign(sender) }, forceNew: true, reconnection: false });
      await new Promise<void>((resolve) => probe.once('connect', () => resolve()));
      const ack = await probe.timeout(5000).emitWithAck('im', { to: recipient, from: sender, msg: 'still here', uniqueid: randomUUID() });
      probe.close();
      expect(ack).toMatchObject({ status: 'sent' });
    } finally {
      await proxy.restore();
      alice.close();
      bob.close();
    }
  });
});
