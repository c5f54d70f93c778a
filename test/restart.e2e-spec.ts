import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { eventually, testTempDir } from '@app/testing';
import { connectTo, ServerProcess, sign } from './support/fault-harness';

/** kill -9, for a process that may have ended already. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** The embedded database across restarts: a server killed with kill -9 comes back at once. */
describe('Restarting a server on the embedded database', () => {
  const binary = () => process.env.FERRETDB_TEST_BINARY!;
  const servers: ServerProcess[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  /** A server on its own embedded FerretDB (no MONGODB_URI) under `dataDir`. */
  async function embeddedServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const server = await ServerProcess.create({ DATA_DIR: dataDir, FERRETDB_BIN: binary(), ...env });
    servers.push(server);
    return server;
  }

  const admin = { Authorization: `Bearer ${sign('000000000000000000000001', ['admin'])}` };

  /** Two users made through the admin API, linked: the sender and the receiver of a test. */
  async function linkedPair(server: ServerProcess, label: string, phones: [string, string]): Promise<{ sender: string; receiver: string }> {
    const makeUser = async (name: string, phone: string) => {
      const response = await fetch(`${server.url}/Admin/Users`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name, phone }) });
      return ((await response.json()) as { data: { id: string } }).data.id;
    };
    const [sender, receiver] = [await makeUser(`${label} sender`, phones[0]), await makeUser(`${label} receiver`, phones[1])];
    const linked = await fetch(`${server.url}/Admin/Network`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ userId: sender, memberId: receiver }) });
    expect(linked.status).toBe(201);
    return { sender, receiver };
  }

  /** kill -9 of the server and of its embedded database (found by its data folder). */
  function killBoth(server: ServerProcess, dataDir: string): Promise<void> {
    const database = execFileSync('pgrep', ['-f', `ferretdb.*${dataDir}`], { encoding: 'utf8' }).trim().split('\n').map(Number);
    for (const pid of database) killQuietly(pid);
    return server.kill();
  }

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

  it('keeps every message acknowledged from batches in flight across kill -9 of the server and its database, and answers resends with the originals', async () => {
    const dataDir = testTempDir('batches');
    const first = await embeddedServer(dataDir);
    await first.start();
    const { sender, receiver } = await linkedPair(first, 'Batch', ['+6598760002', '+6598760003']);

    // 200 messages at once, so that they are written in batches (group commit); both processes die
    // by kill -9 at the 50th ack, with later batches on their way.
    const uniqueIds = Array.from({ length: 200 }, (_, i) => `batch-${i}`);
    const acked = new Map<string, string>();
    const socket = await connectTo(first.url, sender);
    await new Promise<void>((killed) => {
      for (const uniqueid of uniqueIds) {
        socket.emit('im', { from: sender, to: receiver, uniqueid, msg: `text ${uniqueid}` }, (ack: { status: string; messageid?: string }) => {
          if (ack.status !== 'sent' || acked.size >= 50) return;
          acked.set(uniqueid, ack.messageid!);
          if (acked.size === 50) void killBoth(first, dataDir).then(() => killed());
        });
      }
    });
    socket.disconnect();

    // Counts a killed writer left half-done are recounted by the list after a second (the least allowed).
    const again = await embeddedServer(dataDir, { COUNTS_REPAIR_AFTER_MS: '1000' });
    await again.start();
    const auth = { Authorization: `Bearer ${sign(sender)}` };
    const history = (await (await fetch(`${again.url}/Chat/Conversation?withUserId=${receiver}`, { headers: auth })).json()) as {
      data: { id: string; messages: { messageid: string; uniqueid: string }[] };
    };
    const stored = history.data.messages;
    for (const [uniqueid, messageid] of acked) expect(stored.filter((m) => m.uniqueid === uniqueid).map((m) => m.messageid)).toEqual([messageid]);
    expect(new Set(stored.map((m) => m.uniqueid)).size).toBe(stored.length);

    // Every send again: the acknowledged get their original, nothing is stored twice, and the counts agree.
    const resender: Socket = await connectTo(again.url, sender);
    const resent = await Promise.all(
      uniqueIds.map((uniqueid) => resender.emitWithAck('im', { from: sender, to: receiver, uniqueid, msg: `text ${uniqueid}` }) as Promise<{ status: string; messageid: string }>),
    );
    resender.disconnect();
    expect(resent.every((ack) => ack.status === 'sent')).toBe(true);
    for (const [uniqueid, messageid] of acked) expect(resent[uniqueIds.indexOf(uniqueid)].messageid).toBe(messageid);
    // Each stored once: the conversation counts 200 (recounted from the stored messages where a killed writer left its count half-done).
    await eventually(async () => {
      const list = (await (await fetch(`${again.url}/Chat/Conversations/List`, { headers: auth })).json()) as { data: { conversationId: string; messagesCount: number }[] };
      expect(list.data.find((c) => c.conversationId === history.data.id)?.messagesCount).toBe(uniqueIds.length);
    });
  });

  it('keeps every receipt acknowledged from batches in flight across kill -9, and tells the sender each one once', async () => {
    const dataDir = testTempDir('receipts');
    const first = await embeddedServer(dataDir);
    await first.start();
    const { sender, receiver } = await linkedPair(first, 'Receipt', ['+6598760004', '+6598760005']);
    const uniqueIds = Array.from({ length: 120 }, (_, i) => `receipt-${i}`);
    const senderSocket = await connectTo(first.url, sender);
    const cursorBefore = ((await senderSocket.emitWithAck('sync', {})) as { cursor: string }).cursor;
    for (const uniqueid of uniqueIds) await senderSocket.emitWithAck('im', { from: sender, to: receiver, uniqueid, msg: `text ${uniqueid}` });
    senderSocket.disconnect();

    // 120 delivered receipts at once, so that they are written in batches; both processes die by
    // kill -9 at the 30th acknowledgement, with later batches on their way.
    const acked = new Set<string>();
    const receiverSocket = await connectTo(first.url, receiver);
    await new Promise<void>((killed) => {
      for (const uniqueid of uniqueIds) {
        receiverSocket.emit('messageStatusUpdate', { status: 'delivered', uniqueid, sender }, (ack: { status: string; deliveryStatus?: string }) => {
          if (ack.status !== 'statusUpdated' || acked.size >= 30) return;
          expect(ack.deliveryStatus).toBe('delivered');
          acked.add(uniqueid);
          if (acked.size === 30) void killBoth(first, dataDir).then(() => killed());
        });
      }
    });
    receiverSocket.disconnect();

    const again = await embeddedServer(dataDir);
    await again.start();
    const history = (await (await fetch(`${again.url}/Chat/Conversation?withUserId=${receiver}`, { headers: { Authorization: `Bearer ${sign(sender)}` } })).json()) as {
      data: { messages: { uniqueid: string; deliveryStatus: string }[] };
    };
    const stored = new Map(history.data.messages.map((m) => [m.uniqueid, m.deliveryStatus]));
    for (const uniqueid of acked) expect(stored.get(uniqueid)).toBe('delivered');

    // Every receipt again: each answered with the stored status; then the sender's sync carries
    // one delivered per message, whichever attempt wrote it.
    const resender = await connectTo(again.url, receiver);
    const resent = await Promise.all(uniqueIds.map((uniqueid) => resender.emitWithAck('messageStatusUpdate', { status: 'delivered', uniqueid, sender }) as Promise<{ deliveryStatus: string }>));
    resender.disconnect();
    expect(resent.map((ack) => ack.deliveryStatus)).toEqual(uniqueIds.map(() => 'delivered'));
    const device = await connectTo(again.url, sender);
    const updates: { uniqueid: string; status: string }[] = [];
    let cursor = cursorBefore;
    for (;;) {
      const page = (await device.emitWithAck('sync', { cursor })) as { cursor: string; hasMore: boolean; statusUpdates: { uniqueid: string; status: string }[] };
      updates.push(...page.statusUpdates);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    device.disconnect();
    expect(updates.map((u) => u.uniqueid).sort()).toEqual([...uniqueIds].sort());
    expect(updates.every((u) => u.status === 'delivered')).toBe(true);
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
