// Scenario 6, measured against a peer: the message loop of scenario 1 through us, through the bare
// socket.io relay (the ceiling) and through Dendrite, a Matrix homeserver (on SQLite, and on the
// machine's PostgreSQL when one answers), in one run, with the same pairs, ladder and rules; then
// idle clients: sockets against us, /sync long-polls against Dendrite. Not in the default suite
// (it builds Dendrite): `scripts/run bench peer`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DENDRITE_VERSION, ensureDendrite, startDendrite, type DendriteDatabase } from '../peer/dendrite.mts';
import { register, seedMatrixPairs } from '../peer/matrix-client.mts';
import { seedPairs } from '../seed.mts';
import { startServer } from '../support.mts';
import { IDLE_COUNT, idleBareRelay, idleChatBackend, idleRun, seedIdleUsers, type RunFigures } from './connections.mts';
import { databasePids, databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';
import { KEEPS_UP_P99_MS, ladder, ladderTable, LoopLoad, type StepFigures } from './message-loop.mts';

const PAIRS = Number(process.env.PEER_PAIRS ?? 200);
const GENERATORS = 2;
const RATES = (process.env.PEER_RATES ?? '5,10,25,50,75,100,150,200,300,400,800,1600').split(',').map(Number);
const POSTGRES = process.env.PEER_POSTGRES_URI ?? 'postgres://postgres@127.0.0.1:5432';

type Ladder = Awaited<ReturnType<typeof ladder>> & { failure?: string };

/** A peer that could not be measured (it stopped answering, say) is reported as such, not lost with the run. */
async function orFailure(label: string, measure: () => Promise<Ladder>): Promise<Ladder> {
  try {
    return await measure();
  } catch (err) {
    const failure = (err as Error).message.split('\n')[0];
    console.log(`  ${label}: failed: ${failure}`);
    return { label, sustainableRates: [], sustainable: 0, medianRun: [], messages: 0, lost: 0, duplicated: 0, failure };
  }
}

/**
 * A fresh PostgreSQL database for Dendrite, or why there is none. Its commits do not wait for the
 * disk (`synchronous_commit = off`): the durability our embedded database runs with (a process
 * crash loses nothing, a power loss may lose the last moment), so the two are compared like for like.
 */
function postgresDatabase(): DendriteDatabase | string {
  const name = `dendrite_bench_${Date.now()}`;
  const psql = (sql: string) => spawnSync('psql', [POSTGRES, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { encoding: 'utf8' });
  const made = psql(`CREATE DATABASE ${name}`);
  if (made.error || made.status !== 0) return `no PostgreSQL answered at ${POSTGRES} (${(made.error?.message ?? made.stderr).trim()})`;
  const tuned = psql(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  if (tuned.status !== 0) throw new Error(`could not set synchronous_commit on ${name}: ${tuned.stderr}`);
  return { kind: 'postgres', uri: `${POSTGRES}/${name}?sslmode=disable` };
}

async function dendriteLadder(database: DendriteDatabase, runs: number): Promise<Ladder> {
  const dendrite = await startDendrite(mkdtempSync(join(tmpdir(), 'dendrite-loop-')), database);
  try {
    console.log(`${dendrite.label}: registering ${PAIRS * 2} users and ${PAIRS} direct rooms`);
    const pairs = await seedMatrixPairs(dendrite.url, PAIRS, 'loop');
    const load = await LoopLoad.connect(dendrite.url, 'matrix', pairs, GENERATORS);
    return await ladder(dendrite.label, load, runs, { server: dendrite.process.pid! }, undefined, RATES);
  } finally {
    await dendrite.stop();
  }
}

async function dendriteIdle(database: DendriteDatabase, label: string): Promise<RunFigures> {
  return idleRun(label, async () => {
    const dendrite = await startDendrite(mkdtempSync(join(tmpdir(), 'dendrite-idle-')), database);
    console.log(`${dendrite.label}: registering ${IDLE_COUNT} idle users`);
    const users: string[] = [];
    for (let i = 0; i < IDLE_COUNT; i += 50) {
      const made = await Promise.all(Array.from({ length: Math.min(50, IDLE_COUNT - i) }, (_, j) => register(dendrite.url, `idle${i + j}`)));
      users.push(...made.map((u) => u.accessToken));
    }
    return { pid: dendrite.process.pid!, url: dendrite.url, stop: dendrite.stop, users };
  }, 'matrix');
}

/** The step at `rate` of a ladder's median run, if it got there. */
const at = (l: Ladder, rate: number): StepFigures | undefined => l.medianRun.find((s) => s.rate === rate);
const ratio = (a: number, b: number) => (b ? Number((a / b).toFixed(2)) : undefined);

export async function peer(context: ScenarioContext): Promise<Section> {
  const { runs } = context;
  ensureDendrite();
  const uri = databaseUri(context, 'peer');
  const server = await startServer(uri, { SOCKET_EVENTS_PER_SECOND: '1000000' });
  let ours: Ladder;
  try {
    const load = await LoopLoad.connect(server.url, 'chat', await seedPairs(uri, PAIRS), GENERATORS);
    ours = await ladder('chat backend', load, runs, { server: server.process.pid!, ...databasePids(context) }, uri, RATES);
  } finally {
    await server.stop();
  }
  const relay = await startServer('', {}, { script: 'bench/bare-relay.mts' });
  let bare: Ladder;
  try {
    const pairs = Array.from({ length: PAIRS }, (_, i) => ({ from: `s${i}`, to: `r${i}` }));
    bare = await ladder('bare socket.io relay', await LoopLoad.connect(relay.url, 'bare', pairs, GENERATORS), runs, { server: relay.process.pid! }, undefined, RATES);
  } finally {
    await relay.stop();
  }
  const peers: { database: DendriteDatabase; label: string; loop: Ladder }[] = [];
  const sqlite: DendriteDatabase = { kind: 'sqlite' };
  const sqliteLabel = `Dendrite ${DENDRITE_VERSION} (SQLite)`;
  peers.push({ database: sqlite, label: sqliteLabel, loop: await orFailure(sqliteLabel, () => dendriteLadder(sqlite, runs)) });
  const postgres = postgresDatabase();
  if (typeof postgres === 'string') console.log(`  Dendrite on PostgreSQL skipped: ${postgres}`);
  else {
    const label = `Dendrite ${DENDRITE_VERSION} (PostgreSQL)`;
    peers.push({ database: postgres, label, loop: await orFailure(label, () => dendriteLadder(postgres, runs)) });
  }

  // Idle clients, one run each (each run is minutes of ramp and registration).
  const oursIdle = await idleChatBackend(uri, await seedIdleUsers(uri));
  const bareIdle = await idleBareRelay();
  // On SQLite: on this machine's PostgreSQL, Dendrite stalled with 400 /sync long-polls open (docs/benchmarks/README.md).
  const peerIdle = await dendriteIdle(sqlite, sqliteLabel);

  // A rate every one of them sustained, for latencies side by side.
  const common = Math.min(ours.sustainable, ...peers.filter((p) => p.loop.sustainable > 0).map((p) => p.loop.sustainable));
  const mainPeer = peers[0];
  const latency = (l: Ladder) => {
    const s = at(l, common);
    return s ? `${s.ackP50} / ${s.ackP99} | ${s.roundTripP50} / ${s.roundTripP99}` : 'n/a | n/a';
  };
  const row = (label: string, l: Ladder) =>
    l.failure ? `| ${label} | failed: ${l.failure.replaceAll('|', '/')} | | | | | |` : `| ${label} | **${fmt(l.sustainable)}** (${l.sustainableRates.join(', ')}) | ${latency(l)} | ${l.lost} / ${l.duplicated} of ${fmt(l.messages)} | ` +
    `${ratio(l.sustainable, mainPeer.loop.sustainable) ?? 'n/a'} | ${ratio(l.sustainable, bare.sustainable) ?? 'n/a'} |`;
  const idleRow = (label: string, r: RunFigures) =>
    `| ${label} | **${r.kibPerConnection}** | ${r.idleCpuPercent} | ${r.handshakeP50} / ${r.handshakeP99} | ${r.connected} (${r.failed} failed) | ` +
    `${ratio(r.kibPerConnection, peerIdle.kibPerConnection) ?? 'n/a'} | ${ratio(r.kibPerConnection, bareIdle.kibPerConnection) ?? 'n/a'} | ${r.void.length ? `**void**: ${r.void.join('; ')}` : 'valid'} |`;
  const markdown =
    `The message loop of scenario 1 through three servers in one run: ${fmt(PAIRS)} sender/recipient pairs each, ${GENERATORS} load-generator processes, ` +
    `the same open-loop ladder (${RATES.join(', ')} loops/s, 5 s a step, 10 s to drain), the same keeps-up rule (nothing late, no error, round-trip p99 within ${KEEPS_UP_P99_MS} ms) ` +
    `and the same void rule (a load generator above 90% of a core). Through Dendrite ${DENDRITE_VERSION} over the Matrix client-server API, one direct room per pair: ` +
    `ack = the sender's \`PUT /rooms/{room}/send/m.room.message/{txnId}\` answered; round trip = until the sender's \`/sync\` long-poll sees the recipient's ` +
    `\`m.read\` receipt, which the recipient posts when its own \`/sync\` delivers the message (Matrix has no delivery receipt). Through us: \`im\` to its \`sent\` ack, and to ` +
    `the sender's \`delivered\` receipt. Latencies at ${fmt(common)} loops/s, the highest rate all of them sustained; median of ${runs} ladders. ` +
    `Dendrite's configuration: docs/benchmarks/README.md ("Peer").` +
    `${typeof postgres === 'string' ? ` Dendrite on PostgreSQL: skipped, ${postgres}.` : ' On PostgreSQL, the database\'s own CPU is not in the table (a process per connection).'}\n\n` +
    `| server | maximum sustainable loops/s (ladders) | ack p50 / p99 ms | round trip p50 / p99 ms | lost / duplicated | ratio to ${mainPeer.label} | ratio to the bare relay |\n` +
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
    `${row('chat backend (embedded FerretDB)', ours)}\n${peers.map((p) => row(p.label, p.loop)).join('\n')}\n${row('bare socket.io relay (ceiling)', bare)}\n\n` +
    `Idle clients, ${fmt(IDLE_COUNT)} each, opened at 200/s by one load-generator process, then idle for 20 s: sockets against us and the relay, ` +
    `Matrix clients in a \`/sync\` long-poll loop (30 s timeout, the filter of the loop) against ${sqliteLabel}; memory is the server's RSS growth per client, ` +
    `the handshake is the socket's connect or the first \`/sync\` answered. One run each.\n\n` +
    `| server | KiB RSS per idle client | idle CPU % of a core | handshake p50 / p99 ms | clients | ratio to Dendrite | ratio to the bare relay | run |\n` +
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n` +
    `${idleRow('chat backend', oursIdle)}\n${idleRow(sqliteLabel, peerIdle)}\n${idleRow('bare socket.io relay', bareIdle)}\n\n` +
    `Chat backend, the median ladder:\n\n${ladderTable(ours.medianRun)}\n\n` +
    peers.filter((p) => !p.loop.failure).map((p) => `${p.label}, the median ladder:\n\n${ladderTable(p.loop.medianRun)}\n\n`).join('') +
    `Bare relay, the median ladder:\n\n${ladderTable(bare.medianRun)}\n`;
  return {
    title: '6. Measured against a peer (Dendrite)',
    date: new Date().toISOString(),
    markdown,
    figures: { pairs: PAIRS, rates: RATES, commonRate: common, ours, bare, peers: peers.map((p) => ({ ...p.loop, label: p.label, database: p.database.kind })), idle: { ours: oursIdle, bare: bareIdle, peer: peerIdle } },
  };
}
