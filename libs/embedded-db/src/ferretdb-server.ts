import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join, resolve } from 'node:path';

export interface FerretDbServerOptions {
  binary: string;
  /** SQLite files live here. */
  dataDir: string;
  /** Loopback port; a free one is picked when omitted. */
  port?: number;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  /**
   * SQLite's `synchronous` (the journal is WAL): `normal` (the default) syncs at checkpoints, so a
   * commit survives any process crash but not always a power cut; `full` syncs every commit.
   */
  synchronous?: 'normal' | 'full';
}

/**
 * The parent watches nothing: this shell does. It runs FerretDB and stops it as soon as its stdin
 * closes, which happens when we call stop() and also when the Node process dies in any way
 * (even kill -9), so a FerretDB is never left running behind us.
 */
const WATCHDOG = [
  // A background job's stdin is /dev/null in a non-interactive shell, so keep ours on fd 3.
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'server=$!',
  "trap 'kill -TERM $server 2>/dev/null' TERM INT HUP",
  '(cat <&3 >/dev/null; kill -TERM $server 2>/dev/null) &',
  'wait $server',
].join('\n');

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolvePort(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** A free loopback port chosen by the system (from its ephemeral range). */
export async function freeLoopbackPort(): Promise<number> {
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free loopback port');
  return port;
}

/**
 * A free loopback port below the system's ephemeral range (20000-32767), for a server that may be
 * stopped and started again on the same port: an ephemeral port freed by a stop can be handed at
 * once to any other program that listens on port 0.
 */
export async function freeStablePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = await tryListen(20_000 + Math.floor(Math.random() * 12_000));
    if (port !== undefined) return port;
  }
  return freeLoopbackPort();
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (result: boolean) => {
      socket.destroy();
      done(result);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, '127.0.0.1', () => finish(true));
  });
}

/** One FerretDB process (SQLite backend) on a loopback port, started and stopped by us. */
export class FerretDbServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  /** Told when the process ends without stop() (it crashed, or was killed). */
  private unexpectedExit?: (how: string) => void;
  private currentPort?: number;
  readonly dataDir: string;
  readonly logFile: string;

  constructor(private readonly options: FerretDbServerOptions) {
    this.dataDir = resolve(options.dataDir);
    this.logFile = join(this.dataDir, 'ferretdb.log');
  }

  get port(): number {
    if (this.currentPort === undefined) throw new Error('FerretDB is not running');
    return this.currentPort;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** `mongodb://127.0.0.1:PORT/<database>` */
  uri(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server (on the same port as before, after a stop) and resolves once it answers. */
  async start(): Promise<void> {
    if (this.child) return;
    mkdirSync(this.dataDir, { recursive: true });
    const port = this.currentPort ?? this.options.port ?? (await freeStablePort());
    const log = openSync(this.logFile, 'a');
    const args = [
      '--handler=sqlite',
      `--sqlite-url=file:${this.dataDir}/?_pragma=synchronous(${this.options.synchronous ?? 'normal'})`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      // Its state file (an instance uuid) goes with the data, not into whatever folder we run in.
      `--state-dir=${this.dataDir}`,
      '--log-level=warn',
    ];
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'ferretdb-watchdog', this.options.binary, ...args], {
      stdio: ['pipe', log, log],
    });
    closeSync(log);
    this.child = child;
    this.currentPort = port;
    let exitedEarly = false;
    let started = false;
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        exitedEarly = true;
        const unexpected = this.child === child;
        if (unexpected) this.child = undefined;
        done();
        // (The watchdog shell exits with FerretDB's status: 128 + the signal's number when it was killed.)
        // An exit while starting is start()'s to report.
        if (unexpected && started) this.unexpectedExit?.(signal ?? `exit status ${code}`);
      }),
    );

    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    while (!(await canConnect(port))) {
      if (exitedEarly) throw new Error(`FerretDB exited at start-up:\n${this.logTail()}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`FerretDB did not answer on 127.0.0.1:${port} in time:\n${this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    started = true;
  }

  /** `listener` is told each time the server ends without stop() (the start that follows is the caller's). */
  onUnexpectedExit(listener: (how: string) => void): void {
    this.unexpectedExit = listener;
  }

  /** Stops the server and waits until it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.stdin?.end();
    await this.exited;
  }

  private logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
