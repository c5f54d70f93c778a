// Scenario 3, REST: the list of conversations with counts, a 50-message history page and a
// 50-change sync page, over 1,000 / 100,000 / 1,000,000 stored messages (flat within 1.5x is the
// target); and Nest's overhead: the same list handler on bare Fastify (bench/bare-rest.mts).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { seedHistory } from '../seed.mts';
import { CpuWindow, Generator, median, ROOT, startServer, token, voidingGenerators } from '../support.mts';
import { databasePids, databaseUri, fmt, type ScenarioContext, type Section } from './context.mts';

const require = createRequire(import.meta.url);
const { BSON: { EJSON }, ObjectId } = require('mongodb');
const { pairId } = require(join(ROOT, 'dist/libs/dal/src/shared/ids.js'));

const SIZES = (process.env.REST_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const CONVERSATIONS = 200;
const CONNECTIONS = Number(process.env.REST_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.REST_SECONDS ?? 10);
/** The paced load: the latency a user sees while the server is not saturated. */
const PACED_RATE = Number(process.env.REST_PACED_RATE ?? 20);
/** A request slower than this is timed one at a time (many connections would only queue). */
const SLOW_MS = 1000;

interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

interface Row {
  server: string;
  endpoint: string;
  mode: string;
  runs: (LoadFigures & { cpu: Record<string, number> })[];
  median: LoadFigures;
  void: string[];
}

async function measure(
  server: string,
  endpoint: string,
  url: string,
  authorization: string,
  context: ScenarioContext,
  pids: Record<string, number>,
  request: { method?: string; body?: string; rate?: number } = {},
): Promise<Row> {
  const generator = new Generator('http-load');
  try {
    const probe = await generator.send<LoadFigures>({ cmd: 'run', url, authorization, connections: 1, amount: 1, ...request });
    const slow = probe.p99 > SLOW_MS;
    const load = slow ? { connections: 1, amount: 1 } : { connections: CONNECTIONS, seconds: SECONDS };
    if (!slow) await generator.send({ cmd: 'run', url, authorization, connections: CONNECTIONS, seconds: 2, ...request }); // warm-up
    const runs = [];
    for (let run = 0; run < context.runs; run++) {
      const cpu = new CpuWindow({ ...pids, generator: generator.pid });
      const figures = await generator.send<LoadFigures>({ cmd: 'run', url, authorization, ...load, ...request });
      runs.push({ ...figures, cpu: cpu.stop() });
    }
    const row = {
      server,
      endpoint,
      mode: slow
        ? `1 request at a time, 1 per run (one takes over ${SLOW_MS} ms)`
        : request.rate
          ? `open loop, ${request.rate} req/s evenly spaced, ${SECONDS} s`
          : `${CONNECTIONS} connections, ${SECONDS} s, as fast as answered`,
      runs,
      median: {
        rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)),
        requests: runs.reduce((n, r) => n + r.requests, 0),
      },
      void: runs.flatMap((r) => voidingGenerators(r.cpu)),
    };
    console.log(`  ${server} ${endpoint}: ${JSON.stringify(row.median)} cpu ${JSON.stringify(runs.map((r) => r.cpu))}`);
    return row;
  } finally {
    await generator.close();
  }
}

interface AtSize {
  messages: number;
  seedSeconds: number;
  rows: Row[];
  overheadPercent: number;
  ceilingRows: Record<string, { perSecond: number; p50: number; p99: number }>;
  slowHistory: boolean;
}

export async function rest(context: ScenarioContext): Promise<Section> {
  const sizes: AtSize[] = [];
  for (const messages of SIZES) sizes.push(await restAt(context, messages));
  const p99Of = (at: AtSize, server: string, endpoint: string) => at.rows.find((r) => r.server === server && r.endpoint === endpoint)!.median.p99;
  const [smallest, largest] = [sizes[0], sizes.at(-1)!];
  const flatness = largest.rows
    .filter((r) => r.server.startsWith('Nest'))
    .map(({ server, endpoint }) => ({
      server,
      endpoint,
      p99: sizes.map((at) => p99Of(at, server, endpoint)),
      ratio: Number((Math.max(p99Of(largest, server, endpoint), 1) / Math.max(p99Of(smallest, server, endpoint), 1)).toFixed(2)),
    }));
  const markdown =
    `Flatness: p99 at ${fmt(largest.messages)} stored messages over p99 at ${fmt(smallest.messages)} (target: within 1.5x; ` +
    `and the list and a history page at p99 <= 50 ms at ${fmt(largest.messages)}). A p99 under 1 ms counts as 1 ms. ` +
    `"As fast as answered": ${CONNECTIONS} connections each sending its next request when the last is answered (saturation: ` +
    `the p99 is mostly queueing, about ${CONNECTIONS} times the service time); "paced": an open loop of ${PACED_RATE} requests a second ` +
    `evenly spaced, each timed from when it was due (bench/generators/http-load.mts), the latency a user sees while the server is not saturated.\n\n` +
    `| endpoint | load | ${sizes.map((at) => `p99 ms at ${fmt(at.messages)}`).join(' | ')} | ratio |\n| --- | --- | ${sizes.map(() => '---:').join(' | ')} | ---: |\n` +
    flatness.map((f) => `| \`${f.endpoint}\` | ${f.server.endsWith('paced') ? `paced, ${PACED_RATE} req/s` : 'as fast as answered'} | ${f.p99.join(' | ')} | **${f.ratio}** |`).join('\n') +
    '\n\n' +
    sizes.map((at) => `### ${fmt(at.messages)} stored messages\n\n${markdownAt(at, context)}`).join('\n');
  return { title: '3. REST over a large history', date: new Date().toISOString(), markdown, figures: { sizes, flatness } };
}

async function restAt(context: ScenarioContext, MESSAGES: number): Promise<AtSize> {
  const uri = databaseUri(context, `rest${MESSAGES}`);
  const seedStarted = performance.now();
  const { me, historyWith, historyConversation, historySeq, others, feedHead } = await seedHistory(uri, CONVERSATIONS, MESSAGES);
  // A sync page: the 50 newest changes of the user's sequence, from the cursor just before them.
  const syncBody = JSON.stringify({ cursor: Buffer.from(JSON.stringify({ v: 2, s: Math.max(0, feedHead - 50) })).toString('base64url') });
  const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);
  console.log(`rest: seeded ${MESSAGES} messages in ${seedSeconds} s`);
  const authorization = `Bearer ${token(me)}`;
  const env = { REST_REQUESTS_PER_MINUTE: '100000000' };
  const dbPids = databasePids(context);
  const rows: Row[] = [];

  const nest = await startServer(uri, env);
  try {
    const pids = { server: nest.process.pid!, ...dbPids };
    rows.push(await measure('Nest (the chat backend)', 'GET /Chat/Conversations/List', `${nest.url}/Chat/Conversations/List`, authorization, context, pids));
    rows.push(await measure('Nest (the chat backend)', 'GET /Chat/Conversation?limit=50', `${nest.url}/Chat/Conversation?withUserId=${historyWith}&limit=50`, authorization, context, pids));
    rows.push(await measure('Nest (the chat backend)', 'POST /Chat/Sync (50 changes)', `${nest.url}/Chat/Sync`, authorization, context, pids, { method: 'POST', body: syncBody }));
    rows.push(await measure('Nest, paced', 'GET /Chat/Conversations/List', `${nest.url}/Chat/Conversations/List`, authorization, context, pids, { rate: PACED_RATE }));
    rows.push(await measure('Nest, paced', 'GET /Chat/Conversation?limit=50', `${nest.url}/Chat/Conversation?withUserId=${historyWith}&limit=50`, authorization, context, pids, { rate: PACED_RATE }));
  } finally {
    await nest.stop();
  }
  const bare = await startServer(uri, env, { script: 'bench/bare-rest.mts' });
  try {
    rows.push(await measure('bare Fastify, same handler', 'GET /Chat/Conversations/List', `${bare.url}/Chat/Conversations/List`, authorization, context, { server: bare.process.pid!, ...dbPids }));
  } finally {
    await bare.stop();
  }

  // The database alone: the reads each handler makes, through the same driver, one after another.
  const oid = (hex: string) => new ObjectId(hex);
  const filter = (value: object) => EJSON.stringify(value, { relaxed: false });
  const listQueries = [
    { collection: 'users', filter: filter({ _id: oid(me) }) },
    { collection: 'network_rosters', filter: filter({ _id: oid(me) }) },
    { collection: 'conversations', filter: filter({ _id: { $in: others.map((other) => oid(pairId(me, other).toHexString())) } }) },
    { collection: 'users', filter: filter({ _id: { $in: others.map(oid) } }) },
  ];
  const historyQueries = [
    { collection: 'users', filter: filter({ _id: oid(me) }) },
    { collection: 'users', filter: filter({ _id: oid(historyWith) }) },
    { collection: 'network_links', filter: filter({ _id: oid(pairId(me, historyWith).toHexString()) }) },
    { collection: 'conversations', filter: filter({ _id: oid(pairId(me, historyWith).toHexString()) }) },
    // The page: the 51 newest positions (50 and whether there are more), one range read of {conversationId, seq}.
    { collection: 'messages', filter: filter({ conversationId: oid(historyConversation), seq: { $lt: historySeq + 1 } }), sort: { seq: -1 as const }, limit: 51 },
  ];
  const slowHistory = rows[1].mode.startsWith('1 request');
  const ceiling = new Generator('db-ceiling');
  const ceilingRows: Record<string, { perSecond: number; p50: number; p99: number }> = {};
  try {
    for (const [name, queries, slow] of [['list', listQueries, false], ['history', historyQueries, slowHistory]] as const) {
      const runs = [];
      for (let run = 0; run < context.runs; run++) {
        runs.push(await ceiling.send<{ perSecond: number; p50: number; p99: number }>({
          cmd: 'queries', uri, queries, connections: slow ? 1 : 4, ...(slow ? { amount: 1 } : { seconds: SECONDS }),
        }));
      }
      ceilingRows[name] = { perSecond: median(runs.map((r) => r.perSecond)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)) };
      console.log(`  database alone, ${name}: ${JSON.stringify(ceilingRows[name])}`);
    }
  } finally {
    await ceiling.close();
  }

  const list = rows[0];
  const bareList = rows.find((r) => r.server.startsWith('bare'))!;
  const overheadPercent = Number(((1 - list.median.rps / bareList.median.rps) * 100).toFixed(1));
  return { messages: MESSAGES, seedSeconds, rows, overheadPercent, ceilingRows, slowHistory };
}

function markdownAt({ messages: MESSAGES, seedSeconds, rows, overheadPercent, ceilingRows, slowHistory }: AtSize, context: ScenarioContext): string {
  return (
    `One user with ${CONVERSATIONS} conversations holding ${fmt(MESSAGES)} stored messages (seeded in ${seedSeconds} s), autocannon in its own process ` +
    `after a warm-up; median of ${context.runs} runs. Nest's overhead: the share of the bare server's throughput lost by serving the same handler ` +
    `(the same ConversationQueriesService, token check, mapping and envelope) through Nest.\n\n` +
    `| server | endpoint | req/s | p50 ms | p99 ms | load | runs |\n| --- | --- | ---: | ---: | ---: | --- | --- |\n` +
    rows
      .map((r) => `| ${r.server} | \`${r.endpoint}\` | **${fmt(r.median.rps)}** | ${r.median.p50} | ${r.median.p99} | ${r.mode} | ${r.void.length ? `**void**: ${r.void.join('; ')}` : 'valid'} |`)
      .join('\n') +
    `\n\nNest's overhead on the list: **${overheadPercent}%** of the bare server's throughput.\n\n` +
    `The database alone (the same reads each handler makes, through the same driver, one after another, ${slowHistory ? 'history one request at a time' : '4 connections'}): ` +
    `list ${fmt(ceilingRows.list.perSecond)} req/s (p50 ${ceilingRows.list.p50} ms, p99 ${ceilingRows.list.p99} ms); ` +
    `history page ${fmt(ceilingRows.history.perSecond)} req/s (p50 ${ceilingRows.history.p50} ms, p99 ${ceilingRows.history.p99} ms).\n`
  );
}
