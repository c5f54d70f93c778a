// Scenario 2, connections: idle authenticated sockets opened at a fixed rate; the server's RSS per
// connection, handshake p99, and the server's CPU while they sit idle. The bare socket.io relay
// (no auth) is the yardstick.
import { setTimeout as sleep } from 'node:timers/promises';
import { seedUsers, withDatabase } from '../seed.mts';
import { CpuWindow, Generator, median, percentile, rssKiB, startServer, voidingGenerators } from '../support.mts';
import { databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';

export const IDLE_COUNT = Number(process.env.CONNECTIONS_COUNT ?? 10_000);
const PER_SECOND = Number(process.env.CONNECTIONS_PER_SECOND ?? 200);
const IDLE_S = 20;

export interface RunFigures {
  connected: number;
  failed: number;
  handshakeP50: number;
  handshakeP99: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  kibPerConnection: number;
  idleCpuPercent: number;
  generatorCpuPercent: number;
  void: string[];
}

/**
 * One run: a fresh server from `start`, IDLE_COUNT idle clients ramped against it, its RSS and idle CPU.
 * `users` (or the ones `start` made, e.g. a homeserver's access tokens) name the clients.
 */
export async function idleRun(
  label: string,
  start: () => Promise<{ pid: number; url: string; stop: () => Promise<void>; users?: string[] }>,
  mode: 'chat' | 'bare' | 'matrix',
  users?: string[],
): Promise<RunFigures> {
  const server = await start();
  const generator = new Generator('connections');
  try {
    await sleep(2000); // let start-up allocations settle before the baseline
    const rssBefore = rssKiB(server.pid);
    const rampCpu = new CpuWindow({ generator: generator.pid });
    const ramp = await generator.send<{ connected: number; failed: number; firstFailure?: string; handshakes: number[] }>({
      cmd: 'ramp', url: server.url, mode, count: IDLE_COUNT, perSecond: PER_SECOND, users: server.users ?? users,
    });
    const generatorCpu = rampCpu.stop();
    if (ramp.failed) console.error(`  ${ramp.failed} handshakes failed: ${ramp.firstFailure}`);
    await sleep(5000);
    const idle = new CpuWindow({ server: server.pid });
    await sleep(IDLE_S * 1000);
    const idleCpu = idle.stop();
    const rssAfter = rssKiB(server.pid);
    const figures = {
      connected: ramp.connected,
      failed: ramp.failed,
      handshakeP50: percentile(ramp.handshakes, 50),
      handshakeP99: percentile(ramp.handshakes, 99),
      rssBeforeMiB: Math.round(rssBefore / 1024),
      rssAfterMiB: Math.round(rssAfter / 1024),
      kibPerConnection: Number(((rssAfter - rssBefore) / Math.max(1, ramp.connected)).toFixed(1)),
      idleCpuPercent: idleCpu.server,
      generatorCpuPercent: generatorCpu.generator,
      void: voidingGenerators(generatorCpu),
    };
    console.log(`  ${label}: ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await generator.send({ cmd: 'close' }).catch(() => undefined);
    await generator.close();
    await server.stop();
  }
}

/** An idle run against a fresh chat backend on `uri`, its clients the given (existing) users. */
export const idleChatBackend = (uri: string, users: string[]) =>
  idleRun('chat backend', async () => {
    const s = await startServer(uri, { SOCKET_EVENTS_PER_SECOND: '1000000' });
    return { pid: s.process.pid!, url: s.url, stop: s.stop };
  }, 'chat', users);

/** An idle run against a fresh bare socket.io relay. */
export const idleBareRelay = () =>
  idleRun('bare socket.io relay', async () => {
    const s = await startServer('', {}, { script: 'bench/bare-relay.mts' });
    return { pid: s.process.pid!, url: s.url, stop: s.stop };
  }, 'bare');

/** The users the chat backend's idle clients connect as (it refuses tokens of users that do not exist). */
export const seedIdleUsers = async (uri: string) => (await withDatabase(uri, (db) => seedUsers(db, IDLE_COUNT, 'Idle'))).map((id) => id.toHexString());

export async function connections(context: ScenarioContext): Promise<Section> {
  const results: Record<string, RunFigures[]> = { 'chat backend': [], 'bare socket.io relay': [] };
  const uri = databaseUri(context, 'connections');
  const users = await seedIdleUsers(uri);
  for (let run = 1; run <= context.runs; run++) {
    console.log(`connections: run ${run}`);
    results['chat backend'].push(await idleChatBackend(uri, users));
    results['bare socket.io relay'].push(await idleBareRelay());
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([label, runs]) => {
      const med = (key: keyof RunFigures) => median(runs.map((r) => r[key] as number));
      return [label, {
        kibPerConnection: med('kibPerConnection'), handshakeP50: med('handshakeP50'), handshakeP99: med('handshakeP99'), idleCpuPercent: med('idleCpuPercent'),
        failed: runs.reduce((n, r) => n + r.failed, 0), void: runs.flatMap((r) => r.void),
      }];
    }),
  );
  const row = (label: string) => {
    const s = summary[label];
    return `| ${label} | **${s.kibPerConnection}** | ${s.handshakeP50} / ${s.handshakeP99} | ${s.idleCpuPercent} | ${s.failed} | ${s.void.length ? `**void**: ${s.void.join('; ')}` : 'valid'} |`;
  };
  const markdown =
    `${fmt(IDLE_COUNT)} sockets opened at ${PER_SECOND}/s by one load-generator process (each with its own JWT for the chat backend), then left idle; ` +
    `RSS per connection is the server's RSS growth from before the ramp to after ${IDLE_S} s idle, divided by the sockets; idle CPU is the server's over those ${IDLE_S} s. ` +
    `Median of ${context.runs} runs, each with a fresh server.\n\n` +
    `| server | KiB RSS per idle socket | handshake p50 / p99 ms | idle CPU % of a core | failed handshakes | runs |\n| --- | ---: | ---: | ---: | ---: | --- |\n` +
    `${row('chat backend')}\n${row('bare socket.io relay')}\n`;
  return { title: '2. Connections', date: new Date().toISOString(), markdown, figures: { count: IDLE_COUNT, perSecond: PER_SECOND, idleSeconds: IDLE_S, summary, runs: results } };
}
