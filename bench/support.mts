// Shared helpers of the benchmarks. Run with Node 24 directly (type stripping): no build step for
// the bench scripts themselves; they drive the built server (dist/) as a child process.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const ROOT = join(import.meta.dirname, '..');
const { FerretDbServer, freeLoopbackPort, locateFerretDb } = require(join(ROOT, 'dist/libs/embedded-db/src/index.js'));
const jwt = require('jsonwebtoken');

export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

export function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function token(userId: string): string {
  return jwt.sign({ sub: userId, roles: [] }, BENCH_SECRET, { algorithm: 'HS256', expiresIn: '1h' });
}

/** A FerretDB of the bench's own (or the MONGODB_URI server, if given). */
export async function startDatabase(): Promise<{ baseUri: string; stop: () => Promise<void> }> {
  if (process.env.MONGODB_URI) return { baseUri: process.env.MONGODB_URI.replace(/\/[^/]*$/, ''), stop: async () => undefined };
  const binary = locateFerretDb({ explicitBinary: process.env.FERRETDB_BIN || undefined, toolsDir: join(ROOT, '.tools') });
  if (!binary) throw new Error('no ferretdb: run scripts/run setup first');
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-ferretdb-'));
  const server = new FerretDbServer({ binary, dataDir });
  await server.start();
  return {
    baseUri: `mongodb://127.0.0.1:${server.port}`,
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

/** The real server (dist/apps/api/src/main.js) as a child process on a free port. */
export async function startServer(mongodbUri: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: mongodbUri,
      AUTH_JWT_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      // Our own FerretDB stands in for the embedded one: give it the embedded default's pool.
      ...(process.env.MONGODB_URI ? {} : { MONGODB_MAX_POOL_SIZE: process.env.MONGODB_MAX_POOL_SIZE ?? '4' }),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
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
