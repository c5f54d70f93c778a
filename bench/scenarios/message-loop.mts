// Scenario 1, the message loop: sender/recipient pairs, open-loop rate stepped up, each message
// the full way (im, sent ack, recipient im, delivered, sender's messageStatusUpdate). The same
// ladder against a bare socket.io relay (the ceiling), and the database's own ceiling.
import { seedPairs } from '../seed.mts';
import { CpuWindow, databaseCommands, Generator, median, percentile, rssKiB, startServer, voidingGenerators } from '../support.mts';
import { databasePids, databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';

const PAIRS = Number(process.env.LOOP_PAIRS ?? 1000);
const GENERATORS = Number(process.env.LOOP_GENERATORS ?? 2);
export const STEP_SECONDS = Number(process.env.LOOP_STEP_S ?? 5);
const DRAIN_S = 10;
/** Round-trip p99 above this means the server no longer keeps up with the offered rate. */
export const KEEPS_UP_P99_MS = 1000;
const RATES = (process.env.LOOP_RATES ?? '10,25,50,75,100,150,200,300,400,800,1600,2500,4000,6000,8000,10000,12500,15000,17500,20000,25000').split(',').map(Number);

export interface StepFigures {
  rate: number;
  completedPerSecond: number;
  ackP50: number;
  ackP99: number;
  roundTripP50: number;
  roundTripP99: number;
  late: number;
  errors: number;
  cpu: Record<string, number>;
  /** Database commands per finished loop, by kind, and in all. */
  databaseCommandsPerLoop?: Record<string, number>;
  /**
   * The server's RSS in MiB when the step began, one minute in (steps longer than that: what a
   * warmed-up server holds, so that growth after warm-up shows as max and end above it), its
   * highest (sampled every 5 s) and when it ended.
   */
  serverRssMiB?: { start: number; afterOneMinute?: number; max: number; end: number };
  keepsUp: boolean;
  void: string[];
}

interface StepReply {
  started: number;
  completed: number;
  late: number;
  errors: number;
  firstError?: string;
  ack: number[];
  roundTrip: number[];
}

/** The database commands of a step per finished loop: find, update, insert, and all of them. */
function perLoop(before: Record<string, number>, after: Record<string, number>, loops: number): Record<string, number> {
  const per = (kind: string) => Number((((after[kind] ?? 0) - (before[kind] ?? 0)) / loops).toFixed(1));
  const all = Object.keys(after).reduce((n, kind) => n + (after[kind] - (before[kind] ?? 0)), 0);
  return { find: per('find'), update: per('update'), insert: per('insert'), all: Number((all / loops).toFixed(1)) };
}

/** A set of loop generators sharing the pairs (and the offered rate) between them. */
export class LoopLoad {
  readonly generators: Generator[];

  private constructor(generators: Generator[]) {
    this.generators = generators;
  }

  /**
   * `chat` and `bare`: socket.io pairs of user ids; `matrix`: a homeserver's pairs (bench/peer/matrix-client.mts);
   * `xmpp`: an XMPP server's pairs of accounts (bench/generators/xmpp-loop.mts).
   */
  static async connect(url: string, mode: 'chat' | 'bare' | 'matrix' | 'xmpp', pairs: object[], count: number): Promise<LoopLoad> {
    const generators = Array.from({ length: count }, () => new Generator(mode === 'matrix' ? 'matrix-loop' : mode === 'xmpp' ? 'xmpp-loop' : 'socket-loop'));
    const share = Math.ceil(pairs.length / count);
    await Promise.all(generators.map((g, i) => g.send({ cmd: 'connect', url, mode, pairs: pairs.slice(i * share, (i + 1) * share) })));
    return new LoopLoad(generators);
  }

  pids(): Record<string, number> {
    return Object.fromEntries(this.generators.map((g, i) => [`generator${i + 1}`, g.pid]));
  }

  /** One step at `rate` loops/s; `pids` are the server-side processes whose CPU is recorded. */
  async step(rate: number, seconds: number, pids: Record<string, number>, databaseUri?: string): Promise<StepFigures> {
    const commandsBefore = databaseUri ? await databaseCommands(databaseUri) : undefined;
    const cpu = new CpuWindow({ ...pids, ...this.pids() });
    const rss = (pids.server ? [rssKiB(pids.server)] : []) as number[];
    const sampler = setInterval(() => pids.server && rss.push(rssKiB(pids.server)), 5000);
    const replies = await Promise.all(
      this.generators.map((g) => g.send<StepReply>({ cmd: 'step', rate: rate / this.generators.length, seconds, drainSeconds: DRAIN_S })),
    ).finally(() => clearInterval(sampler));
    const usage = cpu.stop();
    if (pids.server) rss.push(rssKiB(pids.server));
    const mib = (kib: number) => Math.round(kib / 1024);
    const commandsAfter = databaseUri ? await databaseCommands(databaseUri) : undefined;
    const ack = replies.flatMap((r) => r.ack);
    const roundTrip = replies.flatMap((r) => r.roundTrip);
    const late = replies.reduce((n, r) => n + r.late, 0);
    const errors = replies.reduce((n, r) => n + r.errors, 0);
    if (errors) console.error(`  errors at ${rate}/s: ${replies.find((r) => r.firstError)?.firstError}`);
    const figures: StepFigures = {
      rate,
      completedPerSecond: Math.round(roundTrip.length / seconds),
      ackP50: percentile(ack, 50),
      ackP99: percentile(ack, 99),
      roundTripP50: percentile(roundTrip, 50),
      roundTripP99: percentile(roundTrip, 99),
      late,
      errors,
      cpu: usage,
      ...(commandsBefore && commandsAfter && roundTrip.length ? { databaseCommandsPerLoop: perLoop(commandsBefore, commandsAfter, roundTrip.length) } : {}),
      ...(rss.length ? { serverRssMiB: { start: mib(rss[0]), ...(seconds > 60 && rss.length > 12 ? { afterOneMinute: mib(rss[12]) } : {}), max: mib(Math.max(...rss)), end: mib(rss[rss.length - 1]) } } : {}),
      keepsUp: late === 0 && errors === 0 && percentile(roundTrip, 99) <= KEEPS_UP_P99_MS,
      void: voidingGenerators(usage),
    };
    console.log(`  ${rate}/s: ${JSON.stringify({ ...figures, cpu: undefined })} cpu ${JSON.stringify(usage)}`);
    return figures;
  }

  /** Waits for stragglers and closes; every message ever started, lost and duplicated ones. */
  async finish(): Promise<{ messages: number; lost: number; duplicated: number }> {
    const replies = await Promise.all(this.generators.map((g) => g.send<{ messages: number; lost: number; duplicated: number }>({ cmd: 'finish', seconds: 30 })));
    await Promise.all(this.generators.map((g) => g.close()));
    return {
      messages: replies.reduce((n, r) => n + r.messages, 0),
      lost: replies.reduce((n, r) => n + r.lost, 0),
      duplicated: replies.reduce((n, r) => n + r.duplicated, 0),
    };
  }
}

/** The highest rate that kept up and was not void (0 if none). */
export const sustainable = (steps: StepFigures[]) => Math.max(0, ...steps.filter((s) => s.keepsUp && s.void.length === 0).map((s) => s.rate));

/** `runs` ladders of `rates` (each up to its first step that does not keep up); the median ladder and the loop's totals. */
export async function ladder(label: string, load: LoopLoad, runs: number, pids: Record<string, number>, uri?: string, rates = RATES) {
  console.log(`${label}: warm-up`);
  await load.step(rates[0], 2, pids);
  const ladders: StepFigures[][] = [];
  for (let run = 1; run <= runs; run++) {
    console.log(`${label}: run ${run}`);
    const steps: StepFigures[] = [];
    for (const rate of rates) {
      const step = await load.step(rate, STEP_SECONDS, pids, uri);
      steps.push(step);
      if (!step.keepsUp) break;
    }
    ladders.push(steps);
  }
  const totals = await load.finish();
  const tops = ladders.map(sustainable);
  const medianRun = ladders[tops.indexOf([...tops].sort((a, b) => a - b)[Math.floor(tops.length / 2)])];
  return { label, sustainableRates: tops, sustainable: median(tops), medianRun, ...totals };
}

/** A ladder as a Markdown table, a row per step. */
export const ladderTable = (steps: StepFigures[]) =>
  `| offered loops/s | completed/s | ack p50 / p99 ms | round trip p50 / p99 ms | late | errors | CPU % of a core | DB commands per loop (find / update / insert) | server RSS MiB (start / after 1 min / max / end) | keeps up |\n` +
  `| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |\n` +
  steps
    .map(
      (s) =>
        `| ${fmt(s.rate)} | ${fmt(s.completedPerSecond)} | ${s.ackP50} / ${s.ackP99} | ${s.roundTripP50} / ${s.roundTripP99} | ${s.late} | ${s.errors} | ` +
        `${Object.entries(s.cpu).map(([k, v]) => `${k} ${v}`).join(', ')} | ${s.databaseCommandsPerLoop ? `${s.databaseCommandsPerLoop.all} (${s.databaseCommandsPerLoop.find} / ${s.databaseCommandsPerLoop.update} / ${s.databaseCommandsPerLoop.insert})` : ''} | ` +
        `${s.serverRssMiB ? `${s.serverRssMiB.start} / ${s.serverRssMiB.afterOneMinute ?? '-'} / ${s.serverRssMiB.max} / ${s.serverRssMiB.end}` : ''} | ` +
        `${s.void.length ? `**void** (${s.void.join(', ')})` : s.keepsUp ? 'yes' : 'no'} |`,
    )
    .join('\n');

export async function messageLoop(context: ScenarioContext): Promise<Section> {
  const { runs } = context;
  const uri = databaseUri(context, 'loop');
  const server = await startServer(uri, { SOCKET_EVENTS_PER_SECOND: '1000000' });
  let ours;
  try {
    const pairs = await seedPairs(uri, PAIRS);
    const load = await LoopLoad.connect(server.url, 'chat', pairs, GENERATORS);
    ours = await ladder('chat backend', load, runs, { server: server.process.pid!, ...databasePids(context) }, uri);
  } finally {
    await server.stop();
  }

  const relay = await startServer('', {}, { script: 'bench/bare-relay.mts' });
  let bare;
  try {
    const pairs = Array.from({ length: PAIRS }, (_, i) => ({ from: `s${i}`, to: `r${i}` }));
    const load = await LoopLoad.connect(relay.url, 'bare', pairs, GENERATORS);
    bare = await ladder('bare socket.io relay', load, runs, { server: relay.process.pid! });
  } finally {
    await relay.stop();
  }

  const ceiling = new Generator('db-ceiling');
  const ceilingRuns = [];
  try {
    for (let run = 0; run < runs; run++) {
      ceilingRuns.push(await ceiling.send<{ inserts: Rate; updates: Rate; reads: Rate }>({ cmd: 'run', uri: databaseUri(context, 'ceiling'), seconds: 5, connections: 4 }));
    }
  } finally {
    await ceiling.close();
  }
  const db = {
    insertsPerSecond: median(ceilingRuns.map((r) => r.inserts.perSecond)),
    updatesPerSecond: median(ceilingRuns.map((r) => r.updates.perSecond)),
    readsPerSecond: median(ceilingRuns.map((r) => r.reads.perSecond)),
    runs: ceilingRuns,
  };
  const ratio = bare.sustainable ? Number((ours.sustainable / bare.sustainable).toFixed(4)) : undefined;
  const ourTop = ours.medianRun.find((s) => s.rate === ours.sustainable);
  const commandsPerLoop = ourTop?.databaseCommandsPerLoop;
  // The database's time for one loop's own commands, each at its measured ceiling rate.
  const dbBoundLoops = commandsPerLoop
    ? Math.round(1 / (commandsPerLoop.find / db.readsPerSecond + commandsPerLoop.update / db.updatesPerSecond + commandsPerLoop.insert / db.insertsPerSecond))
    : undefined;
  const at2500 = ours.medianRun.find((s) => s.rate === 2500);

  const markdown =
    `${PAIRS.toLocaleString('en')} authenticated sender/recipient pairs over loopback, ${GENERATORS} load-generator processes sharing them. ` +
    `Each step offers a fixed rate of message loops for ${STEP_SECONDS} s (open loop: messages start on the clock), then allows ${DRAIN_S} s to finish; ` +
    `the ladder stops at the first step that does not keep up (a message not finished within the drain, an error, or round-trip p99 above ${KEEPS_UP_P99_MS} ms). ` +
    `Ack: \`im\` emitted to its \`sent\` ack. Round trip: \`im\` emitted to the sender's \`delivered\` receipt. ` +
    `Maximum sustainable rate: the highest step that kept up and was not void; median of ${runs} ladders.\n\n` +
    `| | chat backend | bare socket.io relay (ceiling) | database ceiling |\n| --- | ---: | ---: | ---: |\n` +
    `| maximum sustainable loops/s (median) | **${fmt(ours.sustainable)}** | ${fmt(bare.sustainable)} | ${dbBoundLoops !== undefined ? `~${fmt(dbBoundLoops)} (see below)` : 'n/a'} |\n` +
    `| per ladder | ${ours.sustainableRates.join(', ')} | ${bare.sustainableRates.join(', ')} | |\n` +
    `| lost / duplicated (all messages) | ${ours.lost} / ${ours.duplicated} of ${fmt(ours.messages)} | ${bare.lost} / ${bare.duplicated} of ${fmt(bare.messages)} | |\n\n` +
    `Our rate is **${ratio ?? 'n/a'}** of the bare relay's. ` +
    (at2500
      ? `At 2,500 loops/s: ack p99 ${at2500.ackP99} ms, round-trip p99 ${at2500.roundTripP99} ms.\n\n`
      : `The 2,500 loops/s step was not reached, so its ack and round-trip p99 have no figure.\n\n`) +
    `Database ceiling (the same driver, a collection with the messages collection's indexes, 4 connections like the server's pool, nothing else): ` +
    `${fmt(db.insertsPerSecond)} inserts/s, ${fmt(db.updatesPerSecond)} point updates by \`_id\`/s, ${fmt(db.readsPerSecond)} point reads by \`_id\`/s (medians). ` +
    (commandsPerLoop
      ? `One message loop costs ${commandsPerLoop.all} database commands (FerretDB's own counters over the top sustained step): ${commandsPerLoop.find} finds, ` +
        `${commandsPerLoop.update} updates and ${commandsPerLoop.insert} insert, all by \`_id\`. At the ceiling rates above, those alone take the database ` +
        `1/${fmt(dbBoundLoops!)} s, so it caps the loop near **${fmt(dbBoundLoops!)} loops/s**; we sustain ${fmt(ours.sustainable)}.\n\n`
      : '\n\n') +
    `Chat backend, the median ladder:\n\n${ladderTable(ours.medianRun)}\n\nBare relay, the median ladder:\n\n${ladderTable(bare.medianRun)}\n`;
  return {
    title: '1. Message loop',
    date: new Date().toISOString(),
    markdown,
    figures: { pairs: PAIRS, generators: GENERATORS, stepSeconds: STEP_SECONDS, ours, bare, ratioToBare: ratio, database: db, commandsPerLoop, dbBoundLoops },
  };
}

interface Rate {
  perSecond: number;
  p50: number;
  p99: number;
}
