// The benchmark suite: every scenario in one command, each load generator in its own process with
// its CPU recorded (a run whose generator used more than 90% of a core is void and says so), the
// median of RUNS runs. Writes docs/benchmarks/results.{md,json}; a run of some SCENARIOS replaces
// only their sections.
//   scripts/run bench                    every scenario but the peer (about 45 minutes on 2 cores)
//   SCENARIOS=message-loop,push RUNS=3 scripts/run bench
//   scripts/run bench peer               the peer scenario (builds Dendrite once; bench/peer.mts)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connections } from './scenarios/connections.mts';
import type { ScenarioContext, Section } from './scenarios/context.mts';
import { messageLoop } from './scenarios/message-loop.mts';
import { peer } from './scenarios/peer.mts';
import { push } from './scenarios/push.mts';
import { rest } from './scenarios/rest.mts';
import { storm } from './scenarios/storm.mts';
import { GENERATOR_CPU_LIMIT, machine, ROOT, startDatabase } from './support.mts';

const SCENARIOS: Record<string, (context: ScenarioContext) => Promise<Section>> = { 'message-loop': messageLoop, connections, rest, push, storm, peer };
/** Run unless SCENARIOS names others: all but the peer, which builds a homeserver first. */
const DEFAULT_SCENARIOS = Object.keys(SCENARIOS).filter((name) => name !== 'peer');
const RESULTS = join(ROOT, 'docs/benchmarks/results');

interface Results {
  command: string;
  database: string;
  machine: ReturnType<typeof machine>;
  sections: Record<string, Section & { machine: ReturnType<typeof machine> }>;
}

function render(results: Results): string {
  const sections = Object.keys(SCENARIOS)
    .map((name) => results.sections[name])
    .filter((s) => s !== undefined)
    .map((s) => `## ${s.title}\n\n_Measured ${s.date} on ${s.machine.cpu}, ${s.machine.cores} cores, ${s.machine.memoryGiB} GiB, Node ${s.machine.node}._\n\n${s.markdown}`);
  return (
    `# Benchmark results\n\n` +
    `- Command: \`${results.command}\` (one scenario: \`SCENARIOS=name scripts/run bench\`; see [README.md](README.md))\n` +
    `- Database: ${results.database}\n` +
    `- Load generators run in their own processes; a run in which one used more than ${GENERATOR_CPU_LIMIT}% of a core is marked **void**.\n\n` +
    `${sections.join('\n')}`
  );
}

async function main() {
  const names = (process.env.SCENARIOS ?? DEFAULT_SCENARIOS.join(',')).split(',');
  for (const name of names) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const results: Results = existsSync(`${RESULTS}.json`)
    ? JSON.parse(readFileSync(`${RESULTS}.json`, 'utf8'))
    : { command: '', database: '', machine: machine(), sections: {} };
  results.command = 'scripts/run bench';
  results.database = process.env.MONGODB_URI ? 'MongoDB at MONGODB_URI' : 'the embedded FerretDB 1.24.2 (SQLite), started by the suite';
  results.machine = machine();
  const database = await startDatabase();
  try {
    const context: ScenarioContext = { database, runs: Number(process.env.RUNS ?? 3), earlier: results.sections };
    for (const name of names) {
      console.log(`== ${name}`);
      results.sections[name] = { ...(await SCENARIOS[name](context)), machine: machine() };
      writeFileSync(`${RESULTS}.json`, `${JSON.stringify(results, null, 2)}\n`);
      writeFileSync(`${RESULTS}.md`, render(results));
    }
  } finally {
    await database.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
