import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { io, Socket } from 'socket.io-client';
import { freeLoopbackPort } from '@app/embedded-db';
import { eventually, freshDatabaseUri } from '@app/testing';
import { collect, emitAck } from './support/socket-client';
import { TEST_JWT_SECRET } from './support/test-app';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const MAIN = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ApiProcess {
  url: string;
  child: ChildProcess;
}

/** A real API server process (the built one), sharing the database and Redis with the others. */
async function startProcess(mongodbUri: string, keyPrefix: string): Promise<ApiProcess> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: mongodbUri,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      REDIS_URL,
      REDIS_KEY_PREFIX: keyPrefix,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(() => request(url).get('/health').expect(200), { timeoutMs: 30_000 });
  return { url, child };
}

function stop(api: ApiProcess): Promise<void> {
  return new Promise((resolve) => {
    if (api.child.exitCode !== null) return resolve();
    api.child.once('exit', () => resolve());
    api.child.kill('SIGTERM');
  });
}

function connectTo(api: ApiProcess, token: string): Promise<Socket> {
  const socket = io(api.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('Two API processes on one database and Redis', () => {
  const sign = (sub: string, roles: string[] = []) => new JwtService().sign({ sub, roles }, { secret: TEST_JWT_SECRET, expiresIn: '1h' });
  let a: ApiProcess;
  let b: ApiProcess;
  const sockets: Socket[] = [];
  const mongodbUri = freshDatabaseUri();
  const keyPrefix = `test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    a = await startProcess(mongodbUri, keyPrefix);
    b = await startProcess(mongodbUri, keyPrefix);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map(stop));
  });

  /** Alice and Bob, linked, made through process A's admin API. */
  async function pair() {
    const admin = `Bearer ${sign('5a216e4005100b3d9029dd71', ['admin'])}`;
    const make = async (name: string) =>
      (await request(a.url).post('/Admin/Users').set('Authorization', admin).send({ name, phone: `+1777${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}` }).expect(201)).body.data as Json;
    const [alice, bob] = [await make('Alice'), await make('Bob')];
    const link = await request(a.url).post('/Admin/Network').set('Authorization', admin).send({ userId: alice.id, memberId: bob.id }).expect(201);
    return { alice, bob, conversationId: link.body.data.conversationId as string, aliceToken: sign(alice.id), bobToken: sign(bob.id) };
  }

  it('carries messages and receipts between clients on different processes', async () => {
    const { alice, bob, aliceToken, bobToken } = await pair();
    const onA = await connectTo(a, aliceToken);
    const onB = await connectTo(b, bobToken);
    sockets.push(onA, onB);
    const incoming = collect<Json>(onB, 'im');
    const receipts = collect<Json>(onA, 'messageStatusUpdate');

    const ack = await emitAck(onA, 'im', { to: bob.id, from: alice.id, msg: 'across processes', uniqueid: 'x-1' });
    expect(ack).toMatchObject({ status: 'sent', uniqueid: 'x-1' });
    expect(await incoming.next((m) => m.uniqueid === 'x-1')).toMatchObject({ msg: 'across processes', from: alice.id });
    await emitAck(onB, 'messageStatusUpdate', { status: 'seen', uniqueid: 'x-1', sender: alice.id });
    expect(await receipts.next((r) => r.uniqueid === 'x-1')).toMatchObject({ status: 'seen' });
  });

  it('delivers a REST Add made on one process to the recipient\'s socket on the other', async () => {
    const { alice, bob, conversationId, aliceToken, bobToken } = await pair();
    const onA = await connectTo(a, aliceToken);
    sockets.push(onA);
    const incoming = collect<Json>(onA, 'im');
    await request(b.url).post('/Chat/Message/Add').set('Authorization', `Bearer ${bobToken}`).send({ conversationId, ToReceiverId: alice.id, text: 'via REST on B', uniqueid: 'r-1' }).expect(200);
    expect(await incoming.next((m) => m.uniqueid === 'r-1')).toMatchObject({ from: bob.id, msg: 'via REST on B' });
  });

  it('shares presence: a socket on one process shows online on the other', async () => {
    const { aliceToken, bobToken } = await pair();
    const online = async () => (await request(a.url).get('/Chat/Conversations').set('Authorization', `Bearer ${aliceToken}`).expect(200)).body.conversations[0].from.online;
    expect(await online()).toBe(false);
    const onB = await connectTo(b, bobToken);
    sockets.push(onB);
    await eventually(async () => expect(await online()).toBe(true));
    onB.close();
    await eventually(async () => expect(await online()).toBe(false));
  });

  it('loses nothing it acknowledged when a process is killed mid-traffic: clients move to the other and sync', async () => {
    const { alice, bob, aliceToken, bobToken } = await pair();
    const doomed = await startProcess(mongodbUri, keyPrefix);
    const onDoomed = await connectTo(doomed, aliceToken);
    sockets.push(onDoomed);
    const stanza = (i: number) => ({ to: bob.id, from: alice.id, msg: `message ${i}`, uniqueid: `kill-${i}` });
    const all = Array.from({ length: 40 }, (_, i) => i);
    const acked = new Set<string>();
    const sends = all.map((i) =>
      emitAck<Json>(onDoomed, 'im', stanza(i)).then(
        (ack) => void (ack.status === 'sent' && acked.add(ack.uniqueid)),
        () => undefined, // no ack: the client will resend it
      ),
    );
    await eventually(async () => expect(acked.size).toBeGreaterThanOrEqual(5));
    doomed.child.kill('SIGKILL');
    await Promise.all(sends);
    await stop(doomed);
    const ackedBeforeKill = new Set(acked);

    // Alice's app reconnects (to the surviving process) and resends what was never acknowledged.
    const onB = await connectTo(b, aliceToken);
    sockets.push(onB);
    const unacked = all.filter((i) => !ackedBeforeKill.has(`kill-${i}`)).map(stanza);
    const resync = await emitAck<Json>(onB, 'sync', { messages: unacked });
    expect(resync.acks.messages.every((ack: Json) => ack.status === 'sent')).toBe(true);

    // Bob catches up: every message exactly once, every acknowledged one among them.
    const bobSocket = await connectTo(b, bobToken);
    sockets.push(bobSocket);
    const caughtUp = await emitAck<Json>(bobSocket, 'sync', {});
    const received = caughtUp.messages.map((m: Json) => m.uniqueid).filter((id: string) => id.startsWith('kill-'));
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual(all.map((i) => `kill-${i}`).sort());
    for (const id of ackedBeforeKill) expect(received).toContain(id);
  });
});
