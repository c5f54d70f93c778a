// Scenario 6, measured against peers: the message loop of scenario 1 through us, through the bare
// socket.io relay (the ceiling), through ejabberd, an XMPP server (Debian's, on SQLite), and
// through Dendrite, a Matrix homeserver (on SQLite, and on the machine's PostgreSQL when one
// answers), in one run, with the same pairs, ladder and rules; then idle clients: sockets against
// us, /sync long-polls against Dendrite. Not in the default suite (it installs ejabberd and builds
// Dendrite): `scripts/run bench peer`. PEER_SERVERS picks some of them for a shorter run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DENDRITE_VERSION, ensureDendrite, startDendrite, type DendriteDatabase } from '../peer/dendrite.mts';
import { registerXmppUsers, startEjabberd } from '../peer/ejabberd.mts';
import { register, seedMatrixPairs } from '../peer/matrix-client.mts';
import { seedPairs } from '../seed.mts';
import { startServer } from '../support.mts';
import { IDLE_COUNT, idleBareRelay, idleChatBackend, idleRun, seedIdleUsers, type RunFigures } from './connections.mts';
import { databasePids, databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';
import { KEEPS_UP_P99_MS, ladder, ladderTable, LoopLoad, STEP_SECONDS, type StepFigures } from './message-loop.mts';

const PAIRS = Number(process.env.PEER_PAIRS ?? 200);
const GENERATORS = 2;
const RATES = (process.env.PEER_RATES ?? '5,10,25,50,75,100,150,200,300,400,800,1600').split(',').map(Number);
const POSTGRES = process.env.PEER_POSTGRES_URI ?? 'postgres://postgres@127.0.0.1:5432';
/** Which of the peers (and the idle-client runs) to measure; all of them by default. */
const SERVERS = new Set((process.env.PEER_SERVERS ?? 'ejabberd,dendrite-sqlite,dendrite-postgres,idle').split(','));

/** What an acknowledged message survives on each server, as configured here (docs/benchmarks/README.md, "Peer"). */
const DURABILITY = {
  ours: 'SQLite WAL, `synchronous=NORMAL` (`EMBEDDED_DB_SYNCHRONOUS`): survives a crash of either process; a power loss may lose the last moment',
  ejabberd: "SQLite WAL, SQLite's default `synchronous=FULL`: each commit waits for the disk",
  dendriteSqlite: 'SQLite rollback journal, the driver\'s default sync on every commit',
  dendritePostgres: '`synchronous_commit = off`: as ours',
  bare: 'nothing stored',
};

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

/** The loop through ejabberd: PAIRS pairs of accounts over XMPP; the archive's rows are counted after. */
async function ejabberdLadder(runs: number): Promise<Ladder & { archived?: number }> {
  const ejabberd = await startEjabberd();
  try {
    console.log(`${ejabberd.label}: registering ${PAIRS * 2} users`);
    const pairs = Array.from({ length: PAIRS }, (_, i) => ({ from: { username: `loops${i}`, password: `pw-s${i}` }, to: { username: `loopr${i}`, password: `pw-r${i}` } }));
    await registerXmppUsers(ejabberd.httpUrl, pairs.flatMap((p) => [p.from, p.to]));
    const load = await LoopLoad.connect(ejabberd.service, 'xmpp', pairs, GENERATORS);
    const loop = await ladder(ejabberd.label, load, runs, { server: ejabberd.pid }, undefined, RATES);
    return { ...loop, label: ejabberd.label, archived: ejabberd.archivedRows() };
  } finally {
    await ejabberd.stop();
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

/** Server plus database CPU per loop at a step: each server-side process's share of a core, over the rate. */
function cpuMsPerLoop(step: StepFigures | undefined): number | undefined {
  if (!step) return undefined;
  const serverSide = Object.entries(step.cpu).filter(([name]) => !name.startsWith('generator'));
  return Number(((serverSide.reduce((sum, [, percent]) => sum + percent, 0) * 10) / step.rate).toFixed(1));
}

interface PeerRow {
  label: string;
  loop: Ladder & { archived?: number };
  durability: string;
}

export async function peer(context: ScenarioContext): Promise<Section> {
  const { runs } = context;
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
  const peers: PeerRow[] = [];
  if (SERVERS.has('ejabberd')) {
    peers.push({ label: 'ejabberd (SQLite)', loop: await orFailure('ejabberd', () => ejabberdLadder(runs)), durability: DURABILITY.ejabberd });
  }
  const sqlite: DendriteDatabase = { kind: 'sqlite' };
  const sqliteLabel = `Dendrite ${DENDRITE_VERSION} (SQLite)`;
  if (SERVERS.has('dendrite-sqlite') || SERVERS.has('dendrite-postgres') || SERVERS.has('idle')) ensureDendrite();
  if (SERVERS.has('dendrite-sqlite')) {
    peers.push({ label: sqliteLabel, loop: await orFailure(sqliteLabel, () => dendriteLadder(sqlite, runs)), durability: DURABILITY.dendriteSqlite });
  }
  const postgres = SERVERS.has('dendrite-postgres') ? postgresDatabase() : 'not asked for (PEER_SERVERS)';
  if (typeof postgres === 'string') console.log(`  Dendrite on PostgreSQL skipped: ${postgres}`);
  else {
    const label = `Dendrite ${DENDRITE_VERSION} (PostgreSQL)`;
    peers.push({ label, loop: await orFailure(label, () => dendriteLadder(postgres, runs)), durability: DURABILITY.dendritePostgres });
  }
  for (const p of peers) if (p.loop.label !== p.label && !p.loop.failure) p.label = p.loop.label;

  // Idle clients, one run each (each run is minutes of ramp and registration).
  // On SQLite: on this machine's PostgreSQL, Dendrite stalled with 400 /sync long-polls open (docs/benchmarks/README.md).
  const idle = SERVERS.has('idle')
    ? { ours: await idleChatBackend(uri, await seedIdleUsers(uri)), bare: await idleBareRelay(), peer: await dendriteIdle(sqlite, sqliteLabel) }
    : undefined;

  // A rate every one of them sustained, for latencies side by side.
  const common = Math.min(ours.sustainable, ...peers.filter((p) => p.loop.sustainable > 0).map((p) => p.loop.sustainable));
  const mainPeer = peers[0];
  const latency = (l: Ladder) => {
    const s = at(l, common);
    return s ? `${s.ackP50} / ${s.ackP99} | ${s.roundTripP50} / ${s.roundTripP99} | ${cpuMsPerLoop(s) ?? 'n/a'}` : 'n/a | n/a | n/a';
  };
  const row = (label: string, l: Ladder, durability: string) =>
    l.failure
      ? `| ${label} | failed: ${l.failure.replaceAll('|', '/')} | | | | | | | ${durability} |`
      : `| ${label} | **${fmt(l.sustainable)}** (${l.sustainableRates.join(', ')}) | ${latency(l)} | ${l.lost} / ${l.duplicated} of ${fmt(l.messages)} | ` +
        `${mainPeer ? (ratio(l.sustainable, mainPeer.loop.sustainable) ?? 'n/a') : 'n/a'} | ${ratio(l.sustainable, bare.sustainable) ?? 'n/a'} | ${durability} |`;
  const idleRow = (label: string, r: RunFigures, reference: RunFigures, bareIdle: RunFigures) =>
    `| ${label} | **${r.kibPerConnection}** | ${r.idleCpuPercent} | ${r.handshakeP50} / ${r.handshakeP99} | ${r.connected} (${r.failed} failed) | ` +
    `${ratio(r.kibPerConnection, reference.kibPerConnection) ?? 'n/a'} | ${ratio(r.kibPerConnection, bareIdle.kibPerConnection) ?? 'n/a'} | ${r.void.length ? `**void**: ${r.void.join('; ')}` : 'valid'} |`;
  const ejabberd = peers.find((p) => p.label.startsWith('ejabberd') && !p.loop.failure);
  const markdown =
    `The message loop of scenario 1 through ${peers.length + 2} servers in one run: ${fmt(PAIRS)} sender/recipient pairs each, ${GENERATORS} load-generator processes, ` +
    `the same open-loop ladder (${RATES.join(', ')} loops/s, ${STEP_SECONDS} s a step, 10 s to drain), the same keeps-up rule (nothing late, no error, round-trip p99 within ${KEEPS_UP_P99_MS} ms) ` +
    `and the same void rule (a load generator above 90% of a core). Through us: \`im\` to its \`sent\` ack, and to the sender's \`delivered\` receipt. ` +
    (ejabberd
      ? `Through ejabberd over XMPP (\`@xmpp/client\`): ack = the server's XEP-0198 \`<a/>\` for the sender's \`<message>\` (answered once the message is archived); ` +
        `round trip = until the sender receives the recipient's XEP-0184 \`<received/>\` receipt. Its archive held ${fmt(ejabberd.loop.archived ?? 0)} rows after the run ` +
        `(two per message: sender's and recipient's; receipts are not archived). `
      : '') +
    `Through Dendrite over the Matrix client-server API, one direct room per pair: ` +
    `ack = the sender's \`PUT /rooms/{room}/send/m.room.message/{txnId}\` answered; round trip = until the sender's \`/sync\` long-poll sees the recipient's ` +
    `\`m.read\` receipt, which the recipient posts when its own \`/sync\` delivers the message (Matrix has no delivery receipt). ` +
    `Latencies and CPU at ${fmt(common)} loops/s, the highest rate all of them sustained; CPU is the server's processes' (ours: the server and its embedded database), ` +
    `in ms per loop; median of ${runs} ladders. Configurations: docs/benchmarks/README.md ("Peer").` +
    `${typeof postgres === 'string' ? ` Dendrite on PostgreSQL: skipped, ${postgres}.` : " On PostgreSQL, the database's own CPU is not in the table (a process per connection)."}\n\n` +
    `| server | maximum sustainable loops/s (ladders) | ack p50 / p99 ms | round trip p50 / p99 ms | CPU ms per loop | lost / duplicated | ratio to ${mainPeer?.label ?? 'a peer'} | ratio to the bare relay | durability of an acked message |\n` +
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n` +
    `${row('chat backend (embedded FerretDB)', ours, DURABILITY.ours)}\n${peers.map((p) => row(p.label, p.loop, p.durability)).join('\n')}\n${row('bare socket.io relay (ceiling)', bare, DURABILITY.bare)}\n\n` +
    (idle
      ? `Idle clients, ${fmt(IDLE_COUNT)} each, opened at 200/s by one load-generator process, then idle for 20 s: sockets against us and the relay, ` +
        `Matrix clients in a \`/sync\` long-poll loop (30 s timeout, the filter of the loop) against ${sqliteLabel}; memory is the server's RSS growth per client, ` +
        `the handshake is the socket's connect or the first \`/sync\` answered. One run each.\n\n` +
        `| server | KiB RSS per idle client | idle CPU % of a core | handshake p50 / p99 ms | clients | ratio to Dendrite | ratio to the bare relay | run |\n` +
        `| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n` +
        `${idleRow('chat backend', idle.ours, idle.peer, idle.bare)}\n${idleRow(sqliteLabel, idle.peer, idle.peer, idle.bare)}\n${idleRow('bare socket.io relay', idle.bare, idle.peer, idle.bare)}\n\n`
      : 'Idle clients: not measured in this run (PEER_SERVERS).\n\n') +
    `Chat backend, the median ladder:\n\n${ladderTable(ours.medianRun)}\n\n` +
    peers.filter((p) => !p.loop.failure).map((p) => `${p.label}, the median ladder:\n\n${ladderTable(p.loop.medianRun)}\n\n`).join('') +
    `Bare relay, the median ladder:\n\n${ladderTable(bare.medianRun)}\n`;
  return {
    title: '6. Measured against peers (ejabberd, Dendrite)',
    date: new Date().toISOString(),
    markdown,
    figures: {
      pairs: PAIRS,
      rates: RATES,
      stepSeconds: STEP_SECONDS,
      commonRate: common,
      ours,
      bare,
      peers: peers.map((p) => ({ ...p.loop, label: p.label, durability: p.durability })),
      durability: DURABILITY,
      idle,
    },
  };
}
