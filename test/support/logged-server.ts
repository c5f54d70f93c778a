import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freeLoopbackPort } from '@app/embedded-db';
import { TEST_JWT_SECRET } from './test-app';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

/** One line the server wrote to standard output, when it arrived (ms since the process was spawned). */
export interface LogLine {
  text: string;
  /** The JSON line, parsed (undefined for a line that is not JSON). */
  json?: Record<string, unknown>;
  atMs: number;
}

/**
 * The built server as a child process whose log lines the test reads as they come: start-up,
 * dependencies going away and coming back, shutdown. `env` is all of its environment besides PATH,
 * PORT, HOST and a test secret (nothing is inherited, so a test says what the server sees).
 */
export class LoggedServer {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  /** The exit code (or signal), once the process ended. */
  readonly exited: Promise<number | NodeJS.Signals>;
  private readonly waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void; reject: (err: Error) => void }[] = [];
  private readonly spawnedAt = Date.now();

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (text) => this.take(text));
    createInterface({ input: child.stderr! }).on('line', (text) => this.stderr.push(text));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve(code ?? signal!);
        // Whatever was awaited will not come now.
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`the server exited (${code ?? signal}) before logging it; stderr: ${this.stderr.join('\n')}`));
      }),
    );
  }

  static async start(env: Record<string, string>): Promise<LoggedServer> {
    const port = await freeLoopbackPort();
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', AUTH_JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info', SHUTDOWN_DRAIN_MS: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new LoggedServer(child, `http://127.0.0.1:${port}`);
  }

  /** The first line (so far or to come) that matches; rejected if the process exits first. */
  logged(match: RegExp | ((line: LogLine) => boolean)): Promise<LogLine> {
    const test = typeof match === 'function' ? match : (line: LogLine) => match.test(line.text);
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    if (!this.running) return Promise.reject(new Error('the server has exited'));
    return new Promise((resolve, reject) => this.waiters.push({ match: test, resolve, reject }));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal (SIGTERM unless told) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | NodeJS.Signals> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  private take(text: string): void {
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const line = { text, json, atMs: Date.now() - this.spawnedAt };
    this.lines.push(line);
    for (const waiter of this.waiters.filter((w) => w.match(line))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  }
}
