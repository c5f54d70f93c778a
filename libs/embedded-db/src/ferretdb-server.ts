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

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
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
    const port = this.currentPort ?? this.options.port ?? (await freeLoopbackPort());
    const log = openSync(this.logFile, 'a');
    const args = [
      '--handler=sqlite',
      `--sqlite-url=file:${this.dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ];
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'ferretdb-watchdog', this.options.binary, ...args], {
      stdio: ['pipe', log, log],
    });
    closeSync(log);
    this.child = child;
    this.currentPort = port;
    this.exited = new Promise((done) => child.once('exit', () => done()));
    let exitedEarly = false;
    void this.exited.then(() => {
      exitedEarly = true;
      if (this.child === child) this.child = undefined;
    });

    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    while (!(await canConnect(port))) {
      if (exitedEarly) throw new Error(`FerretDB exited at start-up:\n${this.logTail()}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`FerretDB did not answer on 127.0.0.1:${port} in time:\n${this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
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
