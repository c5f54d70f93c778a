// Shared helpers of the benchmarks. Run with Node 24 directly (type stripping): no build step for
// the bench scripts themselves; they drive the built server (dist/) as a child process.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const ROOT = join(import.meta.dirname, '..');
const { FerretDbServer, freeLoopbackPort, locateFerretDb } = require(join(ROOT, 'dist/libs/embedded-db/src/index.js'));
export { freeLoopbackPort };
const jwt = require('jsonwebtoken');

export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

export function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function token(userId: string): string {
  return jwt.sign({ sub: userId, roles: [] }, BENCH_SECRET, { algorithm: 'HS256', expiresIn: '1h' });
}

export interface Database {
  baseUri: string;
  /** The FerretDB process, for its CPU (undefined on MONGODB_URI). */
  pid?: number;
  stop: () => Promise<void>;
}

/** The pid of the process whose command line holds `argument` (a FerretDB's --listen-addr). */
function pidWithArgument(argument: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0].endsWith('ferretdb') && argv.includes(argument)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** A FerretDB of the bench's own (or the MONGODB_URI server, if given). */
export async function startDatabase(): Promise<Database> {
  if (process.env.MONGODB_URI) return { baseUri: process.env.MONGODB_URI.replace(/\/[^/]*$/, ''), stop: async () => undefined };
  const binary = locateFerretDb({ explicitBinary: process.env.FERRETDB_BIN || undefined, toolsDir: join(ROOT, '.tools') });
  if (!binary) throw new Error('no ferretdb: run scripts/run setup first');
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-ferretdb-'));
  const server = new FerretDbServer({ binary, dataDir });
  await server.start();
  return {
    baseUri: `mongodb://127.0.0.1:${server.port}`,
    pid: pidWithArgument(`--listen-addr=127.0.0.1:${server.port}`),
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * The real server (dist/apps/api/src/main.js) as a child process on a free port; `script` swaps in
 * another server entry (the bare-framework one), `nodeArgs` adds Node options (a --require preload).
 */
export async function startServer(
  mongodbUri: string,
  extraEnv: Record<string, string> = {},
  { script = 'dist/apps/api/src/main.js', nodeArgs = [] as string[] } = {},
): Promise<RunningServer> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script)], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: mongodbUri,
      AUTH_JWT_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      SHUTDOWN_DRAIN_MS: '0',
      // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under any scenario
      ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
      // glibc's malloc arenas (e.g. MALLOC_ARENA_MAX=2), to tell the server's native memory growth from its heap's
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
      // Our own FerretDB stands in for the embedded one: give it the embedded default's pool.
      ...(process.env.MONGODB_URI ? {} : { MONGODB_MAX_POOL_SIZE: process.env.MONGODB_MAX_POOL_SIZE ?? '4' }),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a large database the server's start-up includes making sure its indexes exist.
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('server did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2));
}

/** User plus system CPU seconds a process has used so far (/proc, Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5); the slice starts at field 3. Ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/** CPU use of named processes over a window, as a percentage of one core. */
export class CpuWindow {
  private readonly start = new Map<string, number>();
  private readonly startedAt = performance.now();
  private readonly pids: Record<string, number>;

  constructor(pids: Record<string, number>) {
    this.pids = pids;
    for (const [name, pid] of Object.entries(pids)) this.start.set(name, cpuSeconds(pid));
  }

  stop(): Record<string, number> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return Object.fromEntries(
      Object.entries(this.pids).map(([name, pid]) => [name, Math.round((100 * (cpuSeconds(pid) - this.start.get(name)!)) / seconds)]),
    );
  }
}

/** A load generator at or above this share of a core measures itself, not the server: its run is void. */
export const GENERATOR_CPU_LIMIT = 90;

/** The names of generators whose CPU made a window void ([] if none). */
export function voidingGenerators(cpu: Record<string, number>): string[] {
  return Object.entries(cpu)
    .filter(([name, percent]) => name.startsWith('generator') && percent > GENERATOR_CPU_LIMIT)
    .map(([name, percent]) => `${name} at ${percent}% of a core`);
}

/**
 * A load generator in its own process (bench/generators/NAME.mts), driven by JSON lines: each
 * command written to its stdin is answered by one JSON line on its stdout.
 */
export class Generator {
  readonly process: ChildProcess;
  private readonly replies: ((line: string) => void)[] = [];

  constructor(name: string) {
    this.process = spawn(process.execPath, [join(ROOT, `bench/generators/${name}.mts`)], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.process.stdout! }).on('line', (line) => this.replies.shift()?.(line));
  }

  get pid(): number {
    return this.process.pid!;
  }

  send<T = Record<string, unknown>>(command: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`generator exited (${code}) before answering ${String(command.cmd)}`));
      this.process.once('exit', onExit);
      this.replies.push((line) => {
        this.process.off('exit', onExit);
        const reply = JSON.parse(line) as T & { error?: string };
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply);
      });
      this.process.stdin!.write(`${JSON.stringify(command)}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.stdin!.end();
    await exited;
  }
}

/** The generator side of Generator: answers each command line with the handler's result. */
export function serveCommands(handlers: Record<string, (command: any) => Promise<object>>): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const lines = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      const command = JSON.parse(line) as { cmd: string };
      let reply: object;
      try {
        const handler = handlers[command.cmd];
        if (!handler) throw new Error(`unknown command ${command.cmd}`);
        reply = await handler(command);
      } catch (err) {
        reply = { error: (err as Error).stack ?? String(err) };
      }
      process.stdout.write(`${JSON.stringify(reply)}\n`);
    });
  });
  lines.on('close', () => void queue.then(() => process.exit(0)));
}

/** The commands FerretDB (or MongoDB) has answered so far, by kind (find, update, insert, ...). */
export async function databaseCommands(uri: string): Promise<Record<string, number> | undefined> {
  const { MongoClient } = require('mongodb');
  const client = await MongoClient.connect(uri, { maxPoolSize: 1 });
  try {
    const status = await client.db().admin().command({ serverStatus: 1 });
    const commands = status.metrics?.commands as Record<string, { total?: unknown }> | undefined;
    if (!commands) return undefined;
    return Object.fromEntries(Object.entries(commands).map(([kind, c]) => [kind, Number(c.total ?? 0)]));
  } finally {
    await client.close();
  }
}
