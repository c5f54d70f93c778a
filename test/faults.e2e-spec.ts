import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setInterval } from 'node:timers/promises';
import { FerretDbServer } from '@app/embedded-db';
import { eventually } from '@app/testing';
import { AppClient, check, connectTo, newRecord, ServerProcess, startDatabase, Store, Verdict } from './support/fault-harness';

/**
 * Fault injection (issue 8): socket clients send and acknowledge messages through the built server
 * while it is killed with SIGKILL, its database is stopped, every client reconnects at once, and
 * one message is sent to two server processes at the same moment. Afterwards every acknowledged
 * message must be stored once and received once, and no status may have moved backwards.
 *
 * Short in the test command (FAULT_OPERATIONS=300); in full: scripts/run faults (figures written
 * to docs/faults.md).
 */

const OPERATIONS = Number(process.env.FAULT_OPERATIONS ?? 300);
const PAIRS = Number(process.env.FAULT_PAIRS ?? 20);
/** Sends per second, open loop (the embedded database sustains about 75 message loops a second). */
const RATE = Number(process.env.FAULT_RATE ?? 40);
const REPORT = process.env.FAULT_REPORT === '1';
const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

interface Fault {
  fault: string;
  whatHappened: string;
  recoveryMs: number;
}

describe('Fault injection: nothing acknowledged is lost or doubled', () => {
  let database: { server: FerretDbServer; uri: string };
  let store: Store;
  let a: ServerProcess;
  let b: ServerProcess;
  const clients: AppClient[] = [];

  beforeAll(async () => {
    database = await startDatabase();
    store = await Store.connect(database.uri);
    const env = { MONGODB_URI: database.uri, REDIS_URL, REDIS_KEY_PREFIX: `faults-${randomBytes(4).toString('hex')}`, MONGODB_SERVER_SELECTION_TIMEOUT_MS: '1000' };
    [a, b] = await Promise.all([ServerProcess.create(env), ServerProcess.create(env)]);
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await database?.server.stop();
  });

  it(`keeps every acknowledged message through kill -9, a database outage, a reconnect storm and a send to two processes (${OPERATIONS} sends)`, async () => {
    const record = newRecord();
    const pairs = await store.pairs(PAIRS);
    const senders = pairs.map((p) => new AppClient(a.url, p.sender, record));
    const recipients = pairs.map((p) => new AppClient(a.url, p.recipient, record));
    clients.push(...senders, ...recipients);
    await Promise.all(clients.map((c) => c.connected()));

    const faults: Fault[] = [];
    // Recovered: a send made now is acknowledged (a round of fresh sends, so there is one to wait for).
    let burst = () => undefined as void;
    const acknowledgedSince = (t: number) => {
      burst();
      return eventually(async () => expect(clients.some((c) => c.lastAckAt > t)).toBe(true), { timeoutMs: 240_000 });
    };

    const injections: [number, () => Promise<void>][] = [
      [
        0.2,
        async () => {
          // A burst of sends, and the kill at once: some are stored and not yet emitted or
          // acknowledged when the process dies.
          burst();
          await a.kill();
          const t = Date.now();
          await a.start();
          await acknowledgedSince(t);
          faults.push({ fault: 'kill -9 of the server with sends in flight, then restart', whatHappened: 'clients reconnected, resent what was unacknowledged (same uniqueid) and synced', recoveryMs: Date.now() - t });
        },
      ],
      [
        0.4,
        async () => {
          await database.server.stop();
          const down = Date.now();
          const health = await fetch(`${a.url}/health`);
          const probe = await connectTo(a.url, pairs[0].sender);
          const ack = await probe.timeout(10_000).emitWithAck('im', { to: pairs[0].recipient, from: pairs[0].sender, msg: 'while down', uniqueid: randomUUID() });
          probe.close();
          expect(health.status).toBe(503);
          expect(ack).toMatchObject({ status: 'error', error: { code: 'DATABASE_UNAVAILABLE' } });
          await database.server.start();
          const t = Date.now();
          for (const c of clients) void c.catchUp();
          await acknowledgedSince(t);
          faults.push({
            fault: `database stopped for ${t - down} ms mid-traffic, then started`,
            whatHappened: `/health ${health.status}; im answered ${ack.error.code}; clients kept their messages and resent them`,
            recoveryMs: Date.now() - t,
          });
        },
      ],
      [
        0.6,
        async () => {
          const t = Date.now();
          for (const c of clients) c.socket.disconnect();
          for (const c of clients) c.socket.connect();
          await Promise.all(clients.map((c) => c.connected()));
          await acknowledgedSince(t);
          faults.push({ fault: `reconnect storm: all ${clients.length} clients at once`, whatHappened: 'every client reconnected, resent and synced', recoveryMs: Date.now() - t });
        },
      ],
      [
        0.8,
        async () => {
          const t = Date.now();
          const sent = await Promise.all(
            pairs.slice(0, 5).map(async (p) => {
              const stanza = { to: p.recipient, from: p.sender, msg: 'to two processes', uniqueid: randomUUID() };
              const sockets = await Promise.all([a, b].map((s) => connectTo(s.url, p.sender)));
              const acks = await Promise.all(sockets.map((s) => s.timeout(10_000).emitWithAck('im', stanza)));
              sockets.forEach((s) => s.close());
              return { stanza, acks };
            }),
          );
          for (const { stanza, acks } of sent) {
            expect(acks.map((ack) => ack.status)).toEqual(['sent', 'sent']);
            expect(acks[0].messageid).toBe(acks[1].messageid);
            record.acked.set(stanza.uniqueid, acks[0].messageid);
          }
          faults.push({
            fault: 'the same uniqueid sent to two server processes at the same moment (5 senders)',
            whatHappened: 'both processes acknowledged the same messageid; one message stored',
            recoveryMs: Date.now() - t,
          });
        },
      ],
    ];

    let sent = 0;
    const sendNext = () => {
      const pair = sent % PAIRS;
      senders[pair].send(pairs[pair].recipient, `message ${sent++}`);
    };
    burst = () => {
      for (let k = 0; k < PAIRS && sent < OPERATIONS; k++) sendNext();
    };
    let startedAt = Date.now();
    let sentBefore = 0;
    // The traffic's clock: a tick per send at RATE (open loop; faults pause it).
    const clock = setInterval(1000 / RATE);
    while (sent < OPERATIONS) {
      const due = injections.find(([at]) => sent >= Math.floor(at * OPERATIONS));
      if (due) {
        injections.splice(injections.indexOf(due), 1);
        await due[1]();
        [startedAt, sentBefore] = [Date.now(), sent];
        continue;
      }
      // Open loop at RATE: the sends due by now, then wait for the next one's time.
      const dueBy = sentBefore + Math.floor(((Date.now() - startedAt) * RATE) / 1000);
      while (sent < Math.min(dueBy, OPERATIONS)) sendNext();
      await clock.next();
    }
    await clock.return?.();

    // Drain: apps keep resending and syncing until all they sent is acknowledged and all sent to them is in.
    let verdict: Verdict | undefined;
    await eventually(
      async () => {
        await Promise.all(clients.map((c) => c.catchUp()));
        expect(clients.reduce((n, c) => n + c.unacknowledged, 0)).toBe(0);
        verdict = await check(record, store);
        const { lost, notStored, notReceived, lostExamples } = verdict;
        expect({ lost, notStored, notReceived, lostExamples }).toEqual({ lost: 0, notStored: 0, notReceived: 0, lostExamples: [] });
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    verdict = await check(record, store);
    expect(verdict).toMatchObject({ lost: 0, duplicated: 0, backwardStatusMoves: 0 });
    expect(verdict.acknowledged).toBe(OPERATIONS + 5);
    expect(injections).toEqual([]);
    expect(faults).toHaveLength(4);
    expect(verdict.statusReports).toBeGreaterThan(0);

    if (REPORT) writeReport(verdict, faults, Object.fromEntries(record.errorAcks));
  }, 600_000);
});

function writeReport(verdict: Verdict, faults: Fault[], errorAcks: Record<string, number>): void {
  const rows = faults.map((f) => `| ${f.fault} | ${f.whatHappened} | ${f.recoveryMs.toLocaleString('en')} |`).join('\n');
  const markdown =
    `# Fault-injection results\n\n` +
    `- Command: \`scripts/run faults\` (the test command runs the same test with 300 sends)\n- Date: ${new Date().toISOString()}\n` +
    `- Setup: the built server as two processes (A for the clients, B for the two-process fault) on one FerretDB and the local Redis; ` +
    `${PAIRS} sender/recipient pairs of socket clients that resend unacknowledged messages and sync after every reconnect; ` +
    `${RATE} sends a second, open loop, with a burst of ${PAIRS} sends right before the kill.\n\n` +
    `| | |\n| --- | ---: |\n| sends acknowledged (recorded) | ${verdict.acknowledged.toLocaleString('en')} |\n| status reports acknowledged | ${verdict.statusReports.toLocaleString('en')} |\n` +
    `| faults injected | ${faults.length} |\n| **lost** (acknowledged, then not stored or never received) | **${verdict.lost}** |\n` +
    `| **duplicated** (one uniqueid stored or received as two messages) | **${verdict.duplicated}** |\n| **backward status moves** | **${verdict.backwardStatusMoves}** |\n` +
    `| error acks seen by clients (retried) | ${JSON.stringify(errorAcks)} |\n\n` +
    `| fault | what happened | recovery, ms (fault over → next acknowledged send) |\n| --- | --- | ---: |\n${rows}\n\n` +
    `Pass criterion for every row: lost 0, duplicated 0, backward status moves 0 once clients have resent and synced.\n`;
  writeFileSync(join(__dirname, '../docs/faults.md'), markdown);
}
