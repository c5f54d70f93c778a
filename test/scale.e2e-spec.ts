import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { eventually, freshDatabaseUri } from '@app/testing';
import { connectTo, ServerProcess, sign } from './support/fault-harness';
import { collect, emitAck } from './support/socket-client';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Two API processes on one database and Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  const sockets: Socket[] = [];
  const mongodbUri = freshDatabaseUri();
  const keyPrefix = `test-${randomBytes(4).toString('hex')}`;

  /** A real API server process (the built one), sharing the database and Redis with the others. */
  const startProcess = async () => {
    const server = await ServerProcess.create({ MONGODB_URI: mongodbUri, REDIS_URL, REDIS_KEY_PREFIX: keyPrefix });
    await server.start();
    return server;
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startProcess(), startProcess()]);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((server) => server.stop()));
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
    const { alice, bob } = await pair();
    const onA = await connectTo(a.url, alice.id);
    const onB = await connectTo(b.url, bob.id);
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
    const { alice, bob, conversationId, bobToken } = await pair();
    const onA = await connectTo(a.url, alice.id);
    sockets.push(onA);
    const incoming = collect<Json>(onA, 'im');
    await request(b.url).post('/Chat/Message/Add').set('Authorization', `Bearer ${bobToken}`).send({ conversationId, ToReceiverId: alice.id, text: 'via REST on B', uniqueid: 'r-1' }).expect(200);
    expect(await incoming.next((m) => m.uniqueid === 'r-1')).toMatchObject({ from: bob.id, msg: 'via REST on B' });
  });

  it('shares presence: a socket on one process shows online on the other', async () => {
    const { bob, aliceToken } = await pair();
    const online = async () => (await request(a.url).get('/Chat/Conversations').set('Authorization', `Bearer ${aliceToken}`).expect(200)).body.conversations[0].from.online;
    expect(await online()).toBe(false);
    const onB = await connectTo(b.url, bob.id);
    sockets.push(onB);
    await eventually(async () => expect(await online()).toBe(true));
    onB.close();
    await eventually(async () => expect(await online()).toBe(false));
  });

  it('loses nothing it acknowledged when a process is killed mid-traffic: clients move to the other and sync', async () => {
    const { alice, bob } = await pair();
    const doomed = await startProcess();
    const onDoomed = await connectTo(doomed.url, alice.id);
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
    await doomed.kill();
    await Promise.all(sends);
    const ackedBeforeKill = new Set(acked);

    // Alice's app reconnects (to the surviving process) and resends what was never acknowledged.
    const onB = await connectTo(b.url, alice.id);
    sockets.push(onB);
    const unacked = all.filter((i) => !ackedBeforeKill.has(`kill-${i}`)).map(stanza);
    const resync = await emitAck<Json>(onB, 'sync', { messages: unacked });
    expect(resync.acks.messages.every((ack: Json) => ack.status === 'sent')).toBe(true);

    // Bob catches up: every message exactly once, every acknowledged one among them.
    const bobSocket = await connectTo(b.url, bob.id);
    sockets.push(bobSocket);
    // A position the killed process took but never wrote holds the chain back until it is skipped
    // (SYNC_GAP_TIMEOUT_MS); the changes after it come once it is.
    const received: string[] = [];
    let cursor: string | undefined;
    await eventually(async () => {
      const page = await emitAck<Json>(bobSocket, 'sync', cursor ? { cursor } : {});
      cursor = page.cursor;
      received.push(...page.messages.map((m: Json) => m.uniqueid).filter((id: string) => id.startsWith('kill-')));
      expect(received.length).toBeGreaterThanOrEqual(all.length);
    });
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual(all.map((i) => `kill-${i}`).sort());
    for (const id of ackedBeforeKill) expect(received).toContain(id);
  });
});
