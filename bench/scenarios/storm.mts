// Scenario 5, a reconnect storm: 300 sockets of 150 users reconnect and sync at once (each user
// with changes waiting) while 10 other pairs run the message loop at a fixed rate. The same pairs at
// the same rate without the storm, in the same run, are the yardstick.
import { seedFeeds, seedPairs } from '../seed.mts';
import { CpuWindow, Generator, median, percentile, startServer, voidingGenerators } from '../support.mts';
import { LoopLoad } from './message-loop.mts';
import { databasePids, databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';

const USERS = Number(process.env.STORM_USERS ?? 150);
const SOCKETS_PER_USER = 2;
const CHANGES_PER_USER = Number(process.env.STORM_CHANGES ?? 20);
const LOOP_PAIRS = 10;
const LOOP_RATE = Number(process.env.STORM_LOOP_RATE ?? 20);
const LOOP_SECONDS = 10;

interface Run {
  durationMs: number;
  socketP50: number;
  changes: number;
  pages: number;
  during: { ackP99: number; roundTripP99: number; errors: number; late: number };
  alone: { ackP99: number; roundTripP99: number; errors: number; late: number };
  cpu: Record<string, number>;
  void: string[];
}

export async function storm(context: ScenarioContext): Promise<Section> {
  const uri = databaseUri(context, 'storm');
  const loopPairs = await seedPairs(uri, LOOP_PAIRS);
  const server = await startServer(uri, { SOCKET_EVENTS_PER_SECOND: '100000', REST_REQUESTS_PER_MINUTE: '100000000' });
  const runs: Run[] = [];
  try {
    const pids = { server: server.process.pid!, ...databasePids(context) };
    const loop = await LoopLoad.connect(server.url, 'chat', loopPairs, 1);
    await loop.step(LOOP_RATE, 2, pids); // warm-up
    for (let run = 1; run <= context.runs; run++) {
      // Users of their own each run, so every storm has exactly CHANGES_PER_USER changes waiting per user.
      const stormUsers = (await seedPairs(uri, USERS / 2)).flatMap((p) => [p.from, p.to]);
      await seedFeeds(uri, stormUsers, CHANGES_PER_USER);
      const alone = await loop.step(LOOP_RATE, LOOP_SECONDS, pids);
      const generator = new Generator('storm');
      try {
        const cpu = new CpuWindow({ ...pids, storm: generator.pid, ...loop.pids() });
        const [during, wave] = await Promise.all([
          loop.step(LOOP_RATE, LOOP_SECONDS, pids),
          generator.send<{ durationMs: number; socketMs: number[]; changes: number; pages: number }>({
            cmd: 'storm', url: server.url, users: stormUsers, socketsPerUser: SOCKETS_PER_USER,
          }),
        ]);
        const usage = cpu.stop();
        const pick = (f: typeof alone) => ({ ackP99: f.ackP99, roundTripP99: f.roundTripP99, errors: f.errors, late: f.late });
        runs.push({
          durationMs: wave.durationMs, socketP50: percentile(wave.socketMs, 50), changes: wave.changes, pages: wave.pages,
          during: pick(during), alone: pick(alone), cpu: usage, void: voidingGenerators(usage),
        });
        console.log(`  storm run ${run}: ${JSON.stringify(runs.at(-1))}`);
      } finally {
        await generator.close();
      }
    }
    const { lost, duplicated } = await loop.finish();
    const m = (pick: (r: Run) => number) => median(runs.map(pick));
    const markdown =
      `${USERS * SOCKETS_PER_USER} sockets of ${USERS} users (${CHANGES_PER_USER} changes waiting for each) connect and sync their ` +
      `cursor chains to the end all at once, while ${LOOP_PAIRS} other pairs run the message loop at ${LOOP_RATE} loops/s; the same loop ` +
      `without the storm in the same run is the yardstick. Median of ${runs.length} runs.\n\n` +
      `| | figure | without the storm |\n| --- | ---: | ---: |\n` +
      `| storm finished (last socket synced) | **${fmt(m((r) => r.durationMs))} ms** (target: within 5,000) | |\n` +
      `| a storm socket's median time to synced | ${fmt(m((r) => r.socketP50))} ms | |\n` +
      `| the other pairs' \`sent\` ack p99 | **${m((r) => r.during.ackP99)} ms** (target: within 500) | ${m((r) => r.alone.ackP99)} ms |\n` +
      `| the other pairs' round-trip p99 | ${m((r) => r.during.roundTripP99)} ms | ${m((r) => r.alone.roundTripP99)} ms |\n` +
      `| changes synced per storm (pages) | ${fmt(m((r) => r.changes))} (${fmt(m((r) => r.pages))}) | |\n` +
      `| lost, duplicated (the loop, all runs) | ${lost}, ${duplicated} | |\n\n` +
      `Runs: ${runs.map((r) => (r.void.length ? `**void**: ${r.void.join('; ')}` : 'valid')).join(', ')}.\n`;
    return { title: '5. Reconnect storm', date: new Date().toISOString(), markdown, figures: { runs, lost, duplicated } };
  } finally {
    await server.stop();
  }
}
