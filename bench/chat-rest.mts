// GET /Chat/Conversations/List and GET /Chat/Conversation?limit=50 for one user with 200
// conversations, at 1,000 and at 100,000 stored messages. Writes docs/benchmarks/chat-rest.{md,json}.
//   scripts/run bench chat-rest        (DURATION_S=10 CONNECTIONS=10 by default)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { seedHistory } from './seed.mts';
import { machine, median, ROOT, startDatabase, startServer, token } from './support.mts';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const CONVERSATIONS = 200;
const SIZES = (process.env.SIZES ?? '1000,100000').split(',').map(Number);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const RUNS = Number(process.env.RUNS ?? 3);

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  mode?: string;
}

async function load(url: string, auth: string): Promise<Figures> {
  const run = async (options: object) => {
    const result = await autocannon({ url, timeout: 120, headers: { authorization: auth }, ...options });
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
      throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    }
    return result;
  };
  // One probe first: a request slower than a second makes a timed run with many connections
  // meaningless (they would only queue), so such an endpoint is timed one request at a time.
  const probe = await run({ connections: 1, amount: 1 });
  let result;
  let mode;
  if (probe.latency.max > 1000) {
    result = await run({ connections: 1, amount: 5 });
    mode = '1 connection, 5 requests (too slow for the timed run)';
  } else {
    result = await run({ connections: CONNECTIONS, duration: DURATION_S });
    mode = `${CONNECTIONS} connections, ${DURATION_S} s`;
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, mode };
}

async function main() {
  const database = await startDatabase();
  const rows: { messages: number; endpoint: string; runs: Figures[]; median: Figures }[] = [];
  try {
    for (const size of SIZES) {
      const uri = `${database.baseUri}/bench_rest_${size}`;
      const server = await startServer(uri);
      try {
        const { me, historyWith } = await seedHistory(uri, CONVERSATIONS, size);
        const auth = `Bearer ${token(me)}`;
        const endpoints = {
          'GET /Chat/Conversations/List': `${server.url}/Chat/Conversations/List`,
          'GET /Chat/Conversation?limit=50': `${server.url}/Chat/Conversation?withUserId=${historyWith}&limit=50`,
        };
        for (const [endpoint, url] of Object.entries(endpoints)) {
          await load(url, auth); // warm-up run, not recorded
          const runs: Figures[] = [];
          for (let r = 0; r < RUNS; r++) runs.push(await load(url, auth));
          const figures = {
            rps: median(runs.map((x) => x.rps)),
            p50: median(runs.map((x) => x.p50)),
            p99: median(runs.map((x) => x.p99)),
            mode: runs[0].mode,
          };
          rows.push({ messages: size, endpoint, runs, median: figures });
          console.log(`${size} messages  ${endpoint}: ${figures.rps.toFixed(0)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms`);
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await database.stop();
  }

  const listAt = (n: number) => rows.find((r) => r.messages === n && r.endpoint.includes('List'))!.median.p99;
  const ratio = listAt(100_000) / listAt(1_000);
  const report = {
    benchmark: 'chat-rest',
    date: new Date().toISOString(),
    command: 'scripts/run bench chat-rest',
    machine: machine(),
    database: process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB 1.24.2 (SQLite)',
    settings: { conversations: CONVERSATIONS, durationSeconds: DURATION_S, connections: CONNECTIONS, runs: RUNS },
    rows,
    listP99Ratio100kTo1k: Number(ratio.toFixed(2)),
    listWithinBound: ratio <= 1.5,
  };
  writeFileSync(join(ROOT, 'docs/benchmarks/chat-rest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const table = rows
    .map((r) => `| ${r.messages.toLocaleString('en')} | \`${r.endpoint}\` | ${r.median.rps.toFixed(1)} | ${r.median.p50} | ${r.median.p99} | ${r.median.mode} |`)
    .join('\n');
  writeFileSync(
    join(ROOT, 'docs/benchmarks/chat-rest.md'),
    `# Chat REST benchmark\n\n` +
      `One user with ${CONVERSATIONS} conversations; median of ${RUNS} runs of ${DURATION_S} s with ${CONNECTIONS} connections ` +
      `(autocannon, after a warm-up run), against the built server as a separate process.\n\n` +
      `- Command: \`${report.command}\`\n- Date: ${report.date}\n- Machine: ${report.machine.cpu}, ${report.machine.cores} cores, ` +
      `${report.machine.memoryGiB} GiB, Node ${report.machine.node}\n- Database: ${report.database}\n\n` +
      `| stored messages | endpoint | req/s | p50 ms | p99 ms | load |\n| ---: | --- | ---: | ---: | ---: | --- |\n${table}\n\n` +
      `List p99 at 100,000 messages / at 1,000: **${report.listP99Ratio100kTo1k}** (bound: 1.5; ${report.listWithinBound ? 'within' : 'NOT within'}).\n`,
  );
  console.log(`list p99 ratio 100k/1k: ${report.listP99Ratio100kTo1k}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
