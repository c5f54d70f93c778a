// The message status flow over loopback: N sender/recipient pairs, each message going the full way
// (im -> sent ack -> recipient im -> delivered -> sender's messageStatusUpdate), closed loop per
// pair. In the same run, a bare socket.io relay (no auth, no database) doing the same five packets
// is the ceiling. Writes docs/benchmarks/socket-flow.{md,json}.
//   scripts/run bench socket-flow      (PAIRS=50 DURATION_S=10 RUNS=3 by default)
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { machine, median, ROOT, startDatabase, startServer, token } from './support.mts';

const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');
const { MongoClient, ObjectId } = require('mongodb');
const { pairId } = require(join(ROOT, 'dist/libs/dal/src/shared/ids.js'));
const { freeLoopbackPort } = require(join(ROOT, 'dist/libs/embedded-db/src/index.js'));

const PAIRS = Number(process.env.PAIRS ?? 50);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const RUNS = Number(process.env.RUNS ?? 3);

interface Sample {
  ack: number;
  im: number;
  receipt: number;
}

interface RunFigures {
  messagesPerSecond: number;
  ackP50: number;
  ackP99: number;
  imP50: number;
  imP99: number;
  receiptP50: number;
  receiptP99: number;
  lost: number;
  duplicated: number;
}

/** Across runs: a uniqueid used again would (rightly) be answered as a resend of the original. */
let sequence = 0;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2)) : 0;
};

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

function connect(url: string, options: object): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Runs the closed loop on every pair for DURATION_S and measures each message's three times. */
async function loop(pairs: { sender: Socket; recipient: Socket; from: string; to: string }[]): Promise<RunFigures> {
  const samples: Sample[] = [];
  let lost = 0;
  let duplicated = 0;
  const deadline = Date.now() + DURATION_S * 1000;
  await Promise.all(
    pairs.map(async ({ sender, recipient, from, to }) => {
      const seenIm = new Set<string>();
      while (Date.now() < deadline) {
        const uniqueid = `bench-${process.pid}-${sequence++}`;
        const start = performance.now();
        let imAt = 0;
        const gotIm = new Promise<void>((resolve) => {
          const onIm = (stanza: Record<string, string>) => {
            if (stanza.uniqueid !== uniqueid) return;
            if (seenIm.has(uniqueid)) duplicated++;
            seenIm.add(uniqueid);
            imAt = performance.now();
            recipient.off('im', onIm);
            recipient.emit('messageStatusUpdate', { status: 'delivered', uniqueid, sender: from });
            resolve();
          };
          recipient.on('im', onIm);
        });
        const gotReceipt = new Promise<number>((resolve) => {
          const onReceipt = (update: Record<string, string>) => {
            if (update.uniqueid !== uniqueid) return;
            sender.off('messageStatusUpdate', onReceipt);
            resolve(performance.now());
          };
          sender.on('messageStatusUpdate', onReceipt);
        });
        try {
          const ack = await sender.timeout(10_000).emitWithAck('im', { to, from, msg: 'benchmark message', uniqueid });
          if (ack.status !== 'sent') throw new Error(JSON.stringify(ack));
          const ackAt = performance.now();
          const receiptAt = await Promise.race([
            Promise.all([gotIm, gotReceipt]).then(([, at]) => at),
            new Promise<number>((_, reject) => setTimeout(() => reject(new Error('lost')), 10_000)),
          ]);
          samples.push({ ack: ackAt - start, im: imAt - start, receipt: receiptAt - start });
        } catch (err) {
          if (lost++ === 0) console.error(`first failure: ${(err as Error).message}`);
        }
      }
    }),
  );
  return {
    messagesPerSecond: Number((samples.length / DURATION_S).toFixed(1)),
    ackP50: percentile(samples.map((s) => s.ack), 50),
    ackP99: percentile(samples.map((s) => s.ack), 99),
    imP50: percentile(samples.map((s) => s.im), 50),
    imP99: percentile(samples.map((s) => s.im), 99),
    receiptP50: percentile(samples.map((s) => s.receipt), 50),
    receiptP99: percentile(samples.map((s) => s.receipt), 99),
    lost,
    duplicated,
  };
}

async function seedPairs(uri: string) {
  const client = await MongoClient.connect(uri);
  const db = client.db();
  const now = new Date();
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({ sender: new ObjectId(), recipient: new ObjectId(), i }));
  await db.collection('users').insertMany(
    pairs.flatMap(({ sender, recipient, i }) => [
      { _id: sender, accountId: crypto.randomUUID(), name: `Sender ${i}`, phone: `+1888${String(2 * i).padStart(7, '0')}`, avatar: null, createdAt: now, updatedAt: now },
      { _id: recipient, accountId: crypto.randomUUID(), name: `Recipient ${i}`, phone: `+1888${String(2 * i + 1).padStart(7, '0')}`, avatar: null, createdAt: now, updatedAt: now },
    ]),
  );
  const docs = pairs.map(({ sender, recipient }) => {
    const sorted = [sender, recipient].sort((a, b) => a.toHexString().localeCompare(b.toHexString()));
    return { _id: new ObjectId(pairId(sender.toHexString(), recipient.toHexString()).toHexString()), pairKey: sorted.map(String).join(':'), userIds: sorted };
  });
  await db.collection('network_links').insertMany(docs.map((d) => ({ ...d, createdAt: now })));
  await client.close();
  return pairs.map(({ sender, recipient }) => ({ from: sender.toHexString(), to: recipient.toHexString() }));
}

async function measure(label: string, connectAs: (userId: string) => Promise<Socket>, ids: { from: string; to: string }[], pid: number) {
  const pairs = [];
  for (const { from, to } of ids) pairs.push({ sender: await connectAs(from), recipient: await connectAs(to), from, to });
  const runs: RunFigures[] = [];
  let rssPeak = rssMiB(pid);
  await loop(pairs); // warm-up, not recorded
  for (let r = 0; r < RUNS; r++) {
    runs.push(await loop(pairs));
    rssPeak = Math.max(rssPeak, rssMiB(pid));
  }
  for (const { sender, recipient } of pairs) {
    sender.close();
    recipient.close();
  }
  const med = (key: keyof RunFigures) => median(runs.map((r) => r[key]));
  const figures = {
    messagesPerSecond: med('messagesPerSecond'),
    ackP50: med('ackP50'), ackP99: med('ackP99'), imP50: med('imP50'), imP99: med('imP99'), receiptP50: med('receiptP50'), receiptP99: med('receiptP99'),
    lost: runs.reduce((n, r) => n + r.lost, 0),
    duplicated: runs.reduce((n, r) => n + r.duplicated, 0),
    serverRssMiB: rssPeak,
  };
  console.log(`${label}: ${JSON.stringify(figures)}`);
  return { label, runs, median: figures };
}

async function main() {
  const database = await startDatabase();
  const results: Awaited<ReturnType<typeof measure>>[] = [];
  try {
    const uri = `${database.baseUri}/bench_socket_${Date.now()}`;
    const server = await startServer(uri, { SOCKET_EVENTS_PER_SECOND: '100000' });
    try {
      const ids = await seedPairs(uri);
      results.push(await measure('chat backend', (userId) => connect(server.url, { auth: { token: token(userId) } }), ids, server.process.pid!));
    } finally {
      await server.stop();
    }

    const port = await freeLoopbackPort();
    const relay = spawn(process.execPath, [join(ROOT, 'bench/bare-relay.mts'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => relay.stdout.once('data', resolve));
    try {
      const ids = Array.from({ length: PAIRS }, (_, i) => ({ from: `s${i}`, to: `r${i}` }));
      results.push(await measure('bare socket.io relay', (user) => connect(`http://127.0.0.1:${port}`, { query: { user } }), ids, relay.pid!));
    } finally {
      relay.kill();
    }
  } finally {
    await database.stop();
  }

  const [ours, ceiling] = results;
  const ratio = Number((ours.median.messagesPerSecond / ceiling.median.messagesPerSecond).toFixed(3));
  const report = {
    benchmark: 'socket-flow',
    date: new Date().toISOString(),
    command: 'scripts/run bench socket-flow',
    machine: machine(),
    database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB 1.24.2 (SQLite)',
    settings: { pairs: PAIRS, durationSeconds: DURATION_S, runs: RUNS, loop: 'closed loop per pair: im, sent ack, recipient im, delivered, sender receipt' },
    results,
    ratioToCeiling: ratio,
  };
  writeFileSync(join(ROOT, 'docs/benchmarks/socket-flow.json'), `${JSON.stringify(report, null, 2)}\n`);
  const row = (r: (typeof results)[number]) =>
    `| ${r.label} | ${r.median.messagesPerSecond} | ${r.median.ackP50} / ${r.median.ackP99} | ${r.median.imP50} / ${r.median.imP99} | ${r.median.receiptP50} / ${r.median.receiptP99} | ${r.median.serverRssMiB} | ${r.median.lost} | ${r.median.duplicated} |`;
  writeFileSync(
    join(ROOT, 'docs/benchmarks/socket-flow.md'),
    `# Socket message-flow benchmark\n\n` +
      `${PAIRS} sender/recipient pairs over loopback, each message the full way (im, sent ack, recipient im, delivered, ` +
      `sender's messageStatusUpdate), a closed loop per pair; median of ${RUNS} runs of ${DURATION_S} s after a warm-up run. ` +
      `The clients run in the bench process; the server is a separate process.\n\n` +
      `- Command: \`${report.command}\`\n- Date: ${report.date}\n- Machine: ${report.machine.cpu}, ${report.machine.cores} cores, ` +
      `${report.machine.memoryGiB} GiB, Node ${report.machine.node}\n- Database: ${report.database}\n\n` +
      `| server | full cycles/s | emit→sent ack p50 / p99 ms | emit→recipient im p50 / p99 ms | emit→receipt p50 / p99 ms | server RSS MiB (peak) | lost | duplicated |\n` +
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n${row(ours)}\n${row(ceiling)}\n\n` +
      `Our throughput is **${ratio}** of the bare relay's.\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
