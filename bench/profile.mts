// Profiles the server under the message loop: CPU profile (--cpu-prof) and event-loop delay, at a
// fixed rate, then prints the functions with the most self time and the delay percentiles.
//   scripts/run bench profile          (PROFILE_RATE=25 loops/s, PROFILE_SECONDS=20, PROFILE_PAIRS=200)
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedPairs } from './seed.mts';
import { ROOT, startDatabase, startServer } from './support.mts';
import { LoopLoad } from './scenarios/message-loop.mts';

const RATE = Number(process.env.PROFILE_RATE ?? 25);
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 20);
const PAIRS = Number(process.env.PROFILE_PAIRS ?? 200);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

type CallFrame = ProfileNode['callFrame'];

/** Self time per key (`keyOf` a sample's function), from the samples of a .cpuprofile: the top `count`, as shares. */
function topSelfTime(file: string, count: number, keyOf: (frame: CallFrame) => string): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const key = keyOf(byId.get(id)!.callFrame);
    const delta = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + delta);
    total += delta;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}

/** A function, where it is defined. */
function functionKey({ functionName, url, lineNumber }: CallFrame): string {
  const where = url.replace(`file://${ROOT}/`, '').replace(/^.*node_modules\//, '');
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
}

/** Where a sample's function lives: an npm package, a folder of ours, Node's internals, or V8's own entries. */
function area({ url, functionName }: CallFrame): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const inPackage = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inPackage) return inPackage[1];
  if (url.startsWith('node:')) return 'node: internals';
  const ours = url.replace(`file://${ROOT}/`, '').replace(/^dist\//, '');
  return ours.split('/').slice(0, ours.startsWith('apps/') ? 4 : 3).join('/');
}

const database = await startDatabase();
const profiles = mkdtempSync(join(tmpdir(), 'chat-profile-'));
try {
  const uri = `${database.baseUri}/bench_profile_${Date.now()}`;
  const server = await startServer(uri, { SOCKET_EVENTS_PER_SECOND: '1000000' }, {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--require', join(ROOT, 'bench/event-loop-delay.cjs')],
  });
  try {
    const load = await LoopLoad.connect(server.url, 'chat', await seedPairs(uri, PAIRS), 1);
    const pids = { server: server.process.pid!, ...(database.pid ? { database: database.pid } : {}) };
    await load.step(RATE, SECONDS, pids, uri);
    await load.finish();
  } finally {
    await server.stop();
  }
  const [file] = readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'));
  console.log(`CPU profile: ${join(profiles, file)}\nself time, top 25:`);
  for (const line of topSelfTime(join(profiles, file), 25, functionKey)) console.log(line);
  console.log('self time by package or folder, top 25:');
  for (const line of topSelfTime(join(profiles, file), 25, area)) console.log(line);
} finally {
  await database.stop();
}
